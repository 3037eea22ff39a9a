/**
 * Hourly counter items written straight into a metrics table with the store's key scheme, for the
 * roll-up tests: weeks of data are the point, and records weeks old cannot come through a stream
 * (it keeps them 24 hours).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { counterPk } from "../../adapters/dynamodb/metrics-keys";
import type { Counters } from "../../core/metrics/counters";
import { LogHistogram } from "../../core/metrics/histogram";
import { seededRandom } from "../core/stats/random";

export interface CounterItemsShape {
  experimentId: string;
  /** The last hour with data, e.g. "2026-11-25T15". */
  lastHour: string;
  days: number;
  shards: number;
  /** Arms and the first day (0-based) each has data: an arm can appear later. */
  arms: readonly { id: string; fromDay?: number }[];
  seed?: number;
}

const HOUR_MS = 3_600_000;

/** Counters of one (arm, hour, shard) item: routing, reviews, audits, costs, histograms, pairs, feedback. */
function counters(random: () => number): Counters {
  const n = 1 + Math.floor(random() * 40);
  const auto = Math.floor(n * (0.4 + random() * 0.5));
  const human = n - auto;
  const audits = Math.floor(auto * random() * 0.3);
  // A few buckets each: enough to make quantiles depend on how hours merge.
  const latencies = new LogHistogram();
  for (let i = 0; i < 4; i++) latencies.add(20 + random() * 200, Math.ceil(auto / 4));
  const queue = new LogHistogram();
  for (let i = 0; i < 4; i++) queue.add(60_000 + random() * 3_600_000, Math.ceil(human / 4));
  return {
    events: 2 * n + 3 * human,
    decisions: n,
    enrolledDecisions: n,
    units: Math.floor(n * random()),
    auto,
    human,
    audit: audits,
    auditedCount: audits,
    auditedCorrect: audits - Math.floor(audits * random() * 0.3),
    enqueued: human,
    verdicts: human,
    overrides: Math.floor(human * random() * 0.3),
    queueMs: Math.floor(human * random() * 900_000),
    humanOutcomes: human,
    humanModelCorrect: Math.floor(human * 0.8),
    modelCostNanoUsd: n * Math.floor(300_000 + random() * 200_000),
    humanCostNanoUsd: human * Math.floor(400_000_000 + random() * 400_000_000),
    "unpriced:m-2": Math.floor(random() * 3),
    pairTotal: 2,
    pairAgree: random() < 0.7 ? 2 : 1,
    "pair:approve|approve": 1,
    "pair:deny|approve": 1,
    feedbackProduced: Math.floor(human * 0.2),
    ...latencies.toCounters("lat:auto:"),
    ...queue.toCounters("lat:human:"),
  };
}

/**
 * Items of `days` days ending at `lastHour`, 2 hours in 3 with data, with a few hours whose shards
 * cancel out (a counter +1 on one shard and −1 on another: the read keeps the hour, without it).
 */
export function counterItems(shape: CounterItemsShape): Record<string, unknown>[] {
  const random = seededRandom(shape.seed ?? 7);
  const last = Date.parse(`${shape.lastHour}:00:00Z`);
  const hours = shape.days * 24;
  const items: Record<string, unknown>[] = [];
  for (let h = 0; h < hours; h++) {
    const hour = new Date(last - (hours - 1 - h) * HOUR_MS).toISOString().slice(0, 13);
    const day = Math.floor(h / 24);
    for (const arm of shape.arms) {
      if (day < (arm.fromDay ?? 0) || h % 3 === 1) continue;
      for (let shard = 0; shard < shape.shards; shard++) {
        const sk = `${hour}#${arm.id}`;
        const pk = counterPk(shape.experimentId, shard);
        if (h % 17 !== 5) items.push({ pk, sk, ...counters(random) });
        else if (shard < 2) items.push({ pk, sk, ground: shard === 0 ? 1 : -1 });
      }
    }
  }
  return items;
}

/** BatchWriteItem, 25 at a time from 8 writers, retrying unprocessed items. */
export async function putItems(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table]: batch.map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
}

/**
 * The read side of the metrics: how long one experiment's aggregates take to read and fold, for
 * synthetic counter items in the store's layout (pk `EXP#<id>#S<shard>`, sk `<hour>#<arm>`) of 1M and
 * 10k decisions over 2 arms × 30 days, and 1M over 2 arms × 7 days (and 100M over 30 days):
 * `readExperiment` + `experimentMetrics` follow the items, not the decisions.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { counterPk } from "../../../adapters/dynamodb/metrics-keys";
import { DynamoMetricsStore } from "../../../adapters/dynamodb/metrics-store";
import { DEFAULT_SHARDS } from "../../../core/metrics/aggregate";
import type { Counters } from "../../../core/metrics/counters";
import { experimentMetrics } from "../../../core/metrics/read";
import { rebuildCounters } from "../../../core/metrics/rebuild";
import { seededRandom } from "../../../core/simulation/random";
import type { BenchContext } from "../../context";
import { num } from "../../render";
import { summarize } from "../../stats";
import { recordMix } from "./mix";

export const ARMS = ["control", "treatment"] as const;
/** Runs of each read size (the median is reported). */
export const READ_RUNS = 5;
/** Counter items per BatchWriteItem. */
const WRITE_BATCH = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ReadSize {
  label: string;
  decisions: number;
  days: number;
}

export const READ_SIZES: readonly ReadSize[] = [
  { label: "1M decisions, 2 arms × 30 days", decisions: 1_000_000, days: 30 },
  // Not in the issue: 100× the decisions on the same items, to show the time does not follow them.
  { label: "100M decisions, 2 arms × 30 days", decisions: 100_000_000, days: 30 },
  { label: "10k decisions, 2 arms × 30 days", decisions: 10_000, days: 30 },
  { label: "1M decisions, 2 arms × 7 days", decisions: 1_000_000, days: 7 },
];

/**
 * One arm's counter item for about `decisions` decisions: the counters the records of `recordMix`
 * imply (plain counters, both latency histograms, cost, closure). Every item of an arm gets these names.
 */
export function counterTemplate(arm: string, decisions: number, random: () => number): Counters {
  const hour = new Date(Date.UTC(2026, 10, 25, 12));
  const { records } = recordMix(Math.round(decisions), {
    experimentId: "template",
    arms: [arm],
    prefix: `template-${arm}`,
    units: Math.max(1, Math.round(decisions / 4)),
    random,
    now: () => hour,
  });
  return rebuildCounters(records).get(arm) ?? {};
}

/**
 * The template scaled to `decisions` (exactly that many), keeping every counter name even when its
 * value rounds to 0: items of both sizes have the same shape, only the numbers differ.
 */
export function scaledCounters(template: Readonly<Counters>, decisions: number): Counters {
  const factor = decisions / (template.decisions ?? 1);
  const out: Counters = {};
  for (const [name, value] of Object.entries(template)) out[name] = Math.round(value * factor);
  out.decisions = decisions;
  return out;
}

/** Items per arm × hour × shard; decisions spread so the items add up to exactly `size.decisions`. */
export function counterItems(
  experimentId: string,
  size: ReadSize,
  templates: Readonly<Record<string, Counters>>,
  lastHourMs: number,
  shards = DEFAULT_SHARDS,
): Record<string, unknown>[] {
  const arms = Object.keys(templates);
  const hours = size.days * 24;
  const total = arms.length * hours * shards;
  const share = (k: number) => Math.floor((k * size.decisions) / total);
  const items: Record<string, unknown>[] = [];
  let k = 0;
  for (const arm of arms)
    for (let h = 0; h < hours; h++) {
      const hour = new Date(lastHourMs - (hours - 1 - h) * 3_600_000).toISOString().slice(0, 13);
      for (let shard = 0; shard < shards; shard++, k++)
        items.push({
          pk: counterPk(experimentId, shard),
          sk: `${hour}#${arm}`,
          ...scaledCounters(templates[arm] ?? {}, share(k + 1) - share(k)),
        });
    }
  return items;
}

/**
 * An item's size as DynamoDB bills it, closely enough to round to KB: attribute names in UTF-8 plus
 * strings in UTF-8 and numbers at about one byte per two significant digits plus one.
 */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name, "utf8");
    if (typeof value === "string") bytes += Buffer.byteLength(value, "utf8");
    else if (typeof value === "number") {
      const digits = String(Math.abs(value))
        .replace(/[^0-9]/g, "")
        .replace(/^0+/, "")
        .replace(/0+$/, "");
      bytes += Math.ceil(Math.max(1, digits.length) / 2) + 1;
    } else bytes += Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
  }
  return bytes;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function writeItems(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
) {
  const batches = chunk(items, WRITE_BATCH);
  let next = 0;
  const writer = async () => {
    while (next < batches.length) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table]: (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && (request[table]?.length ?? 0) > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
        if (request && (request[table]?.length ?? 0) > 0) await sleep(50);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
}

export interface ReadMeasured {
  size: ReadSize;
  items: number;
  rows: number;
  kb: number;
  decisionsRead: number;
  readMs: ReturnType<typeof summarize>;
  computeMs: ReturnType<typeof summarize>;
  totalMs: ReturnType<typeof summarize>;
}

export async function measureReads(
  ctx: BenchContext,
  db: DynamoDBDocumentClient,
  table: string,
): Promise<ReadMeasured[]> {
  const store = new DynamoMetricsStore(db, table);
  const random = seededRandom(4_006);
  // A busy hour of the 1M-decision run: ~174 decisions per counter item.
  const perItem = 1_000_000 / (ARMS.length * 30 * 24 * store.shards);
  const templates = Object.fromEntries(ARMS.map((arm) => [arm, counterTemplate(arm, perItem, random)]));
  const lastHourMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const written = [];
  // --quick leaves out the extra 100M size (the three sizes stay).
  const sizes = ctx.options.quick ? READ_SIZES.filter((size) => size.decisions < 100_000_000) : READ_SIZES;
  for (const [i, size] of sizes.entries()) {
    const experimentId = `bench-metrics-read-${ctx.runId}-${i}`;
    const items = counterItems(experimentId, size, templates, lastHourMs, store.shards);
    const started = performance.now();
    await writeItems(db, table, items);
    ctx.progress(
      `metrics: ${size.label}: wrote ${items.length} counter items in ${num((performance.now() - started) / 1000, 1)} s`,
    );
    const kb = items.reduce((s, item) => s + itemBytes(item), 0) / 1024;
    written.push({
      size,
      experimentId,
      items: items.length,
      kb,
      read: [] as number[],
      compute: [] as number[],
    });
  }
  // One untimed read of each first, then the sizes in turn, run after run: neither DynamoDB Local's
  // warming up nor a neighbour's burst favours one size.
  for (const w of written) experimentMetrics(w.experimentId, await store.readExperiment(w.experimentId));
  const counted = new Map<string, { rows: number; decisions: number }>();
  for (let run = 0; run < READ_RUNS; run++) {
    for (const w of written) {
      const t0 = performance.now();
      const counterRows = await store.readExperiment(w.experimentId);
      const t1 = performance.now();
      const metrics = experimentMetrics(w.experimentId, counterRows);
      const t2 = performance.now();
      w.read.push(t1 - t0);
      w.compute.push(t2 - t1);
      counted.set(w.experimentId, {
        rows: counterRows.length,
        decisions: metrics.arms.reduce((s, a) => s + a.decisions, 0),
      });
    }
  }
  const out: ReadMeasured[] = [];
  for (const w of written) {
    const { rows = 0, decisions = 0 } = counted.get(w.experimentId) ?? {};
    if (decisions !== w.size.decisions)
      throw new Error(
        `${w.size.label}: the metrics count ${decisions} decisions, ${w.size.decisions} were written`,
      );
    const totals = summarize(w.read.map((r, j) => r + (w.compute[j] ?? 0)));
    out.push({
      size: w.size,
      items: w.items,
      rows,
      kb: w.kb,
      decisionsRead: decisions,
      readMs: summarize(w.read),
      computeMs: summarize(w.compute),
      totalMs: totals,
    });
    ctx.progress(`metrics: ${w.size.label}: median ${num(totals.p50, 0)} ms over ${READ_RUNS} runs`);
  }
  return out;
}

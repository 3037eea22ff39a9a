/**
 * Issue 4 §6: the metrics pipeline on the local cloud.
 *
 * 1. Aggregation: N metric events of a realistic mix (plus ~1% resent copies) go to the real metrics
 *    queue; the aggregator runs from its event source mapping; events/s end to end until the
 *    counters hold them all, and whether they hold each exactly once.
 * 2. Write units per event, from the aggregator's counted SDK operations, split by construction into
 *    dedupe items, first-seen unit items and counter updates; $ per million events (core/cost).
 * 3. Read time of one experiment's aggregates: synthetic counter items in the store's layout (pk
 *    `EXP#<id>#S<shard>`, sk `<hour>#<arm>`) for 1M and 10k decisions over 2 arms × 30 days, and 1M
 *    over 2 arms × 7 days (and 100M over 30 days): `readExperiment` + `experimentMetrics` follow the
 *    items, not the decisions.
 */

import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { OperationTotals } from "../../adapters/aws-operations";
import { counterPk, DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { costOfOperations } from "../../core/cost/model";
import { DEFAULT_PRICES } from "../../core/cost/prices";
import type { Route } from "../../core/decisions/schema";
import { countersOf, DEFAULT_SHARDS, unitKeyOf } from "../../core/metrics/aggregate";
import { feedbackAcknowledgedEvent, verdictEvent } from "../../core/metrics/builders";
import { addCounters, type Counters } from "../../core/metrics/counters";
import type { MetricEvent } from "../../core/metrics/events";
import { type CounterRow, experimentMetrics } from "../../core/metrics/read";
import { seededRandom } from "../../core/simulation/random";
import type { BenchOptions } from "../args";
import type { BenchContext, Scenario, ScenarioResult } from "../context";
import { costReport, type Measurement, modelledAggregation } from "../cost";
import { cpuMeter } from "../machine";
import { barChart, dollars, markdown, num, perItem } from "../render";
import { ratePerSecond, summarize } from "../stats";
import { cpuRows, functionCounts } from "./common";

const PHASE = "metrics";
/** Distinct events published (`--quick`: QUICK_EVENTS); BENCH_METRIC_EVENTS overrides both. */
export const DEFAULT_EVENTS = 20_000;
export const QUICK_EVENTS = 3_000;
export const EVENTS_ENV = "BENCH_METRIC_EVENTS";
/** Share of events sent a second time (a producer retrying), as copies of the same message. */
export const DUPLICATE_SHARE = 0.01;
/** Concurrent SendMessageBatch callers. */
const SENDERS = 8;
const SQS_BATCH = 10;
const ARMS = ["control", "treatment"] as const;
/** Runs of each read size (the median is reported). */
const READ_RUNS = 5;
/** Counter items per BatchWriteItem. */
const WRITE_BATCH = 25;
/** What the aggregator calls (anything else in the phase is some other function's). */
export const AGGREGATOR_OPERATIONS = [
  "DynamoDB.TransactWriteItems",
  "DynamoDB.BatchGetItem",
  "SQS.SendMessage",
] as const;

/** How many distinct events to publish. */
export function eventCount(
  options: Pick<BenchOptions, "quick">,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[EVENTS_ENV];
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`${EVENTS_ENV} must be an integer ≥ 1, got ${raw}`);
    return n;
  }
  return options.quick ? QUICK_EVENTS : DEFAULT_EVENTS;
}

/** Seeded, so a mix can be reproduced: the simulator's generator. */
export { seededRandom };

export interface MixOptions {
  experimentId: string;
  arms: readonly string[];
  /** Makes decision, review and feedback ids unique across runs and experiments. */
  prefix: string;
  /** Distinct units the decisions come from; each stays in one arm. Fewer than decisions: units repeat. */
  units: number;
  random: () => number;
  /** Each event's `at` (fresh by default: the current time). */
  now?: () => Date;
}

const other = (label: string) => (label === "approve" ? "deny" : "approve");

/**
 * `count` events as the use cases emit them for a stream of decisions: every decision is routed
 * (30% held on the first arm, 15% on the others; 5% of automated ones audited); a held or audited
 * decision adds its enqueue, the reviewer's verdict (built with `verdictEvent`) and its outcome; an
 * override adds a correction, a third of which the ML team acknowledges (`feedbackAcknowledgedEvent`).
 * About 1.85 events per decision. Pure for a given `random` and `now`.
 */
export function eventMix(count: number, o: MixOptions): MetricEvent[] {
  const events: MetricEvent[] = [];
  const now = o.now ?? (() => new Date());
  const { experimentId } = o;
  for (let d = 0; events.length < count; d++) {
    const unit = Math.floor(o.random() * o.units);
    const arm = o.arms[unit % o.arms.length] ?? "control";
    const decisionId = `${o.prefix}-d${d}`;
    const enrolled = o.random() < 0.95;
    const route: Route = o.random() < (arm === o.arms[0] ? 0.3 : 0.15) ? "human" : "auto";
    const audit = route === "auto" && o.random() < 0.05;
    const predicted = o.random() < 0.7 ? "approve" : "deny";
    const prediction = {
      label: predicted,
      confidence: 0.5 + o.random() / 2,
      modelVersion: "bench-1",
      costUsd: 0.0004,
    };
    const base = () => ({ at: now().toISOString(), experimentId, arm, enrolled });
    events.push({
      type: "decision.routed",
      id: `decision.routed:${decisionId}`,
      ...base(),
      decisionId,
      unitId: `unit-${unit}`,
      route,
      audit,
      modelCostUsd: prediction.costUsd,
      modelVersion: prediction.modelVersion,
      // Automated answers take 20 ms to a few hundred: tens of histogram buckets per counter item.
      ...(route === "auto" ? { latencyMs: Math.round(20 * Math.exp(o.random() * 2.8)) } : {}),
    });
    if (route === "auto" && !audit) continue;
    const kind = audit ? "audit" : "review";
    const reviewId = `${audit ? "au-" : "rv-"}${decisionId}`;
    const tier = audit ? "audit" : "t1";
    events.push({
      type: "review.enqueued",
      id: `review.enqueued:${reviewId}:1`,
      ...base(),
      reviewId,
      kind,
      queue: "bench",
      tier,
      round: 1,
    });
    const label = o.random() < 0.82 ? predicted : other(predicted);
    const handlingSeconds = 20 + Math.round(o.random() * 100);
    const queueSeconds = 30 + Math.round(o.random() * 1800);
    events.push(
      verdictEvent({
        item: { reviewId, decisionId, experimentId, arm, kind },
        verdict: {
          reviewer: `reviewer-${Math.floor(o.random() * 12)}`,
          label,
          handlingSeconds,
          at: now().toISOString(),
          tier,
          round: 1,
        },
        decision: { enrolled, prediction },
        price: { hourlyRateUsd: 30 },
        queueSeconds,
      }),
    );
    events.push({
      type: "decision.outcome",
      id: `decision.outcome:${decisionId}:${kind}`,
      ...base(),
      decisionId,
      route,
      source: "reviewer",
      outcome: label,
      predictedLabel: predicted,
      correct: label === predicted,
      latencyMs: (queueSeconds + handlingSeconds) * 1000,
      ...(audit ? { audited: true } : {}),
    });
    if (label === predicted) continue;
    const feedbackId = `fb-${decisionId}`;
    events.push({
      type: "feedback.produced",
      id: `feedback.produced:${feedbackId}`,
      ...base(),
      feedbackId,
      decisionId,
    });
    if (o.random() < 1 / 3) {
      const at = now();
      events.push(
        feedbackAcknowledgedEvent({
          record: {
            feedbackId,
            decisionId,
            experimentId,
            arm,
            producedAt: new Date(at.getTime() - Math.round(o.random() * 3 * 86_400_000)).toISOString(),
          },
          enrolled,
          stage: "training",
          modelVersion: "bench-2",
          at: at.toISOString(),
        }),
      );
    }
  }
  return events.slice(0, count);
}

/**
 * The sequence a retrying producer sends: every item once, and a copy of round(share × n) of them
 * `1 … spread` positions after the original (some land in the same aggregator batch, most in a later
 * one). Pure for a given `random`.
 */
export function withDuplicates<T>(
  items: readonly T[],
  share: number,
  random: () => number,
  spread = 2000,
): T[] {
  const copies = Math.round(share * items.length);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(copies, items.length)) chosen.add(Math.floor(random() * items.length));
  const placed = items.map((item, i) => ({ at: i, item }));
  for (const i of chosen)
    placed.push({
      at: Math.min(items.length, i + 1 + Math.floor(random() * spread)) - 0.5,
      item: items[i] as T,
    });
  return placed.sort((a, b) => a.at - b.at).map((p) => p.item);
}

/** What the counters must add up to if every distinct event is counted exactly once. */
export function expectedTotals(events: readonly MetricEvent[]): Counters {
  const seen = new Set<string>();
  const units = new Set<string>();
  const firstSeenUnits = new Set<string>();
  const distinct: MetricEvent[] = [];
  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    distinct.push(event);
    const unit = unitKeyOf(event);
    if (unit && !units.has(unit)) {
      units.add(unit);
      firstSeenUnits.add(event.id);
    }
  }
  const total: Counters = {};
  for (const event of distinct) addCounters(total, countersOf(event, { firstSeenUnits }));
  return total;
}

/** Every row's counters summed (the whole run, both arms). */
export function totalsOf(rows: readonly CounterRow[]): Counters {
  const total: Counters = {};
  for (const row of rows) addCounters(total, row.counters);
  return total;
}

export interface CounterDifference {
  name: string;
  expected: number;
  live: number;
}

export function counterDifferences(
  expected: Readonly<Counters>,
  live: Readonly<Counters>,
): CounterDifference[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(live)])].sort();
  return names
    .map((name) => ({ name, expected: expected[name] ?? 0, live: live[name] ?? 0 }))
    .filter((d) => d.expected !== d.live);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Only the given operations' counts, units, errors and times (the aggregator's, not other functions'). */
export function onlyOperations(totals: OperationTotals, operations: readonly string[]): OperationTotals {
  const mine = (key: string) =>
    operations.some((op) => key === op || key.startsWith(`${op} `) || key.startsWith(`${op}.`));
  const pick = (map: Record<string, number>) =>
    Object.fromEntries(Object.entries(map).filter(([k]) => mine(k)));
  return {
    ops: pick(totals.ops),
    units: pick(totals.units),
    errors: pick(totals.errors),
    ms: pick(totals.ms),
  };
}

export interface WriteUnitSplit {
  /** TransactWriteItems WRU as the counting middleware logged them. */
  total: number;
  /** 2 per counted event (a dedupe item is far below 1 KB, and a transactional write costs 2 × ⌈KB⌉). */
  dedupe: number;
  /** 2 per first-seen unit item. */
  units: number;
  /** The rest: the counter updates (the middleware charges 2 per update, the item's size is not in the request). */
  counters: number;
  /** Counter updates committed (counters / 2). */
  updates: number;
  /** Cancelled transactions: AWS bills ≥ 1 WRU each, DynamoDB Local reports nothing. */
  refused: number;
}

/** Splits the transactions' WRU by construction: each committed event wrote one dedupe item, each new unit one unit item. */
export function splitWriteUnits(args: {
  transactWru: number;
  countedEvents: number;
  newUnits: number;
  refusedTransactions: number;
}): WriteUnitSplit {
  const dedupe = 2 * args.countedEvents;
  const units = 2 * args.newUnits;
  const counters = Math.max(0, args.transactWru - dedupe - units);
  return {
    total: args.transactWru,
    dedupe,
    units,
    counters,
    updates: counters / 2,
    refused: args.refusedTransactions,
  };
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

// ---------------------------------------------------------------------------------------------------
// Read sizes: synthetic counter items

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
 * One arm's counter item for about `decisions` decisions: the counters `eventMix` events add up to
 * (plain counters, both latency histograms, cost, closure). Every item of an arm gets these names.
 */
export function counterTemplate(arm: string, decisions: number, random: () => number): Counters {
  const hour = new Date(Date.UTC(2026, 10, 25, 12));
  const events = eventMix(Math.round(decisions * 1.85), {
    experimentId: "template",
    arms: [arm],
    prefix: `template-${arm}`,
    units: Math.max(1, Math.round(decisions / 4)),
    random,
    now: () => hour,
  });
  return expectedTotals(events);
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

// ---------------------------------------------------------------------------------------------------
// The run

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function metricsQueueUrl(ctx: BenchContext): string {
  const queue = Object.values(ctx.cloud.resources.byLogicalId).find(
    (r) => r.type === "AWS::SQS::Queue" && /\/MetricsQueue\/Queue\//.test(r.path ?? ""),
  );
  if (!queue) throw new Error("the templates have no metrics queue (…/MetricsQueue/Queue)");
  return queue.ref;
}

function aggregatorName(ctx: BenchContext): string {
  const fn = Object.values(ctx.app.functions).find((f) => /MetricsQueue/.test(f.eventSource ?? ""));
  if (!fn) throw new Error("no function is fed by the metrics queue");
  return fn.name;
}

/** Sends `bodies` in SendMessageBatch calls of 10 from `senders` concurrent callers; retries failed entries. */
async function publish(sqs: SQSClient, queueUrl: string, bodies: readonly string[], senders: number) {
  const batches = chunk(bodies, SQS_BATCH);
  let next = 0;
  let sent = 0;
  let calls = 0;
  const sender = async () => {
    while (next < batches.length) {
      let entries = (batches[next++] ?? []).map((MessageBody, i) => ({ Id: String(i), MessageBody }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        calls++;
        const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        sent += entries.length - failed.size;
        if (failed.size > 0 && attempt >= 5)
          throw new Error(`SendMessageBatch: ${failed.size} entries kept failing`);
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  return { sent, calls };
}

/** Polls the counters until their `events` total reaches `target`; stops after `stallMs` without progress. */
async function waitCounted(
  store: DynamoMetricsStore,
  experimentId: string,
  target: number,
  progress: (counted: number) => void,
  stallMs = 60_000,
): Promise<{ counted: number; at: number }> {
  let counted = -1;
  let lastChange = performance.now();
  for (;;) {
    const now = totalsOf(await store.readExperiment(experimentId)).events ?? 0;
    const at = performance.now();
    if (now !== counted) {
      counted = now;
      lastChange = at;
      progress(counted);
    }
    if (counted >= target || at - lastChange > stallMs) return { counted, at };
    await sleep(250);
  }
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

async function counterItemsOf(
  db: DynamoDBDocumentClient,
  table: string,
  experimentId: string,
  shards: number,
) {
  const items: Record<string, unknown>[] = [];
  for (let shard = 0; shard < shards; shard++) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": counterPk(experimentId, shard) },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return items;
}

interface ReadMeasured {
  size: ReadSize;
  items: number;
  rows: number;
  kb: number;
  decisionsRead: number;
  readMs: ReturnType<typeof summarize>;
  computeMs: ReturnType<typeof summarize>;
  totalMs: ReturnType<typeof summarize>;
}

async function measureReads(
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
  // --quick leaves out the extra 100M size (the issue's three sizes stay).
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

export const metrics: Scenario = {
  name: "metrics",
  title: "Metrics aggregation and reads",
  description:
    "metric events through the metrics queue and the aggregator: events/s, WRU per event, exactly once; read time of 1M vs 10k decisions",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const { recorder, runId } = ctx;
    const n = eventCount(ctx.options);
    const table = ctx.app.tables.MetricsTable;
    if (!table) throw new Error("the templates have no MetricsTable");
    const queueUrl = metricsQueueUrl(ctx);
    const aggregator = aggregatorName(ctx);
    const db = DynamoDBDocumentClient.from(ctx.dynamodb);
    const store = new DynamoMetricsStore(db, table);
    const sqs = new SQSClient({
      endpoint: ctx.cloud.endpoints.sqs,
      region: ctx.cloud.region,
      credentials: { ...ctx.cloud.credentials },
    });
    const random = seededRandom(Number.parseInt(runId.slice(-6), 36) || 1);
    const mix = (count: number, experimentId: string, prefix: string) =>
      eventMix(count, {
        experimentId,
        arms: ARMS,
        prefix,
        // ~1.85 events per decision and ~8 decisions per unit: about one routed decision in eight is a new unit.
        units: Math.max(10, Math.round(count / 15)),
        random,
      });
    try {
      // Warm-up (not counted): starts the aggregator's workers and its SDK clients.
      recorder.begin(undefined);
      const warmId = `bench-metrics-warm-${runId}`;
      const warm = mix(Math.min(1000, n), warmId, `${runId}-warm`);
      ctx.progress(`metrics: warm-up, ${warm.length} events (not counted)`);
      await publish(
        sqs,
        queueUrl,
        warm.map((e) => JSON.stringify(e)),
        SENDERS,
      );
      const warmed = await waitCounted(store, warmId, warm.length, () => undefined);
      if (warmed.counted < warm.length)
        throw new Error(`the aggregator counted ${warmed.counted} of ${warm.length} warm-up events`);
      await recorder.settle();

      const experimentId = `bench-metrics-${runId}`;
      const events = mix(n, experimentId, `${runId}-run`);
      const sequence = withDuplicates(events, DUPLICATE_SHARE, random);
      const bodies = sequence.map((e) => JSON.stringify(e));
      const expected = expectedTotals(events);
      ctx.progress(
        `metrics: publishing ${n} events + ${bodies.length - n} resent copies from ${SENDERS} senders`,
      );

      recorder.begin(PHASE);
      const cpu = cpuMeter();
      const started = performance.now();
      let lastReport = 0;
      const publishing = publish(sqs, queueUrl, bodies, SENDERS).then((r) => ({
        ...r,
        at: performance.now(),
      }));
      const counted = await waitCounted(store, experimentId, n, (c) => {
        if (performance.now() - lastReport < 5000) return;
        lastReport = performance.now();
        ctx.progress(`metrics: counted ${c} of ${n}`);
      });
      const published = await publishing;
      const busy = cpu();
      await recorder.settle();
      recorder.begin(undefined);

      const elapsedMs = counted.at - started;
      const live = totalsOf(await store.readExperiment(experimentId));
      const differences = counterDifferences(expected, live);
      const exactlyOnce = differences.length === 0;
      const phase = recorder.phase(PHASE);
      const ops = onlyOperations(phase.ops, AGGREGATOR_OPERATIONS);
      const otherOps = Object.keys(phase.ops.ops).filter((op) => !(op in ops.ops));
      const stats = phase.invocations[aggregator];
      const batches = stats?.count ?? 0;
      const countedEvents = live.events ?? 0;
      const newUnits = live.units ?? 0;
      const refused = Object.entries(ops.errors)
        .filter(([k]) => k.startsWith("DynamoDB.TransactWriteItems."))
        .reduce((s, [, c]) => s + c, 0);
      const split = splitWriteUnits({
        transactWru: ops.units["DynamoDB.TransactWriteItems WRU"] ?? 0,
        countedEvents,
        newUnits,
        refusedTransactions: refused,
      });
      const rru = ops.units["DynamoDB.BatchGetItem RRU"] ?? 0;
      const transactions = ops.ops["DynamoDB.TransactWriteItems"] ?? 0;

      // On AWS a counter update costs 2 × ⌈item KB⌉; the final items' size bounds it from above.
      const finalItems = await counterItemsOf(db, table, experimentId, store.shards);
      const itemKb = finalItems.map((item) => itemBytes(item) / 1024);
      const meanItemKb = itemKb.reduce((s, v) => s + v, 0) / Math.max(1, itemKb.length);
      const billedKb = itemKb.reduce((s, v) => s + Math.max(1, Math.ceil(v)), 0) / Math.max(1, itemKb.length);
      const awsCounters = split.updates * 2 * billedKb;

      const perEvent = (x: number) => (countedEvents > 0 ? x / countedEvents : Number.NaN);
      const functions = functionCounts(ctx, phase).filter(
        (f) => f.label === ctx.app.functions[aggregator]?.label,
      );
      const measurement: Measurement = {
        items: countedEvents,
        httpRequests: 0,
        functions,
        expressExecutions: 0,
        expressMeanMs: 0,
        standardTransitions: 0,
        stateMachineSqsSends: 0,
        ops,
        modelledMetricEvents: 0,
      };
      const cost = costReport(measurement);
      const sized = costReport({
        ...measurement,
        ops: {
          ...ops,
          units: {
            ...ops.units,
            "DynamoDB.TransactWriteItems WRU": split.total - split.counters + awsCounters,
          },
        },
      });
      const modelPerMillion = costOfOperations(modelledAggregation(1), DEFAULT_PRICES).total * 1e6;
      const publishPerMillion = (published.calls / countedEvents) * DEFAULT_PRICES.sqsRequestUsd * 1e6;

      const rate = ratePerSecond(countedEvents, elapsedMs);
      const summaryRows = [
        [
          "events published",
          `${n.toLocaleString("en-US")} distinct + ${(bodies.length - n).toLocaleString("en-US")} resent copies ` +
            `(${num((100 * (bodies.length - n)) / n, 1)}%), SendMessageBatch of ${SQS_BATCH} from ${SENDERS} senders`,
        ],
        [
          "publishing",
          `${num(ratePerSecond(published.sent, published.at - started), 0)} messages/s (${num((published.at - started) / 1000, 1)} s)`,
        ],
        [
          "**aggregated events/s** (first send → all counted)",
          `**${num(rate, 0)}** (${num(elapsedMs / 1000, 1)} s; counted ${num((counted.at - published.at) / 1000, 1)} s after the last send)`,
        ],
        [
          "aggregator batches",
          `${batches} (${num(ratePerSecond(batches, elapsedMs), 2)}/s), mean ${num(bodies.length / Math.max(1, batches), 1)} messages per batch, ` +
            `${num((stats?.durationMs ?? 0) / Math.max(1, batches), 0)} ms per run, ${stats?.failed ?? 0} failed`,
        ],
        [
          "transactions",
          `${transactions} TransactWriteItems (${num(transactions / Math.max(1, batches), 2)} per batch), ${refused} cancelled and retried ` +
            `(duplicates across batches, races on a counter item)`,
        ],
        [
          "**exactly once**",
          exactlyOnce
            ? `**yes**: ${countedEvents.toLocaleString("en-US")} events counted, every counter equals the distinct events' sum`
            : `**no**: ${differences.length} counters differ (${differences
                .slice(0, 4)
                .map((d) => `${d.name} ${d.live} vs ${d.expected}`)
                .join(", ")})`,
        ],
      ];
      const wruRows = [
        ["dedupe items (2 per event)", perItem(perEvent(split.dedupe))],
        [
          `first-seen unit items (2 per new unit; ${newUnits.toLocaleString("en-US")} units)`,
          perItem(perEvent(split.units)),
        ],
        [
          `counter updates (${num(split.updates, 0)} updates, ${perItem((100 * split.updates) / Math.max(1, countedEvents))} per 100 events; 2 WRU each as logged)`,
          perItem(perEvent(split.counters)),
        ],
        ["cancelled transactions (AWS bills ≥ 1 WRU, DynamoDB Local 0)", perItem(perEvent(split.refused))],
        [
          "**total as counted** (what the routing scenario prices)",
          `**${perItem(perEvent(split.total + split.refused))}**`,
        ],
        [
          `counter updates at the items' size (final items ${num(meanItemKb, 2)} KB, billed ⌈KB⌉ = ${num(billedKb, 2)}: an upper bound)`,
          perItem(perEvent(awsCounters)),
        ],
        [
          "**total with counter items at their size**",
          `**${perItem(perEvent(split.total - split.counters + awsCounters + split.refused))}**`,
        ],
        ["reads: BatchGetItem of unit items (RRU per event)", perItem(perEvent(rru))],
      ];
      const costRows = cost.lines
        .filter((line) => line.usdPerItem > 0)
        .map((line) => [line.service, line.basis, dollars(line.usdPerItem * 1e6)]);
      costRows.push(["**total (as counted)**", "", `**${dollars(cost.totalPerItem * 1e6)}**`]);
      costRows.push([
        "total with counter items at their size",
        `${perItem(sized.operations.dynamoWriteUnits)} WRU`,
        dollars(sized.totalPerItem * 1e6),
      ]);
      costRows.push(["core/cost's model of `metricEvent` (for comparison)", "", dollars(modelPerMillion)]);
      costRows.push([
        "publishing (paid by the emitters; in the routing scenario's figures)",
        `${perItem(published.calls / countedEvents)} SendMessageBatch`,
        dollars(publishPerMillion),
      ]);

      ctx.progress("metrics: read time of one experiment's aggregates...");
      const reads = await measureReads(ctx, db, table);
      const readRows = reads.map((r) => [
        r.size.label,
        r.decisionsRead.toLocaleString("en-US"),
        `${ARMS.length} × ${r.size.days * 24} h = ${(ARMS.length * r.size.days * 24).toLocaleString("en-US")}`,
        r.items.toLocaleString("en-US"),
        num(r.kb, 0),
        num(r.readMs.p50, 0),
        num(r.computeMs.p50, 0),
        `**${num(r.totalMs.p50, 0)}**`,
        num((1000 * r.totalMs.p50) / r.items, 1),
      ]);
      const chart = barChart(
        reads.map((r) => ({ label: r.size.label, value: r.totalMs.p50 })),
        { unit: "ms", digits: 0 },
      );

      const md = [
        `## Metrics: ${n.toLocaleString("en-US")} events through the metrics queue and the aggregator`,
        "",
        markdown(["metric", "value"], summaryRows),
        "",
        "### Write units per aggregated event",
        "",
        markdown(["part", "WRU per event"], wruRows, ["left", "right"]),
        "",
        "From the aggregator's SDK-counted operations (`HITL_COUNT_OPERATIONS=1`): the middleware logs each",
        "transaction as 2 × ⌈KB⌉ per Put and 2 per Update (DynamoDB Local reports 2 for any transaction).",
        "The split is by construction: each counted event wrote one dedupe item, each new unit one unit item;",
        "the rest is counter updates. On AWS an Update costs 2 × ⌈item KB⌉ of the item it updates, hence the",
        "second total.",
        ...(otherOps.length > 0
          ? ["", `Left out (other functions in the phase): ${otherOps.join(", ")}.`]
          : []),
        "",
        "### Modelled AWS cost per million aggregated events",
        "",
        markdown(["service", "counted per event", "$ per million"], costRows, ["left", "left", "right"]),
        "",
        "### Read time of one experiment's aggregates",
        "",
        `Synthetic counter items in the store's layout (${store.shards} shards; every item of an arm has the same`,
        "counters, a busy hour's worth of names incl. latency histograms, only the numbers scale), read with",
        `\`readExperiment\` (one paged Query per shard) and folded by \`experimentMetrics\`; median of ${READ_RUNS} runs.`,
        "",
        markdown(
          [
            "size",
            "decisions",
            "arms × hours",
            "items",
            "KB",
            "read (ms)",
            "compute (ms)",
            "total (ms)",
            "ms per 1,000 items",
          ],
          readRows,
          ["left", "right", "right", "right", "right", "right", "right", "right", "right"],
        ),
        "",
        "```",
        chart,
        "```",
        "",
        "The time follows the counter items (arms × hours × shards), not the decisions they count: 100× the",
        "decisions on the same items take the same time, a quarter of the hours about a quarter of it. The 10k",
        "items (under 2 decisions each) hold mostly zeros, which `readExperiment` drops from the summed rows:",
        "a sparse experiment reads and folds faster, never slower. Compute is bounded by the counter names.",
        "",
        markdown(["CPU while aggregating", "average"], cpuRows(busy), ["left", "right"]),
      ].join("\n");

      return {
        markdown: md,
        data: {
          events: n,
          resentCopies: bodies.length - n,
          senders: SENDERS,
          elapsedMs,
          publishMs: published.at - started,
          sendCalls: published.calls,
          aggregatedEventsPerSecond: rate,
          countedEvents,
          exactlyOnce,
          differences,
          aggregator: {
            name: aggregator,
            batches,
            batchesPerSecond: ratePerSecond(batches, elapsedMs),
            meanMessagesPerBatch: bodies.length / Math.max(1, batches),
            meanRunMs: (stats?.durationMs ?? 0) / Math.max(1, batches),
            failed: stats?.failed ?? 0,
          },
          transactions,
          cancelledTransactions: refused,
          writeUnits: {
            split,
            perEvent: {
              dedupe: perEvent(split.dedupe),
              units: perEvent(split.units),
              counters: perEvent(split.counters),
              refused: perEvent(split.refused),
              total: perEvent(split.total + split.refused),
              countersAtItemSize: perEvent(awsCounters),
              totalAtItemSize: perEvent(split.total - split.counters + awsCounters + split.refused),
            },
            counterItems: finalItems.length,
            meanCounterItemKb: meanItemKb,
            rruPerEvent: perEvent(rru),
          },
          sdkOperations: ops,
          otherOperations: otherOps,
          cost: {
            lines: cost.lines.map((l) => ({ ...l, usdPerMillion: l.usdPerItem * 1e6 })),
            usdPerMillion: cost.totalPerItem * 1e6,
            usdPerMillionAtItemSize: sized.totalPerItem * 1e6,
            coreCostModelUsdPerMillion: modelPerMillion,
            publishUsdPerMillion: publishPerMillion,
          },
          reads: reads.map((r) => ({
            label: r.size.label,
            decisions: r.decisionsRead,
            days: r.size.days,
            arms: ARMS.length,
            counterItems: r.items,
            rows: r.rows,
            kb: r.kb,
            readMs: r.readMs,
            computeMs: r.computeMs,
            totalMs: r.totalMs,
          })),
          cpu: busy,
          cloudErrors: { lines: phase.errorLines, first: phase.firstErrors },
        },
      };
    } finally {
      sqs.destroy();
    }
  },
};

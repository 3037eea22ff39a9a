/**
 * Issue 5 §5: the experiment report of a pre-aggregated experiment, through the HTTP API of the
 * local cloud (API → reports function → one Query per shard of the metrics table → core/report).
 * Synthetic counter items are written straight into the metrics table with the store's key scheme
 * (pk `EXP#<id>#S<shard>`, sk `<hour>#<arm>`), so a million decisions take seconds to set up. The
 * sizes show the time follows arms × hours × shards (counter items), not decisions.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { counterPk, DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import type { Counters } from "../../core/metrics/counters";
import { LogHistogram } from "../../core/metrics/histogram";
import { buildReport, type ExperimentReport } from "../../core/report";
import type { BenchContext, Scenario, ScenarioResult } from "../context";
import { markdown, num } from "../render";
import { summarize } from "../stats";

const PHASE = "report";
const ARMS = ["conservative", "aggressive"] as const;
const CALLS = 7;

interface Size {
  label: string;
  decisions: number;
  days: number;
}

const SIZES: readonly Size[] = [
  { label: "10k decisions, 30 days", decisions: 10_000, days: 30 },
  { label: "1M decisions, 30 days", decisions: 1_000_000, days: 30 },
  { label: "1M decisions, 7 days", decisions: 1_000_000, days: 7 },
];

/**
 * One counter item's counters for `n` decisions of an arm: the counters a real item carries
 * (routing, reviews, audits, latency histograms, cost, agreement pairs, feedback), in proportion.
 */
export function syntheticCounters(arm: (typeof ARMS)[number], n: number, seed: number): Counters {
  const automation = arm === "aggressive" ? 0.72 : 0.52;
  const auto = Math.round(n * automation);
  const human = n - auto;
  const audits = Math.round(auto * 0.05);
  const correct = audits - (seed % 7 === 0 && audits > 0 ? 1 : 0);
  const latencies = new LogHistogram();
  for (let i = 0; i < 12; i++)
    latencies.add(40 + ((seed * 7 + i * 13) % 80), Math.max(0, Math.round(auto / 12)));
  const humanLatencies = new LogHistogram();
  for (let i = 0; i < 10; i++)
    humanLatencies.add(60_000 * (1 + ((seed + i) % 30)), Math.max(0, Math.round(human / 10)));
  return {
    events: n * 2 + human * 3 + audits * 3,
    decisions: n,
    enrolledDecisions: n,
    units: Math.round(n * 0.6),
    auto,
    human,
    audit: audits,
    modelCostNanoUsd: n * 400_000,
    enqueued: human,
    auditEnqueued: audits,
    verdicts: human,
    overrides: Math.round(human * 0.18),
    queueMs: human * (200_000 + (seed % 11) * 10_000),
    auditVerdicts: audits,
    auditQueueMs: audits * 900_000,
    handlingMs: (human + audits) * 75_000,
    humanCostNanoUsd: (human + audits) * (600_000_000 + (seed % 5) * 10_000_000),
    auditedCount: audits,
    auditedCorrect: correct,
    humanOutcomes: human,
    humanModelCorrect: human - Math.round(human * 0.18),
    escalations: Math.round(human * 0.03),
    pairTotal: 4,
    pairAgree: 3,
    "pair:approve|approve": 2,
    "pair:deny|deny": 1,
    "pair:approve|deny": 1,
    feedbackProduced: Math.round(human * 0.18),
    "feedbackAcked:training": Math.round(human * 0.1),
    "closureMs:training": Math.round(human * 0.1) * 86_400_000,
    ...latencies.toCounters("lat:auto:"),
    ...humanLatencies.toCounters("lat:human:"),
  };
}

/** Writes 2 arms × hours × shards counter items for `size` (25 per BatchWriteItem, retrying unprocessed ones). */
async function seed(
  db: DynamoDBDocumentClient,
  table: string,
  experimentId: string,
  size: Size,
): Promise<number> {
  const hours = size.days * 24;
  // The run ends at the current hour, like a running experiment: its last week can still change.
  const first = Math.floor(Date.now() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000;
  const items: Record<string, unknown>[] = [];
  const perItem = size.decisions / (ARMS.length * hours * DEFAULT_SHARDS);
  let made = 0;
  for (const arm of ARMS)
    for (let h = 0; h < hours; h++) {
      const hour = new Date(first + h * 3_600_000).toISOString().slice(0, 13);
      for (let shard = 0; shard < DEFAULT_SHARDS; shard++) {
        // Spread the decisions exactly: the items add up to size.decisions.
        const n = Math.round((made + 1) * perItem) - Math.round(made * perItem);
        made++;
        items.push({
          pk: counterPk(experimentId, shard),
          sk: `${hour}#${arm}`,
          ...syntheticCounters(arm, n, h + shard),
        });
      }
    }
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) =>
    items.slice(i * 25, i * 25 + 25),
  );
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table]: (batches[next++] ?? []).map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return items.length;
}

interface Measured {
  size: Size;
  items: number;
  /** The first request: the function reads every counter item. */
  firstMs: number;
  /** Later requests: hours older than the dedupe window come from the function's sealed-hours cache. */
  http: ReturnType<typeof summarize>;
  /** The same read and computation in the benchmark's own process, split. */
  readMs: number;
  computeMs: number;
  reportDecisions: number;
}

export const report: Scenario = {
  name: "report",
  title: "Experiment report of a pre-aggregated experiment",
  description:
    "GET /v1/experiments/{id}/report for 10k and 1M decisions: time follows arms × hours, not decisions",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const table = ctx.app.tables.MetricsTable;
    if (!table) throw new Error("the templates have no MetricsTable");
    const db = DynamoDBDocumentClient.from(ctx.dynamodb);
    const store = new DynamoMetricsStore(db, table);
    const sizes = ctx.options.quick ? SIZES.filter((s) => s.days === 7 || s.decisions === 10_000) : SIZES;
    const measured: Measured[] = [];
    for (const [i, size] of sizes.entries()) {
      const experimentId = `bench-report-${ctx.runId}-${i}`;
      await ctx.http.call("POST", "/v1/experiments", ctx.cloud.tokens.admin, {
        id: experimentId,
        status: "running",
        control: "conservative",
        labels: ["approve", "deny"],
        arms: ARMS.map((id) => ({
          id,
          weight: 0.5,
          policy: { autoAcceptAbove: id === "aggressive" ? 0.8 : 0.95 },
        })),
      });
      ctx.progress(`report: writing ${size.label} as counter items...`);
      const items = await seed(db, table, experimentId, size);
      const path = `/v1/experiments/${experimentId}/report`;
      // The first call reads every counter item (and, for the first size, starts the function's worker).
      const firstStart = performance.now();
      await ctx.http.call<ExperimentReport>("GET", path, ctx.cloud.tokens.analyst);
      const firstMs = performance.now() - firstStart;
      ctx.recorder.begin(PHASE);
      const times: number[] = [];
      let body: ExperimentReport | undefined;
      for (let c = 0; c < CALLS; c++) {
        const started = performance.now();
        body = await ctx.http.call<ExperimentReport>("GET", path, ctx.cloud.tokens.analyst);
        times.push(performance.now() - started);
      }
      ctx.recorder.begin(undefined);
      const readStart = performance.now();
      const rows = await store.readExperiment(experimentId);
      const readMs = performance.now() - readStart;
      const experiment = await ctx.http.call<Parameters<typeof buildReport>[0]["experiment"]>(
        "GET",
        `/v1/experiments/${experimentId}`,
        ctx.cloud.tokens.admin,
      );
      const computeStart = performance.now();
      buildReport({ experiment, rows, now: new Date() });
      const computeMs = performance.now() - computeStart;
      const reportDecisions = (body?.arms ?? []).reduce((s, a) => s + a.decisions, 0);
      if (reportDecisions !== size.decisions)
        throw new Error(`the report counts ${reportDecisions} decisions, ${size.decisions} were written`);
      measured.push({ size, items, firstMs, http: summarize(times), readMs, computeMs, reportDecisions });
      ctx.progress(`report: ${size.label}: p50 ${num(summarize(times).p50, 0)} ms over ${CALLS} calls`);
    }
    const rowsOut = measured.map((m) => [
      m.size.label,
      m.reportDecisions.toLocaleString("en-US"),
      m.items.toLocaleString("en-US"),
      num(m.firstMs, 0),
      num(m.http.p50, 0),
      num(m.http.max, 0),
      num(m.readMs, 0),
      num(m.computeMs, 0),
    ]);
    const text = [
      `## ${report.title}`,
      "",
      `${ARMS.length} arms, ${DEFAULT_SHARDS} shards, runs ending at the current hour. "first" is the first request (the function reads every counter item); "p50"/"max" are the ${CALLS} requests after it, where the hours older than the dedupe window come from the function's sealed-hours cache. "read all" and "compute" repeat the function's two steps in the benchmark process, without the cache.`,
      "",
      markdown(
        [
          "size",
          "decisions",
          "counter items",
          "first (ms)",
          "p50 (ms)",
          "max (ms)",
          "read all (ms)",
          "compute (ms)",
        ],
        rowsOut,
        ["left", "right", "right", "right", "right", "right", "right", "right"],
      ),
      "",
      "The time follows the counter items (arms × hours × shards), not the decisions they count.",
    ].join("\n");
    return {
      markdown: text,
      data: {
        sizes: measured.map((m) => ({
          label: m.size.label,
          decisions: m.reportDecisions,
          days: m.size.days,
          counterItems: m.items,
          firstMs: m.firstMs,
          httpMs: m.http,
          readMs: m.readMs,
          computeMs: m.computeMs,
        })),
        invocations: ctx.recorder.phase(PHASE).invocations,
      },
    };
  },
};

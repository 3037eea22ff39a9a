/**
 * Issue 5 §5: the experiment report of a pre-aggregated experiment with one million decisions over
 * 30 days, through the HTTP API of the local cloud (API → reports function → metrics table →
 * core/report), with and without the daily roll-ups of sealed days (docs/metrics.md §4.1).
 * Synthetic counter items are written straight into the metrics table with the store's key scheme
 * (pk `EXP#<id>#S<shard>`, sk `<hour>#<arm>`), so a million decisions take seconds to set up. The
 * same counters go to several experiments: half are rolled up (by the store's `rollUp`, the code the
 * guardrail function runs every 15 minutes), half are not; requests alternate between them.
 */
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { counterPk } from "../../adapters/dynamodb/metrics-keys";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import type { Counters } from "../../core/metrics/counters";
import { LogHistogram } from "../../core/metrics/histogram";
import { buildReport, type ExperimentReport } from "../../core/report";
import type { BenchContext, Scenario, ScenarioResult } from "../context";
import { barChart, markdown, num } from "../render";
import { type Summary, summarize } from "../stats";

const PHASE = "report";
const ARMS = ["conservative", "aggressive"] as const;
/** Requests after the first, per experiment. */
const WARM_CALLS = 5;
/** Experiments per variant: each gives one cold request (`--quick`: 1). */
const SAMPLES = 3;
/** In-process reads per variant. */
const READ_RUNS = 3;

interface Size {
  label: string;
  decisions: number;
  days: number;
}

const SIZE: Size = { label: "1M decisions, 30 days", decisions: 1_000_000, days: 30 };

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

type Variant = "hourly" | "roll-ups";
const VARIANTS: readonly Variant[] = ["hourly", "roll-ups"];

interface Measured {
  variant: Variant;
  experiments: string[];
  /** First request per experiment: its container has never read it (empty sealed-hours cache). */
  cold: Summary;
  /** Requests after the first (sealed hours from the function's cache, the rest read again). */
  warm: Summary;
  /** `readExperiment` in the benchmark's process (no cache), and the items it fetched. */
  read: Summary;
  counterItems: number;
  rollupItems: number;
  computeMs: number;
  /** The roll-up run per experiment (roll-ups variant only). */
  rollUp?: Summary;
  rollups: number;
  report?: ExperimentReport;
}

/** What may differ between two experiments' reports with the same counters. */
const comparable = ({ experimentId: _e, generatedAt: _g, ...rest }: ExperimentReport) => JSON.stringify(rest);

const ms = (x: number) => num(x, 0);

export const report: Scenario = {
  name: "report",
  title: "Experiment report of a 1M-decision, 30-day experiment, with and without daily roll-ups",
  description:
    "GET /v1/experiments/{id}/report of 1M pre-aggregated decisions over 30 days: cold and warm, hourly items vs daily roll-ups",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const table = ctx.app.tables.MetricsTable;
    if (!table) throw new Error("the templates have no MetricsTable");
    const db = DynamoDBDocumentClient.from(ctx.dynamodb);
    const store = new DynamoMetricsStore(db, table);
    const samples = ctx.options.quick ? 1 : SAMPLES;
    const ids: Record<Variant, string[]> = { hourly: [], "roll-ups": [] };
    const rolledUp: number[] = [];
    let rollups = 0;
    let items = 0;
    for (let i = 0; i < samples; i++)
      for (const variant of VARIANTS) {
        const experimentId = `bench-report-${ctx.runId}-${variant}-${i}`;
        await ctx.api.as(ctx.cloud.tokens.admin).experiments.create({
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
        ctx.progress(`report: writing ${SIZE.label} as counter items (${variant} ${i + 1}/${samples})...`);
        items = await seed(db, table, experimentId, SIZE);
        if (variant === "roll-ups") {
          const started = performance.now();
          const result = await store.rollUp(experimentId);
          rolledUp.push(performance.now() - started);
          rollups = result.rollups;
        }
        ids[variant].push(experimentId);
      }

    // Alternating variants (and which goes first), so drift on the shared machine hits both alike.
    const times: Record<Variant, { cold: number[]; warm: number[] }> = {
      hourly: { cold: [], warm: [] },
      "roll-ups": { cold: [], warm: [] },
    };
    const bodies: Partial<Record<Variant, ExperimentReport>> = {};
    // A fresh container first: a 404 starts the reports function (bundle, SDK, connections), so that
    // neither variant's first request pays for it.
    const startStart = performance.now();
    const analyst = ctx.api.as(ctx.cloud.tokens.analyst);
    await analyst.experiments.report(`bench-report-${ctx.runId}-none`).catch(() => undefined);
    const containerStartMs = performance.now() - startStart;
    ctx.recorder.begin(PHASE);
    for (let i = 0; i < samples; i++)
      for (const variant of i % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
        const id = ids[variant][i] as string;
        for (let c = 0; c <= WARM_CALLS; c++) {
          const started = performance.now();
          const body = await analyst.experiments.report(id);
          (c === 0 ? times[variant].cold : times[variant].warm).push(performance.now() - started);
          bodies[variant] ??= body;
        }
      }
    ctx.recorder.begin(undefined);

    const measured: Measured[] = [];
    for (const variant of VARIANTS) {
      const experimentId = ids[variant][0] as string;
      const reads: number[] = [];
      let counted = { counterItems: 0, rollupItems: 0 };
      let rows: Awaited<ReturnType<typeof store.readExperiment>> = [];
      for (let r = 0; r < READ_RUNS; r++) {
        const before = { ...store.reads };
        const started = performance.now();
        rows = await store.readExperiment(experimentId);
        reads.push(performance.now() - started);
        counted = {
          counterItems: store.reads.counterItems - before.counterItems,
          rollupItems: store.reads.rollupItems - before.rollupItems,
        };
      }
      const experiment = await ctx.api.as(ctx.cloud.tokens.admin).experiments.get(experimentId);
      const computeStart = performance.now();
      buildReport({ experiment, rows, now: new Date() });
      const computeMs = performance.now() - computeStart;
      const body = bodies[variant];
      const decisions = (body?.arms ?? []).reduce((s, a) => s + a.decisions, 0);
      if (decisions !== SIZE.decisions)
        throw new Error(
          `the ${variant} report counts ${decisions} decisions, ${SIZE.decisions} were written`,
        );
      measured.push({
        variant,
        experiments: ids[variant],
        cold: summarize(times[variant].cold),
        warm: summarize(times[variant].warm),
        read: summarize(reads),
        ...counted,
        computeMs,
        ...(variant === "roll-ups" ? { rollUp: summarize(rolledUp) } : {}),
        rollups: variant === "roll-ups" ? rollups : 0,
        ...(body ? { report: body } : {}),
      });
    }
    const [hourly, rolled] = measured as [Measured, Measured];
    const identical =
      hourly.report !== undefined &&
      rolled.report !== undefined &&
      comparable(hourly.report) === comparable(rolled.report);
    if (!identical) throw new Error("the reports with and without roll-ups differ");
    const ratio = (pick: (m: Measured) => number) => num(pick(hourly) / pick(rolled), 1);

    const rowsOut = measured.map((m) => [
      m.variant === "hourly" ? "hourly items only" : `daily roll-ups (${m.rollups} + watermark)`,
      `${m.counterItems.toLocaleString("en-US")} + ${m.rollupItems.toLocaleString("en-US")}`,
      `**${ms(m.cold.p50)}**`,
      ms(m.cold.max),
      `**${ms(m.warm.p50)}**`,
      ms(m.warm.max),
      ms(m.read.p50),
      ms(m.computeMs),
    ]);
    rowsOut.push([
      "ratio hourly ÷ roll-ups",
      num((hourly.counterItems + hourly.rollupItems) / (rolled.counterItems + rolled.rollupItems), 1),
      `**${ratio((m) => m.cold.p50)}×**`,
      ratio((m) => m.cold.max),
      `**${ratio((m) => m.warm.p50)}×**`,
      ratio((m) => m.warm.max),
      ratio((m) => m.read.p50),
      "",
    ]);
    const chart = barChart(
      measured.flatMap((m) => [
        { label: `${m.variant}, cold`, value: m.cold.p50 },
        { label: `${m.variant}, warm`, value: m.warm.p50 },
      ]),
      { unit: "ms", digits: 0 },
    );
    const text = [
      `## ${report.title}`,
      "",
      `${SIZE.decisions.toLocaleString("en-US")} decisions over ${SIZE.days} days ending at the current hour (${ARMS.length} arms, ${DEFAULT_SHARDS} shards: ${items.toLocaleString("en-US")} counter items per experiment), ${samples} experiment(s) per variant with the same counters, requests alternating between the variants. "cold" is each experiment's first request (the function has never read it: its sealed-hours cache is empty; the container itself is running); "warm" the ${WARM_CALLS} requests after it. "read" is \`readExperiment\` in the benchmark's process (no cache, median of ${READ_RUNS}), "items" what it fetched: counter items + roll-up items.`,
      "",
      markdown(
        [
          "variant",
          "items read",
          "cold p50 (ms)",
          "cold max (ms)",
          "warm p50 (ms)",
          "warm max (ms)",
          "read (ms)",
          "compute (ms)",
        ],
        rowsOut,
        ["left", "right", "right", "right", "right", "right", "right", "right"],
      ),
      "",
      "```",
      chart,
      "```",
      "",
      `Reports identical with and without roll-ups (every field but the id and time): ${identical ? "yes" : "no"}. Rolling up the sealed days once took ${ms(rolled.rollUp?.p50 ?? Number.NaN)} ms per experiment (p50; the guardrail run does it every 15 minutes, one day at a time after the first). Starting a fresh container of the reports function (its first request, a 404, before the measured ones) took ${ms(containerStartMs)} ms: a cold request that also starts a container adds about that.`,
    ].join("\n");
    return {
      markdown: text,
      data: {
        size: SIZE,
        counterItemsPerExperiment: items,
        containerStartMs,
        samples,
        identical,
        variants: measured.map(({ report: _r, ...m }) => m),
        invocations: ctx.recorder.phase(PHASE).invocations,
      },
    };
  },
};

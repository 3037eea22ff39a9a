/**
 * Issue 2 §9: automated decisions through the local HTTP API at a fixed concurrency, against the
 * same-run floor (DynamoDB Local's raw PutItem rate), with the AWS operations each decision costs.
 */
import { GetItemCommand, type GetItemCommandOutput } from "@aws-sdk/client-dynamodb";
import { PATH_ACTIVITIES, perMillion } from "../../core/cost/model";
import type { BenchContext, Scenario, ScenarioResult } from "../context";
import { costReport, type Measurement } from "../cost";
import { createFloorTable, dropFloorTable, type FloorResult, measureFloor } from "../floor";
import { closedLoop, progressReporter, rampUp } from "../load";
import { cpuMeter, cpuMsPer, machine } from "../machine";
import { barChart, dollars, markdown, num } from "../render";
import { summarize } from "../stats";
import {
  cpuRows,
  createExperiment,
  decisionBody,
  executionsEnded,
  functionCounts,
  opsHeader,
  opsRows,
  sampleExecutions,
  unitsPerItem,
} from "./common";

const PHASE = "routing";
/** Issue 2's cost target. */
export const TARGET_USD_PER_MILLION = 5;
/** Issue 11 §4: a routed decision may cost at most twice the CPU of its own writes. */
export const TARGET_EDGE_RATIO = 2;
/** PutItems per automated decision measured on 2026-12-03 (decision, audit item, 48% a first-seen unit item). */
export const PUTS_PER_DECISION_MEASURED = 2.48;

/**
 * The edge's CPU budget: CPU per routed decision over the CPU its own writes cost, i.e. its PutItems
 * at the same run's floor CPU per put. Everything above 1 is overhead (handlers, HTTP API, Step
 * Functions stand-in, SDK stacks); the target is at most 2.
 */
export function edgeBudget(cpuMsPerDecision: number, putsPerDecision: number, cpuMsPerPut: number) {
  const ownWritesMs = putsPerDecision * cpuMsPerPut;
  return { ownWritesMs, overheadMs: cpuMsPerDecision - ownWritesMs, ratio: cpuMsPerDecision / ownWritesMs };
}

/** Whether the metrics counter (the records streams) ran in the phase: then counting was measured, not modelled. */
export function counterMeasured(ctx: BenchContext, invocations: Record<string, unknown>): boolean {
  return Object.keys(invocations).some((name) =>
    /Metrics\/Counter/.test(ctx.app.functions[name]?.label ?? name),
  );
}

export const routing: Scenario = {
  name: "routing",
  title: "Routing throughput",
  description: "automated decisions through POST /v1/decisions vs DynamoDB Local's raw PutItem rate",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const { options, recorder, runId } = ctx;
    const n = options.decisions;
    const c = options.concurrency;
    const experimentId = `bench-auto-${runId}`;
    await createExperiment(ctx, experimentId, { autoAcceptAbove: 0, auditRate: 0 });
    const producer = ctx.api.as(ctx.cloud.tokens.producer);
    const send = (prefix: string) => async (i: number) => {
      const body = decisionBody(experimentId, `${runId}-${prefix}-${i}`, i, 0.9);
      const answer = await producer.decisions.send(body);
      if (answer.route !== "auto") throw new Error(`decision ${body.decisionId} was not automated`);
    };

    recorder.begin(undefined);
    const warmupCount = Math.max(1, options.warmup);
    ctx.progress(`routing: warm-up, ${warmupCount} decisions (not counted)`);
    // The first decision meets cold workers everywhere: its latency is the local cold start.
    const coldStarted = performance.now();
    await send("warm")(0);
    const coldStartMs = performance.now() - coldStarted;
    const warm = await rampUp(warmupCount - 1, c, (i) => send("warm")(i + 1));
    // Cold starts on a busy machine can time out a few first calls; that is what warming up is for.
    if (warm.errors > warmupCount / 2) throw new Error(`routing warm-up failed: ${warm.firstError}`);
    if (warm.errors > 0) ctx.progress(`routing: ${warm.errors} warm-up calls failed (${warm.firstError})`);
    await recorder.settle();

    // The floor's item is a real decision record, so both write the same bytes.
    const decisionsTable = ctx.app.tables.DecisionsTable;
    if (!decisionsTable) throw new Error("no DecisionsTable in the templates");
    let stored: GetItemCommandOutput = { $metadata: {} };
    for (let i = warmupCount - 1; i >= 0 && !stored.Item; i--) {
      stored = await ctx.dynamodb.send(
        new GetItemCommand({
          TableName: decisionsTable,
          Key: { pk: { S: `${runId}-warm-${i}` }, sk: { S: "DECISION" } },
        }),
      );
    }
    if (!stored.Item) throw new Error("the warm-up decision was not stored");
    const itemBytes = Buffer.byteLength(JSON.stringify(stored.Item));
    const floorTable = `bench-floor-${runId}`;
    await createFloorTable(ctx.dynamodb, floorTable);
    const floor = (label: string) =>
      measureFloor(ctx.dynamodb, {
        table: floorTable,
        item: stored.Item ?? {},
        puts: Math.max(n, 500),
        warmup: 200,
        concurrency: c,
        label,
        progress: ctx.progress,
      });
    let before: FloorResult;
    let after: FloorResult;
    try {
      before = await floor("before");

      const httpBefore = ctx.api.requests;
      const since = Date.now();
      recorder.begin(PHASE);
      const cpu = cpuMeter();
      const load = await closedLoop(n, c, send("run"), progressReporter("routing", n, ctx.progress));
      const busy = cpu();
      const httpRequests = ctx.api.requests - httpBefore;
      await recorder.settle();
      recorder.begin(undefined);
      if (load.errors > 0) ctx.progress(`routing: ${load.errors} errors, first: ${load.firstError}`);

      after = await floor("after");
      const express = await sampleExecutions(ctx, ctx.app.routerArn, since);
      const phase = recorder.phase(PHASE);
      const latency = summarize(load.latenciesMs);
      const floorRate = (before.rate + after.rate) / 2;
      const ratio = load.rate / floorRate;
      const cpuPerDecision = cpuMsPer(busy, load.rate);
      const cpuPerPut = (before.cpuMsPerPut + after.cpuMsPerPut) / 2;
      const cores = machine().cpus;
      const decided = load.latenciesMs.length;
      const countedPuts = phase.ops.ops["DynamoDB.PutItem"];
      // Without counting (--no-count) the measured share stands in.
      const putsPerDecision =
        countedPuts !== undefined && decided > 0 ? countedPuts / decided : PUTS_PER_DECISION_MEASURED;
      const budget = edgeBudget(cpuPerDecision, putsPerDecision, cpuPerPut);
      const expressExecutions = executionsEnded(phase, "EXPRESS");
      const standardExecutions = executionsEnded(phase, "STANDARD");
      const measuredCounts = counterMeasured(ctx, phase.invocations);
      const modelledEvents = measuredCounts ? 0 : (PATH_ACTIVITIES.auto.metricEvent ?? 0);
      const measurement: Measurement = {
        items: decided,
        httpRequests,
        functions: functionCounts(ctx, phase),
        expressExecutions,
        expressMeanMs: express.meanMs,
        standardTransitions: 0,
        stateMachineSqsSends: 0,
        ops: phase.ops,
        modelledMetricEvents: modelledEvents,
        modelledRoutedCounts: measuredCounts ? 0 : 1,
      };
      const cost = costReport(measurement);
      const perMillionUsd = cost.totalPerItem * 1e6;
      const modelPerMillion = perMillion("auto").total;

      const summaryRows = [
        [`decisions measured (after a warm-up of ${warmupCount})`, `${decided} of ${n}`],
        ["concurrency", String(c)],
        ["throughput", `**${num(load.rate, 1)} decisions/s**`],
        [
          `floor: DynamoDB Local PutItem/s (same concurrency, ${itemBytes} B decision item, no index)`,
          `${num(floorRate, 0)} (before ${num(before.rate, 0)}, after ${num(after.rate, 0)})`,
        ],
        [
          "CPU per decision / per floor put (the local cloud's own threads and JVM; steadier than rates)",
          `${num(cpuPerDecision, 1)} ms / ${num(cpuPerPut, 2)} ms; ` +
            `≈ ${num((cores * 1000) / cpuPerDecision, 0)} decisions/s if all ${cores} cores were the benchmark's`,
        ],
        [
          `edge budget: CPU per decision ÷ (${num(putsPerDecision, 2)} puts × CPU per floor put)` +
            (countedPuts === undefined ? " (puts not counted: the measured 2.48)" : ""),
          `**${num(budget.ratio, 2)}** (target ≤ ${TARGET_EDGE_RATIO}): its writes ${num(budget.ownWritesMs, 1)} ms, ` +
            `the rest ${num(budget.overheadMs, 1)} ms`,
        ],
        ["throughput / floor (a decision is never one put; for comparison with older runs)", num(ratio, 3)],
        ["latency p50 / p95 / p99", `${num(latency.p50)} / ${num(latency.p95)} / ${num(latency.p99)} ms`],
        ["errors", String(load.errors)],
        ["first decision after start (every worker cold, not measured above)", `${num(coldStartMs, 0)} ms`],
        [
          "modelled AWS cost per million automated decisions",
          `**${dollars(perMillionUsd)}** (target ≤ $${TARGET_USD_PER_MILLION})`,
        ],
      ];
      const chart = barChart(
        [
          { label: "routing p50", value: latency.p50 },
          { label: "routing p95", value: latency.p95 },
          { label: "routing p99", value: latency.p99 },
          { label: "floor p50", value: (before.latency.p50 + after.latency.p50) / 2 },
          { label: "floor p99", value: (before.latency.p99 + after.latency.p99) / 2 },
        ],
        { unit: "ms" },
      );
      const ops = opsRows(ctx, {
        phase,
        items: decided,
        httpRequests,
        express: { executions: expressExecutions, transitionsPerExecution: express.transitionsPerExecution },
        standard: { executions: standardExecutions, transitions: 0, sqsSends: 0 },
      });
      const costRows = cost.lines.map((line) => [
        line.service + (line.source === "modelled" ? " (modelled)" : ""),
        line.basis,
        dollars(line.usdPerItem * 1e6),
      ]);
      costRows.push(["**total**", "", `**${dollars(perMillionUsd)}**`]);

      const invocations = Object.entries(phase.invocations).map(([name, s]) => ({
        name,
        label: ctx.app.functions[name]?.label ?? name,
        runMs: s.durationMs / s.count,
        queuedMs: s.queuedMs / s.count,
        maxQueuedMs: s.maxQueuedMs,
      }));
      const timeRows: string[][] = [
        ["client round trip (all of the below)", num(latency.mean)],
        ...invocations.flatMap((f) => [
          [`${f.label}: waiting for a free worker`, num(f.queuedMs)],
          [`${f.label}: running`, num(f.runMs)],
        ]),
        ["Express execution, start to end (inside the DecisionsApi run)", num(express.meanMs)],
        ...Object.entries(phase.ops.ms).map(([op, ms]) => [
          `SDK call ${op} (inside a function run)`,
          num(ms / (phase.ops.ops[op] ?? 1)),
        ]),
      ];
      const cpuTable = cpuRows(busy);

      const md = [
        `## Routing: ${n} automated decisions at concurrency ${c}`,
        "",
        markdown(["metric", "value"], summaryRows),
        "",
        "Latency (ms):",
        "",
        "```",
        chart,
        "```",
        "",
        "### AWS operations per automated decision",
        "",
        markdown(opsHeader("decision"), ops, ["left", "left", "right", "left", "right"]),
        "",
        "Counted: HTTP requests at the benchmark client, Lambda invocations and Step Functions executions",
        "reported by the local cloud, SDK calls by the functions' counting middleware",
        "(`HITL_COUNT_OPERATIONS=1`, adapters/aws-operations.ts). Express transitions from the histories of",
        `${express.sampled} executions.`,
        "",
        "### Modelled AWS cost per million automated decisions",
        "",
        markdown(["service", "counted per decision", "$ per million"], costRows, ["left", "left", "right"]),
        "",
        `Prices: core/cost/prices.ts (design brief §7). Lambda duration: the **measured** local mean per function`,
        "(pessimistic: on 2 shared cores a run waits for CPU; the API function's run includes the whole",
        "synchronous Express execution). core/cost's own model for the automated path, with its assumed",
        `durations and sizes: ${dollars(modelPerMillion)} per million.`,
        "",
        "### Where the time goes (mean per decision, ms)",
        "",
        markdown(["step", "ms"], timeRows, ["left", "right"]),
        "",
        markdown(["CPU while routing", "average"], cpuTable, ["left", "right"]),
      ].join("\n");

      return {
        markdown: md,
        data: {
          decisions: n,
          decided,
          concurrency: c,
          warmup: warmupCount,
          coldStartMs,
          elapsedMs: load.elapsedMs,
          throughputPerSecond: load.rate,
          latencyMs: latency,
          errors: load.errors,
          firstError: load.firstError,
          floor: { before, after, meanRate: floorRate, itemBytes },
          ratio,
          cpuMsPerDecision: cpuPerDecision,
          cpuMsPerFloorPut: cpuPerPut,
          putsPerDecision,
          edgeBudget: budget,
          targets: { edgeRatio: TARGET_EDGE_RATIO, usdPerMillion: TARGET_USD_PER_MILLION },
          httpRequestsPerDecision: httpRequests / decided,
          invocations,
          express,
          executionsEnded: phase.executions,
          sdkOperations: phase.ops,
          unitsPerDecision: unitsPerItem(phase, decided),
          operationsPerDecision: cost.operations,
          cost: {
            lines: cost.lines.map((l) => ({ ...l, usdPerMillion: l.usdPerItem * 1e6 })),
            usdPerMillion: perMillionUsd,
            modelledMetricEvents: modelledEvents,
            coreCostModelUsdPerMillion: modelPerMillion,
          },
          cpu: busy,
          cloudErrors: { lines: phase.errorLines, first: phase.firstErrors },
          latenciesMs: load.latenciesMs.map((v) => Math.round(v * 100) / 100),
        },
      };
    } finally {
      await dropFloorTable(ctx.dynamodb, floorTable);
    }
  },
};

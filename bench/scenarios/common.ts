/** Helpers the scenarios share: experiments, decision bodies, execution histories, the ops table. */
import { unitTotal } from "../../adapters/aws-operations";
import type { ExperimentInput } from "../../client";
import type { HistoryEvent } from "../../local/stepfunctions/service";
import type { BenchContext } from "../context";
import type { FunctionCount } from "../cost";
import type { CpuSample } from "../machine";
import type { PhaseRecord } from "../recorder";
import { num, perItem } from "../render";
import { summarize } from "../stats";

type Policy = ExperimentInput["arms"][number]["policy"];

export async function createExperiment(ctx: BenchContext, id: string, policy: Policy) {
  await ctx.api.as(ctx.cloud.tokens.admin).experiments.create({
    id,
    status: "running",
    control: "only",
    labels: ["approve", "deny"],
    arms: [{ id: "only", weight: 1, policy }],
  });
}

/**
 * A decision like the simulated model's: small item, one prediction, a client-supplied id
 * (idempotent). Every unit sends two decisions, so half the units are new to the metrics counter, as
 * core/cost assumes (`newUnitShare` 0.5).
 */
export function decisionBody(experimentId: string, decisionId: string, serial: number, confidence: number) {
  const unit = Math.floor(serial / 2);
  return {
    experimentId,
    unitId: `customer-${unit}`,
    decisionId,
    item: { topic: "billing", amount: 40 + (unit % 500), customerTier: unit % 7 === 0 ? "gold" : "standard" },
    prediction: { label: "approve", confidence, modelVersion: "bench-1", costUsd: 0.0004 },
  };
}

/** State transitions as AWS bills them: one per state entered. */
export const transitionsOf = (events: readonly HistoryEvent[]): number =>
  events.filter((e) => e.type.endsWith("StateEntered")).length;

export interface ExecutionSample {
  sampled: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  transitionsPerExecution: number;
  /** sqs:sendMessage tasks that sent (Standard Hold states). */
  sqsSendsPerExecution: number;
}

/** Durations and transitions of executions started at or after `sinceMs` (EXPRESS: the latest 1,000). */
export async function sampleExecutions(
  ctx: BenchContext,
  stateMachineArn: string,
  sinceMs: number,
  names?: ReadonlySet<string>,
): Promise<ExecutionSample> {
  const sfn = ctx.cloud.stepFunctions;
  const { executions } = await sfn.listExecutions(stateMachineArn);
  const chosen = executions.filter(
    (e) => e.startDate.getTime() >= sinceMs && e.stopDate && (!names || names.has(e.name)),
  );
  const durations: number[] = [];
  let transitions = 0;
  let sends = 0;
  for (const execution of chosen) {
    const { events } = await sfn.getExecutionHistory(execution.executionArn);
    transitions += transitionsOf(events);
    sends += events.filter((e) => e.type === "TaskSubmitted" && e.details?.resourceType === "sqs").length;
    durations.push((execution.stopDate?.getTime() ?? 0) - execution.startDate.getTime());
  }
  const s = summarize(durations);
  const n = chosen.length;
  return {
    sampled: n,
    meanMs: s.mean,
    p50Ms: s.p50,
    p99Ms: s.p99,
    transitionsPerExecution: n ? transitions / n : Number.NaN,
    sqsSendsPerExecution: n ? sends / n : Number.NaN,
  };
}

export function functionCounts(ctx: BenchContext, phase: PhaseRecord): FunctionCount[] {
  return Object.entries(phase.invocations).map(([name, stats]) => {
    const info = ctx.app.functions[name];
    return {
      label: info?.label ?? name,
      memoryMb: info?.memoryMb ?? 128,
      sqsTriggered: info?.sqsTriggered ?? false,
      invocations: stats.count,
      billedMs: stats.billedMs,
    };
  });
}

export const executionsEnded = (phase: PhaseRecord, type: "EXPRESS" | "STANDARD"): number =>
  Object.entries(phase.executions).reduce((s, [k, n]) => (k.startsWith(`${type} `) ? s + n : s), 0);

const unitsOfOp = (phase: PhaseRecord, op: string): string => {
  const parts: string[] = [];
  for (const [key, n] of Object.entries(phase.ops.units)) {
    if (key.startsWith(`${op} `)) parts.push(`${key.slice(op.length + 1)} ${n}`);
  }
  return parts.join(", ");
};

export interface OpsTableInput {
  phase: PhaseRecord;
  items: number;
  httpRequests: number;
  express: { executions: number; transitionsPerExecution: number };
  standard: { executions: number; transitions: number; sqsSends: number };
}

/** Rows: service, operation, count per item, billed units per item, mean call time. */
export function opsRows(ctx: BenchContext, input: OpsTableInput): string[][] {
  const { phase, items } = input;
  const per = (n: number) => perItem(n / items);
  const rows: string[][] = [["API Gateway (HTTP API)", "request", per(input.httpRequests), "", ""]];
  for (const [name, stats] of Object.entries(phase.invocations).sort()) {
    const info = ctx.app.functions[name];
    rows.push([
      "Lambda",
      `invoke ${info?.label ?? name} (${info?.memoryMb ?? "?"} MB)`,
      per(stats.count),
      "",
      `${(stats.durationMs / stats.count).toFixed(1)} ms run, ${(stats.queuedMs / stats.count).toFixed(1)} ms queued`,
    ]);
  }
  rows.push([
    "Step Functions Express",
    "execution",
    per(input.express.executions),
    `${perItem((input.express.executions * input.express.transitionsPerExecution) / items)} transitions (not billed)`,
    "",
  ]);
  rows.push([
    "Step Functions Standard",
    "execution",
    per(input.standard.executions),
    `${per(input.standard.transitions)} transitions`,
    "",
  ]);
  for (const [op, n] of Object.entries(phase.ops.ops).sort()) {
    const [service = "", action = ""] = op.split(".");
    const ms = phase.ops.ms[op];
    const failed = Object.entries(phase.ops.errors)
      .filter(([k]) => k.startsWith(`${op}.`))
      .map(([k, c]) => `${per(c)} ${k.slice(op.length + 1)}`)
      .join(", ");
    const units = unitsOfOp(phase, op)
      .split(", ")
      .filter(Boolean)
      .map((u) => {
        const [unit = "", total = "0"] = u.split(" ");
        return `${per(Number(total))} ${unit}`;
      })
      .join(", ");
    rows.push([
      `${service} (SDK)`,
      action + (failed ? ` (failed: ${failed})` : ""),
      per(n),
      units,
      ms === undefined ? "" : `${(ms / n).toFixed(1)} ms`,
    ]);
  }
  if (input.standard.sqsSends > 0)
    rows.push(["SQS (Step Functions)", "SendMessage (Hold task)", per(input.standard.sqsSends), "", ""]);
  const pollerBatches = Object.entries(phase.invocations)
    .filter(([name]) => ctx.app.functions[name]?.sqsTriggered)
    .reduce((s, [, stats]) => s + stats.count, 0);
  if (pollerBatches > 0)
    rows.push([
      "SQS (event source poller)",
      "ReceiveMessage + DeleteMessageBatch per batch",
      per(2 * pollerBatches),
      "",
      "",
    ]);
  return rows;
}

export const opsHeader = (item: string) => [
  "service",
  "operation",
  `per ${item}`,
  `billed units per ${item}`,
  "mean time",
];

/** DynamoDB units per item over every operation (for the JSON). */
export const unitsPerItem = (phase: PhaseRecord, items: number) => ({
  wru: unitTotal(phase.ops.units, "WRU", "DynamoDB") / items,
  rru: unitTotal(phase.ops.units, "RRU", "DynamoDB") / items,
  sqsRequests: unitTotal(phase.ops.units, "requests", "SQS") / items,
});

/** Polls `probe` every `everyMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Where the CPU went while a phase ran, in cores (of the machine's few). */
export function cpuRows(busy: CpuSample): string[][] {
  return [
    ["this Node process (main thread + Lambda workers + SQS stand-in)", `${num(busy.processCores, 2)} cores`],
    ["whole machine (adds DynamoDB Local's JVM and anything else)", `${num(busy.machineCores, 2)} cores`],
    ["main thread event loop busy", `${num(100 * busy.mainThreadBusy, 0)}%`],
    ...Object.entries(busy.byGroup)
      .sort((a, b) => b[1] - a[1])
      .map(([group, cores]) => [`by thread or process: ${group}`, `${num(cores, 2)} cores`]),
    ...(Object.keys(busy.byGroup).length > 0
      ? [["other processes on the machine (not the benchmark)", `${num(busy.otherCores, 2)} cores`]]
      : []),
  ];
}

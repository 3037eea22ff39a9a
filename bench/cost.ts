/**
 * Modelled AWS cost from what the benchmark counted. The arithmetic is core/cost's
 * (`costOfOperations` over an `Operations`): this module only turns counts into that shape, per
 * item (decision or held item), and splits the result into the lines the report prints. Pure.
 */
import { type OperationTotals, unitTotal } from "../adapters/aws-operations";
import { type CostBreakdown, costOfOperations } from "../core/cost/model";
import { type LambdaRun, NO_OPERATIONS, type Operations, operationsOf } from "../core/cost/operations";
import { DEFAULT_PRICES, type Prices } from "../core/cost/prices";

export interface FunctionCount {
  label: string;
  memoryMb: number;
  /** Fed by an SQS event source: its poller receives and deletes each batch. */
  sqsTriggered: boolean;
  invocations: number;
  /** Summed billed duration (each invocation rounded up to 1 ms). */
  billedMs: number;
}

export interface Measurement {
  /** Decisions (or held items) the counts cover. */
  items: number;
  httpRequests: number;
  functions: readonly FunctionCount[];
  expressExecutions: number;
  /** Mean Express execution duration (billed in 100 ms units of 64 MB). */
  expressMeanMs: number;
  standardTransitions: number;
  /** Messages the state machines sent to SQS themselves (sqs:sendMessage tasks). */
  stateMachineSqsSends: number;
  /** What the functions' counting lines add up to. */
  ops: OperationTotals;
  /** Metric events (other than routings) per item whose stream counting is modelled with core/cost (0 when measured). */
  modelledMetricEvents: number;
  /** Routed decisions per item whose stream counting is modelled with core/cost (0 when measured). */
  modelledRoutedCounts?: number;
}

const sumOf = (map: Readonly<Record<string, number>>, predicate: (key: string) => boolean): number =>
  Object.entries(map).reduce((s, [k, v]) => (predicate(k) ? s + v : s), 0);

/** Writes DynamoDB refused on a condition: AWS still bills them (≥ 1 WRU); DynamoDB Local reports 0. */
export const failedConditionalWrites = (ops: OperationTotals): number =>
  sumOf(ops.errors, (k) => k.startsWith("DynamoDB.") && /ConditionalCheckFailed|TransactionCanceled/.test(k));

/** SQS requests the event source pollers make: one ReceiveMessage and one DeleteMessageBatch per batch. */
export const pollerSqsRequests = (functions: readonly FunctionCount[]): number =>
  functions.reduce((s, f) => s + (f.sqsTriggered ? 2 * f.invocations : 0), 0);

/** The measured operations of one item, in core/cost's shape. */
export function measuredOperations(m: Measurement): Operations {
  const per = (n: number) => (m.items > 0 ? n / m.items : 0);
  const lambda: LambdaRun[] = m.functions
    .filter((f) => f.invocations > 0)
    .map((f) => ({
      fn: f.label,
      memoryMb: f.memoryMb,
      durationMs: f.billedMs / f.invocations,
      invocations: per(f.invocations),
    }));
  return {
    httpApiRequests: per(m.httpRequests),
    lambda,
    expressRequests: per(m.expressExecutions),
    expressDurationMs: m.expressExecutions > 0 ? m.expressMeanMs : 0,
    standardTransitions: per(m.standardTransitions),
    sqsRequests: per(
      unitTotal(m.ops.units, "requests", "SQS") + pollerSqsRequests(m.functions) + m.stateMachineSqsSends,
    ),
    dynamoWriteUnits: per(unitTotal(m.ops.units, "WRU", "DynamoDB") + failedConditionalWrites(m.ops)),
    dynamoReadUnits: per(unitTotal(m.ops.units, "RRU", "DynamoDB")),
  };
}

/** core/cost's model of counting `events` metric events from the records streams (the counter did not run). */
export function modelledCounting(events: number): Operations {
  return scaled(operationsOf("metricEvent"), events);
}

export interface CostLine {
  service: string;
  /** What was counted per item, in words. */
  basis: string;
  usdPerItem: number;
  source: "measured" | "modelled";
}

export interface CostReport {
  lines: CostLine[];
  measured: CostBreakdown;
  modelled: CostBreakdown;
  totalPerItem: number;
  /** Per item operations (measured), for the JSON result. */
  operations: Operations;
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");

/** Cost per item, split into lines: Lambda requests vs duration and DynamoDB writes vs reads apart. */
export function costReport(m: Measurement, prices: Prices = DEFAULT_PRICES): CostReport {
  const ops = measuredOperations(m);
  const measured = costOfOperations(ops, prices);
  const counted = modelledCounting(m.modelledMetricEvents);
  const routedCounts = m.modelledRoutedCounts ?? 0;
  const counting = costOfOperations(scaled(operationsOf("routedCount"), routedCounts), prices);
  const modelled = costOfOperations(counted, prices);
  const lambdaRequests = costOfOperations(
    { ...NO_OPERATIONS, lambda: ops.lambda.map((run) => ({ ...run, durationMs: 0 })) },
    prices,
  ).lambda;
  const dynamoWrites = costOfOperations({ ...NO_OPERATIONS, dynamoWriteUnits: ops.dynamoWriteUnits }, prices);
  const invocations = ops.lambda.reduce((s, run) => s + run.invocations, 0);
  const durations = ops.lambda
    .map((run) => `${run.fn} ${f2(run.invocations)} × ${run.memoryMb} MB × ${run.durationMs.toFixed(0)} ms`)
    .join("; ");
  const expressBilled = Math.ceil(ops.expressDurationMs / 100) * 100;
  const lines: CostLine[] = [
    {
      service: "API Gateway HTTP API",
      basis: `${f2(ops.httpApiRequests)} requests`,
      usdPerItem: measured.httpApi,
      source: "measured",
    },
    {
      service: "Lambda requests",
      basis: `${f2(invocations)} invocations`,
      usdPerItem: lambdaRequests,
      source: "measured",
    },
    {
      service: "Lambda duration (arm64)",
      basis: durations || "none",
      usdPerItem: measured.lambda - lambdaRequests,
      source: "measured",
    },
    {
      service: "Step Functions Express",
      basis: `${f2(ops.expressRequests)} executions × ${ops.expressDurationMs.toFixed(0)} ms (billed ${expressBilled} ms × 64 MB)`,
      usdPerItem: measured.stepFunctionsExpress,
      source: "measured",
    },
    {
      service: "Step Functions Standard",
      basis: `${f2(ops.standardTransitions)} state transitions`,
      usdPerItem: measured.stepFunctionsStandard,
      source: "measured",
    },
    {
      service: "SQS",
      basis: `${f2(ops.sqsRequests)} requests (functions, state machines, event source pollers)`,
      usdPerItem: measured.sqs,
      source: "measured",
    },
    {
      service: "DynamoDB writes",
      basis: `${f2(ops.dynamoWriteUnits)} WRU`,
      usdPerItem: dynamoWrites.dynamodb,
      source: "measured",
    },
    {
      service: "DynamoDB reads",
      basis: `${f2(ops.dynamoReadUnits)} RRU`,
      usdPerItem: measured.dynamodb - dynamoWrites.dynamodb,
      source: "measured",
    },
  ];
  if (m.modelledMetricEvents > 0) {
    lines.push({
      service: "Metric counting (records streams)",
      basis: `${f2(m.modelledMetricEvents)} events (core/cost "metricEvent": the counter did not run in the phase; Lambda, ${f2(counted.dynamoWriteUnits)} WRU)`,
      usdPerItem: modelled.total,
      source: "modelled",
    });
  }
  if (routedCounts > 0) {
    lines.push({
      service: "Routed-decision counting",
      basis: `${f2(routedCounts)} decisions (core/cost "routedCount": the counter did not run in the phase)`,
      usdPerItem: counting.total,
      source: "modelled",
    });
  }
  return {
    lines,
    measured,
    modelled,
    totalPerItem: measured.total + modelled.total + counting.total,
    operations: ops,
  };
}

/** `times` of an activity's operations. */
function scaled(one: Operations, times: number): Operations {
  return {
    ...NO_OPERATIONS,
    lambda: one.lambda.map((run) => ({ ...run, invocations: run.invocations * times })),
    sqsRequests: one.sqsRequests * times,
    dynamoWriteUnits: one.dynamoWriteUnits * times,
    dynamoReadUnits: one.dynamoReadUnits * times,
  };
}

import {
  type Activity,
  type Assumptions,
  DEFAULT_ASSUMPTIONS,
  type Operations,
  operationsOf,
} from "./operations";
import { DEFAULT_PRICES, type Prices } from "./prices";

/** Dollars by AWS service. */
export interface CostBreakdown {
  httpApi: number;
  lambda: number;
  stepFunctionsExpress: number;
  stepFunctionsStandard: number;
  sqs: number;
  dynamodb: number;
  total: number;
}

const EXPRESS_MEMORY_GB = 64 / 1024;
const EXPRESS_BILLING_MS = 100;

export function costOfOperations(ops: Operations, prices: Prices = DEFAULT_PRICES): CostBreakdown {
  const lambda = ops.lambda.reduce(
    (sum, run) =>
      sum +
      run.invocations *
        (prices.lambdaRequestUsd +
          (run.memoryMb / 1024) * (run.durationMs / 1000) * prices.lambdaGbSecondUsd),
    0,
  );
  const expressSeconds =
    ops.expressRequests > 0
      ? (Math.ceil(ops.expressDurationMs / EXPRESS_BILLING_MS) * EXPRESS_BILLING_MS) / 1000
      : 0;
  const parts = {
    httpApi: ops.httpApiRequests * prices.httpApiRequestUsd,
    lambda,
    stepFunctionsExpress:
      ops.expressRequests *
      (prices.expressRequestUsd + EXPRESS_MEMORY_GB * expressSeconds * prices.expressGbSecondUsd),
    stepFunctionsStandard: ops.standardTransitions * prices.standardTransitionUsd,
    sqs: ops.sqsRequests * prices.sqsRequestUsd,
    dynamodb:
      ops.dynamoWriteUnits * prices.dynamoWriteUnitUsd + ops.dynamoReadUnits * prices.dynamoReadUnitUsd,
  };
  return { ...parts, total: Object.values(parts).reduce((s, v) => s + v, 0) };
}

const ZERO: CostBreakdown = {
  httpApi: 0,
  lambda: 0,
  stepFunctionsExpress: 0,
  stepFunctionsStandard: 0,
  sqs: 0,
  dynamodb: 0,
  total: 0,
};

function scaleAdd(into: CostBreakdown, cost: CostBreakdown, times: number): CostBreakdown {
  const out = { ...into };
  for (const key of Object.keys(out) as (keyof CostBreakdown)[]) out[key] += cost[key] * times;
  return out;
}

/** Cost of a number of each activity (e.g. counted from an arm's counters). */
export function infrastructureCost(
  counts: Partial<Record<Activity, number>>,
  prices: Prices = DEFAULT_PRICES,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): CostBreakdown {
  let total = ZERO;
  for (const [activity, n] of Object.entries(counts) as [Activity, number][]) {
    if (n) total = scaleAdd(total, costOfOperations(operationsOf(activity, assumptions), prices), n);
  }
  return total;
}

export type Path = "auto" | "human" | "audit";

/**
 * Activities of one decision on each path, without escalations, fallbacks or feedback (those are
 * counted as they happen). "audit" is what an audit adds on top of an automated decision.
 * Routed decisions are counted from the decisions stream (routedCount); the review item implies
 * three more events (metricEvent), counted from the reviews stream: enqueued, verdict, outcome.
 */
export const PATH_ACTIVITIES: Readonly<Record<Path, Partial<Record<Activity, number>>>> = {
  auto: { route: 1, routedCount: 1 },
  human: { route: 1, routedCount: 1, holdRound: 1, verdict: 1, settle: 1, metricEvent: 3 },
  audit: { holdRound: 1, verdict: 1, settle: 1, metricEvent: 3 },
};

/** Infrastructure dollars of one decision on `path`. */
export function infrastructureCostPerDecision(
  path: Path,
  prices: Prices = DEFAULT_PRICES,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): number {
  return infrastructureCost(PATH_ACTIVITIES[path], prices, assumptions).total;
}

/** Dollars per million decisions on `path`, by service. */
export function perMillion(
  path: Path,
  prices: Prices = DEFAULT_PRICES,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): CostBreakdown {
  return scaleAdd(ZERO, infrastructureCost(PATH_ACTIVITIES[path], prices, assumptions), 1e6);
}

/**
 * What an automated decision would cost if it also ran a Standard execution with as many
 * transitions as a single-verdict hold (Hold → Settle → AfterSettle → Done): the design's reason
 * to keep automated decisions out of Standard.
 */
export function standardPathPerMillion(
  prices: Prices = DEFAULT_PRICES,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): number {
  return (
    perMillion("auto", prices, assumptions).total +
    1e6 *
      (operationsOf("holdRound", assumptions).standardTransitions +
        operationsOf("settle", assumptions).standardTransitions) *
      prices.standardTransitionUsd
  );
}

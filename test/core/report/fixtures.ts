/** Experiments and counter rows with round numbers, so the report's statistics can be checked by hand. */
import type { Experiment } from "../../../core/experiments/schema";
import type { Counters } from "../../../core/metrics/counters";
import type { CounterRow } from "../../../core/metrics/read";
import { fixed, fixedMs } from "../../support/clock";

const policy = (autoAcceptAbove: number) => ({
  autoAcceptAbove,
  alwaysHumanTopics: [],
  auditRate: 0.1,
  doubleReviewRate: 0,
  reviewsPerItem: 2,
  showPrediction: true,
  showPredictionInAudits: false,
  rules: [],
  queue: "default",
  topicQueues: {},
  sla: {
    tiers: [{ name: "tier-1", slaSeconds: 3600, hourlyRateUsd: 30 }],
    fallback: { action: "model" as const },
    heartbeatSeconds: 300,
  },
});

/** Control "conservative" and treatment "aggressive", 50/50, 1 pp quality margin. */
export function experiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    id: "claims",
    hashSeed: "claims",
    coverage: 1,
    status: "running",
    control: "conservative",
    labels: ["approve", "deny"],
    orderedLabels: false,
    queues: {},
    qualityMargin: 0.01,
    modelPriceUsd: {},
    arms: [
      { id: "conservative", weight: 0.5, paused: false, policy: policy(0.95) },
      { id: "aggressive", weight: 0.5, paused: false, policy: policy(0.8) },
    ],
    version: 1,
    createdAt: fixed("2026-11-01T00:00:00.000Z"),
    updatedAt: fixed("2026-11-01T00:00:00.000Z"),
    ...overrides,
  };
}

export interface HourShape {
  decisions: number;
  auto: number;
  /** Audited automated decisions with a verdict. */
  audits: number;
  auditsCorrect: number;
  /** Dollars per review in this hour (varies by hour so cost per decision has a variance). */
  reviewUsd?: (hour: number) => number;
  extra?: Counters;
}

/**
 * Counters of one arm-hour: every held decision is reviewed (verdict = outcome), every audit
 * verdicted, every decision a new enrolled unit, $0.001 of model cost per decision.
 */
export function hourCounters(shape: HourShape, hour: number): Counters {
  const human = shape.decisions - shape.auto;
  const reviews = human + shape.audits;
  const reviewUsd = shape.reviewUsd?.(hour) ?? 0.1 + hour * 0.001;
  return {
    events: shape.decisions * 2 + reviews * 3,
    decisions: shape.decisions,
    enrolledDecisions: shape.decisions,
    units: shape.decisions,
    auto: shape.auto,
    human,
    audit: shape.audits,
    modelCostNanoUsd: shape.decisions * 1_000_000,
    enqueued: human,
    auditEnqueued: shape.audits,
    verdicts: human,
    overrides: Math.round(human * 0.2),
    queueMs: human * (60_000 + hour * 1000),
    auditVerdicts: shape.audits,
    humanCostNanoUsd: Math.round(reviews * reviewUsd * 1e9),
    handlingMs: reviews * 60_000,
    auditedCount: shape.audits,
    auditedCorrect: shape.auditsCorrect,
    humanOutcomes: human,
    humanModelCorrect: human - Math.round(human * 0.2),
    ...shape.extra,
  };
}

/** `hours` consecutive UTC hours of one arm from midnight on the fixtures' first day (the 1st). */
export function rows(arm: string, hours: number, shape: HourShape, start = 0): CounterRow[] {
  return Array.from({ length: hours }, (_, i) => ({
    arm,
    hour: new Date(fixedMs("2026-11-01") + (start + i) * 3_600_000).toISOString().slice(0, 13),
    counters: hourCounters(shape, i),
  }));
}

/**
 * The clear winner: 10 hours × 100 decisions per arm; control automates 50 %, aggressive 70 %; every
 * audit (10 per hour per arm) agrees with the model; reviews cost $0.100–$0.109 by hour.
 */
export function clearWinner(): CounterRow[] {
  return [
    ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
    ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10 }),
  ];
}

import type {
  DecisionOutcomeEvent,
  DecisionRoutedEvent,
  FeedbackAcknowledgedEvent,
  GroundTruthAttachedEvent,
  MetricEvent,
  ReviewVerdictEvent,
} from "../../../core/metrics/events";
import { fixed } from "../../support/clock";

/** Test events with sensible defaults; override what a test is about. */
const base = { at: fixed("2026-11-25T12:34:56.000Z"), experimentId: "exp-1", arm: "a", enrolled: true };

export function routed(overrides: Partial<DecisionRoutedEvent> = {}): DecisionRoutedEvent {
  const decisionId = overrides.decisionId ?? "d1";
  return {
    ...base,
    type: "decision.routed",
    id: `decision.routed:${decisionId}`,
    decisionId,
    unitId: "u1",
    route: "auto",
    audit: false,
    modelCostUsd: 0.0002,
    ...overrides,
  };
}

export function verdict(overrides: Partial<ReviewVerdictEvent> = {}): ReviewVerdictEvent {
  return {
    ...base,
    type: "review.verdict",
    id: "review.verdict:rv-1:1:alice",
    reviewId: "rv-1",
    decisionId: "d1",
    kind: "review",
    reviewer: "alice",
    label: "approve",
    predictedLabel: "approve",
    tier: "tier-1",
    handlingSeconds: 90,
    queueSeconds: 600,
    hourlyRateUsd: 30,
    ...overrides,
  };
}

export function outcome(overrides: Partial<DecisionOutcomeEvent> = {}): DecisionOutcomeEvent {
  return {
    ...base,
    type: "decision.outcome",
    id: "decision.outcome:d1:review",
    decisionId: "d1",
    route: "human",
    source: "reviewer",
    outcome: "approve",
    predictedLabel: "approve",
    correct: true,
    latencyMs: 3_600_000,
    ...overrides,
  };
}

export function groundTruth(overrides: Partial<GroundTruthAttachedEvent> = {}): GroundTruthAttachedEvent {
  return {
    ...base,
    type: "ground-truth.attached",
    id: "ground-truth.attached:d1:1",
    decisionId: "d1",
    route: "auto",
    audited: false,
    outcomeSource: "model",
    outcome: "approve",
    predictedLabel: "approve",
    label: "reject",
    source: "chargeback",
    revision: 1,
    ...overrides,
  };
}

export function acknowledged(overrides: Partial<FeedbackAcknowledgedEvent> = {}): FeedbackAcknowledgedEvent {
  return {
    ...base,
    type: "feedback.acknowledged",
    id: "feedback.acknowledged:fb-1:training",
    feedbackId: "fb-1",
    decisionId: "d1",
    stage: "training",
    modelVersion: "m-2",
    producedAt: fixed("2026-11-23T12:34:56.000Z"),
    ...overrides,
  };
}

/** `n` automated decisions with distinct ids and units. */
export function manyRouted(n: number, overrides: Partial<DecisionRoutedEvent> = {}): MetricEvent[] {
  return Array.from({ length: n }, (_, i) =>
    routed({ decisionId: `d${i}`, unitId: `u${i}`, id: `decision.routed:d${i}`, ...overrides }),
  );
}

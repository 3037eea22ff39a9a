import type { ReviewPrice } from "../cost/human";
import type { DecisionRecord } from "../decisions/record";
import type { FeedbackRecord } from "../feedback/record";
import type { ReviewItem, Verdict } from "../review/item";
import type {
  DecisionRoutedEvent,
  FeedbackAcknowledgedEvent,
  FeedbackStage,
  GroundTruthAttachedEvent,
  ReviewVerdictEvent,
} from "./events";

/**
 * Builders for the events whose emitters live in other use cases (the verdict API, feedback
 * acknowledgements, ground truth). The id of each is fixed here, so a retried request produces the
 * same id and the aggregator counts it once; the rebuild uses the same builders.
 */

export const routedEventId = (decisionId: string) => `decision.routed:${decisionId}`;

/**
 * What routing one decision adds to the metrics, read from its stored record (the decisions
 * table's stream delivers it). Latency only for automated decisions that kept their receipt time.
 */
export function routedEvent(
  record: DecisionRecord,
  options: { latency?: boolean } = {},
): DecisionRoutedEvent {
  const latencyMs =
    options.latency !== false && record.route === "auto" && record.receivedAt
      ? Math.max(0, Date.parse(record.createdAt) - Date.parse(record.receivedAt))
      : undefined;
  return {
    type: "decision.routed",
    id: routedEventId(record.decisionId),
    at: record.createdAt,
    experimentId: record.experimentId,
    arm: record.arm,
    enrolled: record.enrolled,
    decisionId: record.decisionId,
    unitId: record.unitId,
    route: record.route,
    audit: record.audit,
    modelCostUsd: record.prediction.costUsd ?? 0,
    ...(record.prediction.modelVersion ? { modelVersion: record.prediction.modelVersion } : {}),
    ...(latencyMs !== undefined && Number.isFinite(latencyMs) ? { latencyMs } : {}),
  };
}

export const verdictEventId = (reviewId: string, round: number, reviewer: string) =>
  `review.verdict:${reviewId}:${round}:${reviewer}`;

export function verdictEvent(args: {
  item: Pick<ReviewItem, "reviewId" | "decisionId" | "experimentId" | "arm" | "kind">;
  verdict: Verdict;
  decision: Pick<DecisionRecord, "enrolled" | "prediction">;
  price: ReviewPrice;
  /** Seconds from the item entering the queue of this round to the verdict. */
  queueSeconds: number;
}): ReviewVerdictEvent {
  const { item, verdict, decision, price } = args;
  return {
    type: "review.verdict",
    id: verdictEventId(item.reviewId, verdict.round, verdict.reviewer),
    at: verdict.at,
    experimentId: item.experimentId,
    arm: item.arm,
    enrolled: decision.enrolled,
    reviewId: item.reviewId,
    decisionId: item.decisionId,
    kind: item.kind,
    reviewer: verdict.reviewer,
    label: verdict.label,
    predictedLabel: decision.prediction.label,
    tier: verdict.tier,
    handlingSeconds: verdict.handlingSeconds,
    queueSeconds: Math.max(0, args.queueSeconds),
    hourlyRateUsd: price.hourlyRateUsd,
    ...(price.perReviewUsd !== undefined ? { perReviewUsd: price.perReviewUsd } : {}),
  };
}

export function feedbackAcknowledgedEvent(args: {
  record: Pick<FeedbackRecord, "feedbackId" | "decisionId" | "experimentId" | "arm" | "producedAt">;
  enrolled: boolean;
  stage: FeedbackStage;
  modelVersion: string;
  at: string;
}): FeedbackAcknowledgedEvent {
  const { record } = args;
  return {
    type: "feedback.acknowledged",
    id: `feedback.acknowledged:${record.feedbackId}:${args.stage}`,
    at: args.at,
    experimentId: record.experimentId,
    arm: record.arm,
    enrolled: args.enrolled,
    feedbackId: record.feedbackId,
    decisionId: record.decisionId,
    stage: args.stage,
    modelVersion: args.modelVersion,
    producedAt: record.producedAt,
  };
}

export function groundTruthEvent(args: {
  decision: Pick<
    DecisionRecord,
    "decisionId" | "experimentId" | "arm" | "enrolled" | "route" | "prediction" | "outcome" | "outcomeSource"
  >;
  /** Whether an audit reviewed this automated decision. */
  audited: boolean;
  label: string;
  source: string;
  revision: number;
  previousLabel?: string;
  at: string;
}): GroundTruthAttachedEvent {
  const { decision } = args;
  const outcomeSource =
    decision.outcomeSource === "reviewer" || decision.outcomeSource === "fallback"
      ? decision.outcomeSource
      : "model";
  return {
    type: "ground-truth.attached",
    id: `ground-truth.attached:${decision.decisionId}:${args.revision}`,
    at: args.at,
    experimentId: decision.experimentId,
    arm: decision.arm,
    enrolled: decision.enrolled,
    decisionId: decision.decisionId,
    route: decision.route,
    audited: args.audited,
    outcomeSource,
    outcome: decision.outcome ?? decision.prediction.label,
    predictedLabel: decision.prediction.label,
    label: args.label,
    source: args.source,
    revision: args.revision,
    ...(args.previousLabel !== undefined ? { previousLabel: args.previousLabel } : {}),
  };
}

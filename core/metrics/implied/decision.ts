import type { DecisionRecord } from "../../decisions/record";
import type { DecisionWithGroundTruth } from "../../feedback/ports";
import { signalEvents } from "../../feedback/types/signal-events";
import type { DecisionRoutedEvent, GroundTruthAttachedEvent, MetricEvent } from "../events";

/**
 * The events a decision record implies: it was routed (from the moment it exists) and, once
 * attached, its ground truth. Both read only fields that never change after they are written.
 */
export function decisionEvents(record: DecisionWithGroundTruth): MetricEvent[] {
  const gt = groundTruthEvent(record);
  return [routedEvent(record), ...(gt ? [gt] : []), ...signalEvents(record)];
}

export const routedEventId = (decisionId: string) => `decision.routed:${decisionId}`;

/** Routing one decision. Latency only for automated decisions that kept their receipt time. */
export function routedEvent(record: DecisionRecord): DecisionRoutedEvent {
  const latencyMs =
    record.route === "auto" && record.receivedAt
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
    ...(record.auditInclusionProbability !== undefined
      ? { confidence: record.prediction.confidence, inclusionProbability: record.auditInclusionProbability }
      : {}),
  };
}

/** The attached ground truth, judged against the outcome it saw when it was attached. */
export function groundTruthEvent(record: DecisionWithGroundTruth): GroundTruthAttachedEvent | undefined {
  const gt = record.groundTruth;
  if (!gt) return undefined;
  return {
    type: "ground-truth.attached",
    id: `ground-truth.attached:${record.decisionId}:${gt.revision}`,
    at: gt.at,
    experimentId: record.experimentId,
    arm: record.arm,
    enrolled: record.enrolled,
    decisionId: record.decisionId,
    route: record.route,
    audited: gt.judged.audited,
    outcomeSource: gt.judged.outcomeSource,
    outcome: gt.judged.outcome,
    predictedLabel: record.prediction.label,
    label: gt.label,
    source: gt.source,
    revision: gt.revision,
  };
}

import type { FeedbackRecord } from "../../feedback/record";
import type { FeedbackAcknowledgedEvent, FeedbackProducedEvent, MetricEvent } from "../events";

/** A correction was produced; each stage that took it in acknowledged it once. */
export function feedbackEvents(record: FeedbackRecord): MetricEvent[] {
  const stages = new Set<string>();
  const acks: FeedbackAcknowledgedEvent[] = [];
  for (const ack of record.acks ?? []) {
    if (stages.has(ack.stage)) continue;
    stages.add(ack.stage);
    acks.push({
      ...base(record, ack.at),
      type: "feedback.acknowledged",
      id: `feedback.acknowledged:${record.feedbackId}:${ack.stage}`,
      feedbackId: record.feedbackId,
      decisionId: record.decisionId,
      stage: ack.stage,
      modelVersion: ack.modelVersion,
      producedAt: record.producedAt,
    });
  }
  const produced: FeedbackProducedEvent = {
    ...base(record, record.producedAt),
    type: "feedback.produced",
    id: `feedback.produced:${record.feedbackId}`,
    feedbackId: record.feedbackId,
    decisionId: record.decisionId,
  };
  return [produced, ...acks];
}

const base = (record: FeedbackRecord, at: string) => ({
  at,
  experimentId: record.experimentId,
  arm: record.arm,
  // Records written before `enrolled` was kept on them imply not-enrolled events, live and rebuilt alike.
  enrolled: record.enrolled ?? false,
});

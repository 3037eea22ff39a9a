import type { DecisionRecord } from "../../../core/decisions/record";
import type { FeedbackRecord } from "../../../core/feedback/record";
import { fixed, manualClock } from "../../support/clock";
import {
  MemoryAudit,
  MemoryDecisions,
  MemoryFeedbackFeed,
  MemoryGroundTruth,
  MemoryNotifier,
  MemoryReviews,
} from "../../support/memory";
import { RecordLog } from "../../support/record-log";

/** A correction produced at `producedAt` for decision `d-<n>`. */
export function correction(
  n: number,
  producedAt: string,
  extra: Partial<FeedbackRecord> = {},
): FeedbackRecord {
  return {
    feedbackId: `fb-review-d-${n}`,
    decisionId: `d-${n}`,
    experimentId: "claims-triage",
    arm: "aggressive",
    enrolled: true,
    item: { topic: "billing" },
    prediction: { label: "approve", confidence: 0.9, modelVersion: "m-7" },
    humanLabel: "deny",
    reviewers: ["reviewer-1"],
    source: "review",
    decidedAt: producedAt,
    producedAt,
    ...extra,
  };
}

export function decision(id: string, extra: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    decisionId: id,
    experimentId: "claims-triage",
    configVersion: 1,
    unitId: `unit-${id}`,
    arm: "aggressive",
    enrolled: true,
    route: "auto",
    audit: false,
    reason: "confidence 0.9 ≥ 0.8",
    status: "automated",
    item: { topic: "billing" },
    prediction: { label: "approve", confidence: 0.9, modelVersion: "m-7" },
    outcome: "approve",
    outcomeSource: "model",
    outcomeAt: fixed("2026-11-25T10:00:00.000Z"),
    requestHash: "h",
    createdAt: fixed("2026-11-25T10:00:00.000Z"),
    updatedAt: fixed("2026-11-25T10:00:00.000Z"),
    ...extra,
  };
}

/**
 * In-memory ports wired for the feedback use cases, with a manual clock at noon UTC. `log` holds
 * every write of a counted record (what the tables' streams carry to the metrics counter).
 */
export function feedbackWorld() {
  const log = new RecordLog();
  const feed = new MemoryFeedbackFeed(undefined, log);
  const decisions = new MemoryDecisions(log);
  const reviews = new MemoryReviews(log);
  const audit = new MemoryAudit();
  const notify = new MemoryNotifier();
  const clock = manualClock("2026-11-25T12:00:00.000Z");
  return {
    feed,
    models: feed.models,
    decisions,
    reviews,
    audit,
    log,
    notify,
    clock,
    ack: { feed, now: clock.now },
    groundTruth: {
      store: new MemoryGroundTruth(decisions, feed),
      reviews,
      audit,
      notify,
      now: clock.now,
    },
    confirm: { feed, registry: feed.models },
    /** Stores corrections, counted as written: a test about acks starts after them (`log.writes` cleared). */
    async add(...records: FeedbackRecord[]) {
      for (const r of records) await feed.put(r);
      log.writes.length = 0;
    },
  };
}

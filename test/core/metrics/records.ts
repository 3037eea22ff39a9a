import type { DecisionWithGroundTruth } from "../../../core/feedback/ports";
import type { FeedbackRecord } from "../../../core/feedback/record";
import type { ReviewItem, Verdict } from "../../../core/review/item";
import { fixed } from "../../support/clock";

/** Records with sensible defaults (experiment "e", arm "a", decision d1 at 12:00); override what a test is about. */
export const decision = (extra: Partial<DecisionWithGroundTruth> = {}): DecisionWithGroundTruth => ({
  decisionId: "d1",
  experimentId: "e",
  configVersion: 1,
  unitId: "u1",
  arm: "a",
  enrolled: true,
  route: "auto",
  audit: false,
  reason: "confident",
  status: "automated",
  item: {},
  prediction: { label: "approve", confidence: 0.97, costUsd: 0.0004, modelVersion: "m1" },
  outcome: "approve",
  outcomeSource: "model",
  requestHash: "h",
  receivedAt: fixed("2026-11-25T11:59:59.880Z"),
  createdAt: fixed("2026-11-25T12:00:00.000Z"),
  updatedAt: fixed("2026-11-25T12:00:00.000Z"),
  ...extra,
});

export const verdict = (
  reviewer: string,
  label: string,
  round: number,
  extra: Partial<Verdict> = {},
): Verdict => ({
  reviewer,
  label,
  handlingSeconds: 60,
  at: fixed(`2026-11-25T12:${String(10 + round * 10).padStart(2, "0")}:00.000Z`),
  tier: "tier-1",
  round,
  claimedAt: fixed(`2026-11-25T12:${String(5 + round * 10).padStart(2, "0")}:00.000Z`),
  price: { hourlyRateUsd: 36 },
  ...extra,
});

export const item = (extra: Partial<ReviewItem> = {}): ReviewItem =>
  ({
    reviewId: "rv-1",
    decisionId: "d1",
    experimentId: "e",
    arm: "a",
    kind: "review",
    status: "pending",
    queue: "claims",
    priority: 1500,
    priorityKey: "k",
    tier: "tier-1",
    tierIndex: 0,
    round: 1,
    deadline: fixed("2026-11-25T13:00:00.000Z"),
    taskToken: "t",
    threshold: 0.9,
    enqueuedAt: fixed("2026-11-25T12:01:00.000Z"),
    leaseSeconds: 300,
    requiredVerdicts: 1,
    verdicts: [],
    excludedReviewers: [],
    reasons: [],
    context: { item: {}, prediction: { label: "approve", confidence: 0.5 }, routingReason: "low" },
    labels: [],
    rounds: [{ round: 1, queue: "claims", tier: "tier-1", enqueuedAt: fixed("2026-11-25T12:01:00.000Z") }],
    escalations: [],
    enrolled: true,
    decisionCreatedAt: fixed("2026-11-25T12:00:00.000Z"),
    createdAt: fixed("2026-11-25T12:01:00.000Z"),
    updatedAt: fixed("2026-11-25T12:01:00.000Z"),
    ...extra,
  }) as ReviewItem;

export const feedback = (extra: Partial<FeedbackRecord> = {}): FeedbackRecord => ({
  feedbackId: "fb-review-d1",
  decisionId: "d1",
  experimentId: "e",
  arm: "a",
  enrolled: true,
  item: {},
  prediction: { label: "approve", confidence: 0.5 },
  humanLabel: "deny",
  reviewers: ["alice"],
  source: "review",
  decidedAt: fixed("2026-11-25T12:20:00.000Z"),
  producedAt: fixed("2026-11-25T12:20:01.000Z"),
  ...extra,
});

/** A double review whose reviewers disagreed (round 1), settled by an adjudicator in round 2. */
export const adjudicated = (extra: Partial<ReviewItem> = {}): ReviewItem =>
  item({
    status: "decided",
    round: 2,
    rounds: [
      { round: 1, queue: "claims", tier: "tier-1", enqueuedAt: fixed("2026-11-25T12:01:00.000Z") },
      {
        round: 2,
        queue: "claims.adjudication",
        tier: "tier-2",
        enqueuedAt: fixed("2026-11-25T12:31:00.000Z"),
      },
    ],
    verdicts: [
      verdict("alice", "approve", 1),
      verdict("bob", "deny", 1),
      verdict("carol", "deny", 2, {
        adjudication: true,
        tier: "tier-2",
        claimedAt: fixed("2026-11-25T12:36:00.000Z"),
        at: fixed("2026-11-25T12:39:00.000Z"),
      }),
    ],
    escalations: [
      {
        round: 1,
        at: fixed("2026-11-25T12:30:00.000Z"),
        fromTier: "tier-1",
        toTier: "adjudication",
        cause: "disagreement",
      },
    ],
    outcome: { label: "deny", source: "reviewer", at: fixed("2026-11-25T12:40:00.000Z") },
    ...extra,
  });

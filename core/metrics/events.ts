import type { Route } from "../decisions/schema";

interface EventBase {
  /** Stable per state change: the record implies the same id however often it is written. */
  id: string;
  at: string;
  experimentId: string;
  arm: string;
  enrolled: boolean;
}

/** A decision was routed (emitted once per decision id, however often the request is retried). */
export interface DecisionRoutedEvent extends EventBase {
  type: "decision.routed";
  decisionId: string;
  unitId: string;
  route: Route;
  audit: boolean;
  modelCostUsd: number;
  modelVersion?: string;
  /** Milliseconds from request to answer, for automated decisions. */
  latencyMs?: number;
  /** The model's confidence and, under uncertainty-weighted audits, the audit probability π. */
  confidence?: number;
  inclusionProbability?: number;
}

/** A held item entered a queue (first hold, escalation, adjudication or re-hold after a lease expired). */
export interface ReviewEnqueuedEvent extends EventBase {
  type: "review.enqueued";
  reviewId: string;
  kind: "review" | "audit";
  queue: string;
  tier: string;
  round: number;
}

export interface ReviewEscalatedEvent extends EventBase {
  type: "review.escalated";
  reviewId: string;
  fromTier: string;
  toTier: string;
  reason: "sla" | "disagreement";
}

/** One reviewer's verdict; `agreesWithModel` feeds the override rate. */
export interface ReviewVerdictEvent extends EventBase {
  type: "review.verdict";
  reviewId: string;
  decisionId: string;
  kind: "review" | "audit";
  reviewer: string;
  label: string;
  predictedLabel: string;
  tier: string;
  handlingSeconds: number;
  /** Seconds from the item entering its queue to this verdict. */
  queueSeconds: number;
  hourlyRateUsd: number;
  perReviewUsd?: number;
}

/** The last tier's SLA ran out and the policy's fallback was taken: an SLA breach. */
export interface ReviewFallbackEvent extends EventBase {
  type: "review.fallback";
  reviewId: string;
  decisionId: string;
  action: "model" | "label" | "hold";
}

/** A decision got its final (or a corrected) outcome. */
export interface DecisionOutcomeEvent extends EventBase {
  type: "decision.outcome";
  decisionId: string;
  route: Route;
  source: "model" | "reviewer" | "fallback" | "ground-truth";
  outcome: string;
  predictedLabel: string;
  /** Whether the final outcome equals the model's prediction (quality of automated and held items). */
  correct: boolean;
  /** Milliseconds from the decision to this outcome. */
  latencyMs: number;
  /** Audit verdict on an automated decision (the quality estimate's sample). */
  audited?: boolean;
  /** Two reviewers' labels on a double-reviewed item, for agreement statistics. */
  pair?: [string, string];
  /** The model's confidence in its answer (calibration counters of the live certificate). */
  confidence?: number;
  /** Audits under an uncertainty-weighted policy: the decision's audit probability π. */
  inclusionProbability?: number;
  /** Label counts of a multi-reviewed item's blind verdicts (Fleiss, Krippendorff), and their queue. */
  profile?: Record<string, number>;
  profileQueue?: string;
}

export interface FeedbackProducedEvent extends EventBase {
  type: "feedback.produced";
  feedbackId: string;
  decisionId: string;
}

/**
 * Later ground truth (a chargeback, a complaint) for a decision. It overrides the quality estimate for
 * that decision: `outcome` is the final outcome it is judged against. Id:
 * `ground-truth.attached:<decisionId>:<revision>`; a revision after the first carries `previousLabel`
 * so the counters move from the old verdict to the new one.
 */
export interface GroundTruthAttachedEvent extends EventBase {
  type: "ground-truth.attached";
  decisionId: string;
  route: Route;
  /** Whether the automated decision had been audited (its outcome was then set by a reviewer). */
  audited: boolean;
  /** Who settled the outcome being judged. */
  outcomeSource: "model" | "reviewer" | "fallback";
  outcome: string;
  predictedLabel: string;
  label: string;
  /** Where the ground truth came from, e.g. "chargeback" or "complaint". */
  source: string;
  revision: number;
  previousLabel?: string;
}

/** The ML team took a correction into a model version at a stage. Id: `feedback.acknowledged:<feedbackId>:<stage>`. */
export interface FeedbackAcknowledgedEvent extends EventBase {
  type: "feedback.acknowledged";
  feedbackId: string;
  decisionId: string;
  stage: FeedbackStage;
  modelVersion: string;
  /** When the correction was produced; closure time = `at` − `producedAt`. */
  producedAt: string;
}

export type FeedbackStage = "training" | "evaluation" | "deployed";

/**
 * The typed feedback (correction, rubric, pairwise, approval) a held or audited item settled with.
 * Id: `feedback.given:<decisionId>:<kind>` (core/feedback/types/events.ts).
 */
export interface FeedbackGivenEvent extends EventBase {
  type: "feedback.given";
  decisionId: string;
  kind: "review" | "audit";
  correction?: { accepted: boolean; editDistance?: number; changedFields?: number };
  rubric?: { criterion: string; score: number; pass: boolean }[];
  pairwise?: { choice: "A" | "B" | "equal"; winner: string; positions: [string, string] };
  approval?: "approve" | "reject" | "edit";
  /** The two independent verdicts' typed parts of a double review, for agreement at each type's level. */
  pair?: TypedPair;
}

export interface TypedPair {
  correction?: [boolean, boolean];
  rubric?: { criterion: string; scores: [number, number] }[];
  pairwise?: [string, string];
  approval?: [string, string];
}

/**
 * What one reviewer-quality fact (core/reviewers/counters.ts) adds to one reviewer row: counted
 * like every metric event, into the counter items of the scope {@link REVIEWERS_SCOPE}, whose
 * "arm" is the row (`<queue>|<reviewer>`, both URI-encoded; see reviewerRowArm).
 */
export interface ReviewerCountsEvent extends EventBase {
  type: "reviewer.counts";
  queue: string;
  reviewer: string;
  counters: Record<string, number>;
}

/**
 * The counter scope of reviewer rows: never an experiment id (those may not hold "@"), so no
 * experiment's counters, report or rebuild ever includes them.
 */
export const REVIEWERS_SCOPE = "@reviewers";

/**
 * What the product's users did with a settled outcome (an implicit signal), once per decision and
 * signal type. Id: `signal.received:<decisionId>:<type>` (core/feedback/types/signal-events.ts).
 */
export interface SignalReceivedEvent extends EventBase {
  type: "signal.received";
  decisionId: string;
  signal: "accepted" | "edited" | "reverted" | "complained" | "retried" | "escalated-by-user";
  route: Route;
  outcomeSource: "model" | "reviewer" | "fallback";
  audited: boolean;
  /** The decision's first signal: counts the decision once in the signal rates' denominator. */
  first: boolean;
  /** Marks the outcome wrong in the quality estimate (counted as wrong ground truth). */
  marksWrong: boolean;
}

export type MetricEvent =
  | DecisionRoutedEvent
  | ReviewEnqueuedEvent
  | ReviewEscalatedEvent
  | ReviewVerdictEvent
  | ReviewFallbackEvent
  | DecisionOutcomeEvent
  | FeedbackProducedEvent
  | GroundTruthAttachedEvent
  | FeedbackAcknowledgedEvent
  | FeedbackGivenEvent
  | ReviewerCountsEvent
  | SignalReceivedEvent;

export type MetricEventType = MetricEvent["type"];

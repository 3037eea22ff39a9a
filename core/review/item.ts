import type { ReviewPrice } from "../cost/human";
import type { Prediction } from "../decisions/schema";
import type { Fallback } from "../experiments/schema";
import type { FeedbackSpec, GivenFeedback } from "../feedback/types/schema";
import type { Hold } from "./hold";

export type ReviewStatus = "pending" | "claimed" | "escalated" | "decided" | "fallback" | "withdrawn";

export interface Verdict {
  reviewer: string;
  /** The outcome label: the reviewer's, or the one a typed verdict implies (core/feedback/types/verdict.ts). */
  label: string;
  /** The typed parts (correction, rubric, pairwise, approval) with what they measure. */
  feedback?: GivenFeedback;
  notes?: string;
  handlingSeconds: number;
  at: string;
  tier: string;
  round: number;
  /** Adjudicator's verdict on a disagreement between two reviewers. */
  adjudication?: boolean;
  /** An adaptive extra review, added because the blind reviews disagreed: left out of agreement. */
  extra?: boolean;
  /** When the reviewer claimed the item: the round's time in queue ends here. */
  claimedAt: string;
  /** The tier's price when the verdict was given: its human cost needs no later read. */
  price: ReviewPrice;
}

/** One hold round as it entered its queue (the item's `review.enqueued` events and time in queue). */
export interface HoldRound {
  round: number;
  queue: string;
  tier: string;
  enqueuedAt: string;
  /** The round's SLA deadline: a verdict before it counts as within SLA on the reviewer's scorecard. */
  deadline?: string;
}

/** A claim that ended without a verdict: the reviewer released it, or their lease ran out. */
export interface ClaimEnd {
  round: number;
  reviewer: string;
  at: string;
}

/** Which verdict a re-review item reviews again. */
export interface ReReviewMark {
  reviewId: string;
  round: number;
  reviewer: string;
  label: string;
  /** Why: the pause that sent it. */
  reason: string;
}

/**
 * A re-review that overturned the outcome of the item whose verdict it reviewed again: the outcome's
 * label changed from `from` to `to` (its time stays: the product's wait ended then). The item keeps
 * every revision, so its history still only grows.
 */
export interface OutcomeRevision {
  at: string;
  from: string;
  to: string;
  /** The re-review item whose final label this is. */
  reReviewId: string;
  /** Whose verdict was reviewed again (the paused reviewer). */
  reviewer: string;
  /** Who gave the labels that overturned it: the second reviewer, extras, the adjudicator. */
  by: string[];
}

/**
 * What makes a review item a gold item: the known answer. Server-side only (never in any view), so a
 * gold item looks like any other held item until its verdict is given.
 */
export interface GoldMark {
  goldId: string;
  label: string;
  explanation?: string;
}

/** A round that ended by moving the item on: its SLA ran out (next tier) or its reviewers disagreed. */
export interface Escalation {
  round: number;
  at: string;
  fromTier: string;
  toTier: string;
  cause: "sla" | "disagreement";
}

/** The last tier's SLA ran out and the policy's fallback was taken: recorded once per item. */
export interface SlaBreach {
  round: number;
  at: string;
  action: Fallback["action"];
}

/** The outcome the item settled for its decision: the reviewers' label or the fallback's. */
export interface ItemOutcome {
  label: string;
  source: "reviewer" | "fallback";
  at: string;
  /** The settling verdict's typed parts (an approval's edited arguments, a correction). */
  feedback?: GivenFeedback;
}

/**
 * A held item as reviewers see it. `pendingQueue` is set only while the item waits in a queue, so
 * the byQueue index holds exactly the claimable items.
 */
export interface ReviewItem {
  reviewId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  kind: Hold["kind"];
  status: ReviewStatus;
  queue: string;
  pendingQueue?: string;
  priority: number;
  /** Sort key in the queue index: best priority first, then oldest. */
  priorityKey: string;
  tier: string;
  tierIndex: number;
  /** Increases with every new hold of this item (escalation, lease expiry, adjudication). */
  round: number;
  deadline: string;
  /** Server-side only: resumes the workflow. Never returned by any API. */
  taskToken: string;
  /** The arm's threshold, for re-scoring the uncertainty part of the priority. */
  threshold: number;
  /** When this round entered its queue (time in queue is measured from here). */
  enqueuedAt: string;
  /** How long a claim lasts without a heartbeat (the hold's HeartbeatSeconds). */
  leaseSeconds: number;
  leaseHolder?: string;
  leaseUntil?: string;
  /**
   * Set while an item no workflow waits on (gold, re-review) is claimed: with `leaseUntil` it keys
   * the sparse byLease index, where the next claim in the queue finds a lease that ran out.
   */
  leaseQueue?: string;
  claimedAt?: string;
  /** Verdicts needed before the workflow resumes: 2 for double review, 1 otherwise. */
  requiredVerdicts: number;
  verdicts: Verdict[];
  /** Reviewers who already gave a verdict in an earlier round may not adjudicate their own disagreement. */
  excludedReviewers: string[];
  /** This round collects an adaptive extra review (blind; its verdict is marked `extra`). */
  extraReview?: boolean;
  /** Reviewers who handed the item back: for each of them it comes after every other claimable item. */
  releasedBy?: string[];
  /** Why a person sees it: the routing reason, then each escalation's reason. */
  reasons: string[];
  context: { item: Record<string, unknown>; prediction: Prediction; routingReason: string };
  /** Labels a verdict may use; empty means any. */
  labels: string[];
  /** The experiment's feedback schema at intake; absent: a label. */
  feedback?: FeedbackSpec;
  /** Pairwise: the candidate sources shown as A and B, randomised per item. */
  positions?: [string, string];
  /**
   * The item's history, which only ever grows: every metric event of a review is implied by these
   * fields (core/metrics/implied/review.ts), so the item is its own exactly-once event log.
   */
  rounds: HoldRound[];
  escalations: Escalation[];
  breach?: SlaBreach;
  outcome?: ItemOutcome;
  /** Claims released by their reviewer (a reviewer-quality fact each; releasedBy keeps only who). */
  releases?: ClaimEnd[];
  /** Claims whose lease ran out without a heartbeat, one per round at most. */
  leaseExpiries?: ClaimEnd[];
  /** Set on a gold item: its verdict is a reviewer fact only, never an outcome, feedback or experiment metric. */
  gold?: GoldMark;
  /**
   * Set on a second review of a paused reviewer's verdict: it resumes no workflow; when it disagrees
   * it is adjudicated, and its final label may revise the original's outcome (core/reviewers/re-review-outcome.ts).
   */
  reReview?: ReReviewMark;
  /** This round adjudicates a disagreement of a re-review (held items tell theirs by `excludedReviewers`). */
  adjudication?: boolean;
  /** Outcomes overturned by re-reviews, oldest first; `revisedAt` is the last one's time (the revisions stream's filter). */
  revisions?: OutcomeRevision[];
  revisedAt?: string;
  /** Copied from the decision at intake, so no event of the item needs a second read. */
  enrolled: boolean;
  decisionCreatedAt: string;
  /** Audit items: the decision's audit probability π (its weight in quality estimates is 1/π). */
  auditInclusionProbability?: number;
  createdAt: string;
  updatedAt: string;
}

/** Fields removed when an item leaves its queue (its round ends, or it is withdrawn). */
export const OUT_OF_QUEUE: (keyof ReviewItem)[] = ["pendingQueue", "leaseHolder", "leaseUntil"];

export const HIDDEN_FIELDS = [
  "taskToken",
  "pendingQueue",
  "priorityKey",
  "gold",
  "reReview",
  "releases",
  "leaseExpiries",
  "leaseQueue",
] as const;

/** The item without server-side fields, for reviewers and analysts. */
export function publicView(item: ReviewItem): Omit<ReviewItem, (typeof HIDDEN_FIELDS)[number]> {
  const {
    taskToken: _t,
    pendingQueue: _q,
    priorityKey: _k,
    gold: _g,
    reReview: _rr,
    releases: _r,
    leaseExpiries: _e,
    leaseQueue: _lq,
    ...rest
  } = item;
  return rest;
}

/** Higher priority sorts first in an ascending index: store the complement, zero-padded. */
export function priorityKeyOf(priority: number, createdAt: string, reviewId: string): string {
  const inverted = Math.max(0, Math.round((2000 - priority) * 1000));
  return `${String(inverted).padStart(8, "0")}#${createdAt}#${reviewId}`;
}

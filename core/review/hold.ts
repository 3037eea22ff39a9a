import type { Fallback, Policy } from "../experiments/schema";
import { AUDIT_QUEUE } from "../policy/evaluate";
import { fingerprint } from "../util/fingerprint";

/** Audits wait up to a week; nobody is blocked on them, so they never escalate. */
export const AUDIT_SLA_SECONDS = 7 * 24 * 3600;

/**
 * The review workflow's state: everything the Standard state machine carries between steps.
 * Small on purpose (Step Functions payloads are capped at 256 KB): the item itself stays in the
 * decisions table and the intake function reads it from there.
 */
export interface Hold {
  reviewId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  kind: "review" | "audit";
  /** The queue of the first tier; later tiers use `<baseQueue>.<tier name>`. */
  baseQueue: string;
  queue: string;
  tierIndex: number;
  tiers: { name: string; slaSeconds: number }[];
  /** What is left of the current tier's SLA (the hold task's TimeoutSecondsPath). */
  slaSeconds: number;
  heartbeatSeconds: number;
  /** ISO time the current tier's SLA runs out. */
  deadline: string;
  fallback: Fallback;
  doubleReview: boolean;
  /** The arm's threshold, for the uncertainty part of the priority. */
  threshold: number;
  createdAt: string;
  /** Increases with every new hold of the same item, so a late intake message cannot undo a newer one. */
  round: number;
  /** Verdicts needed in this round: `reviewsPerItem` for a multi-review, 1 otherwise (and for adjudication). */
  requiredVerdicts: number;
  /** Set when the round adjudicates a disagreement: the first reviewers may not take it. */
  adjudication?: boolean;
  /** Blind reviews of an item in the multi-review share, and the adaptive cap (core/reviewers/overlap.ts). */
  reviewsPerItem?: number;
  maxReviewsPerItem?: number;
  /** Set when the round collects one adaptive extra review: blind, and not by an earlier reviewer. */
  extraReview?: boolean;
  /** Why this round exists, in words for the reviewer ("tier-1 SLA of 3600 s ran out"). */
  reason?: string;
  /** Set by workflow steps: what the state machine does next. */
  next?: "hold" | "fallback" | "done";
}

/** Review ids are derived from the decision id, so a retried decision maps to the same hold. */
export function reviewIdFor(decisionId: string, kind: Hold["kind"]): string {
  return `${kind === "audit" ? "au" : "rv"}-${fingerprint(decisionId, 24)}`;
}

export function tierQueue(baseQueue: string, tiers: Hold["tiers"], index: number): string {
  return index === 0 ? baseQueue : `${baseQueue}.${tiers[index]?.name ?? `tier-${index + 1}`}`;
}

export function buildHold(args: {
  decisionId: string;
  experimentId: string;
  arm: string;
  policy: Policy;
  kind: Hold["kind"];
  queue: string;
  doubleReview: boolean;
  now: Date;
}): Hold {
  const { policy, kind, now } = args;
  const tiers =
    kind === "audit"
      ? [{ name: "audit", slaSeconds: AUDIT_SLA_SECONDS }]
      : policy.sla.tiers.map((t) => ({ name: t.name, slaSeconds: t.slaSeconds }));
  const first = tiers[0]?.slaSeconds ?? AUDIT_SLA_SECONDS;
  const baseQueue = kind === "audit" ? AUDIT_QUEUE : args.queue;
  return {
    reviewId: reviewIdFor(args.decisionId, kind),
    decisionId: args.decisionId,
    experimentId: args.experimentId,
    arm: args.arm,
    kind,
    baseQueue,
    queue: baseQueue,
    tierIndex: 0,
    tiers,
    slaSeconds: first,
    heartbeatSeconds: Math.min(policy.sla.heartbeatSeconds, first),
    deadline: new Date(now.getTime() + first * 1000).toISOString(),
    // An audit that nobody gets to leaves the automated outcome as it was.
    fallback: kind === "audit" ? { action: "model" } : policy.sla.fallback,
    doubleReview: kind === "review" && args.doubleReview,
    threshold: policy.autoAcceptAbove,
    createdAt: now.toISOString(),
    round: 1,
    // The multi-review share gets `reviewsPerItem` blind reviews (2 unless set).
    requiredVerdicts: kind === "review" && args.doubleReview ? (policy.reviewsPerItem ?? 2) : 1,
    ...(kind === "review" && args.doubleReview
      ? {
          reviewsPerItem: policy.reviewsPerItem ?? 2,
          ...(policy.maxReviewsPerItem !== undefined ? { maxReviewsPerItem: policy.maxReviewsPerItem } : {}),
        }
      : {}),
  };
}

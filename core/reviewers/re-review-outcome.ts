/**
 * What a re-review's verdicts decide. The paused reviewer's label and the second reviewer's are two
 * blind reviews: agreeing, the first stands; disagreeing, one more blind review at a time up to the
 * arm's `maxReviewsPerItem` (core/reviewers/overlap.ts), then adjudication by someone who is neither.
 * The final label overturns the original's outcome when the paused reviewer's verdict was all that
 * carried it (no other reviewer of the item gave that label).
 */

import { DomainError } from "../errors";
import type { OutcomeRevision, ReviewItem, Verdict } from "../review/item";
import { priorityKeyOf } from "../review/item";
import { nextReviewStep } from "./overlap";

export const RE_REVIEW_ADJUDICATION_SUFFIX = "adjudication";

export type ReReviewStep =
  | { step: "final"; label: string; adjudicated: boolean }
  | { step: "add-review" }
  | { step: "adjudicate" };

/** The labels of the re-review so far: the paused reviewer's first, then the item's non-adjudication verdicts. */
export function reReviewLabels(item: ReviewItem, next?: Verdict): string[] {
  const first = item.reReview;
  if (!first) throw new Error(`review ${item.reviewId} is not a re-review`);
  const given = [...item.verdicts, ...(next ? [next] : [])].filter((v) => !v.adjudication);
  return [first.label, ...given.map((v) => v.label)];
}

/**
 * What follows a re-review verdict: an adjudicator's label is final; otherwise the overlap rule over
 * the paused reviewer's label and the blind ones after it, with `cap` reviews at most (the paused
 * reviewer's included; the arm's `maxReviewsPerItem`, 2 when unset).
 */
export function reReviewStep(item: ReviewItem, given: Verdict, cap = 2): ReReviewStep {
  if (item.adjudication) return { step: "final", label: given.label, adjudicated: true };
  const step = nextReviewStep(reReviewLabels(item, given), {
    reviewsPerItem: 2,
    maxReviewsPerItem: Math.max(2, cap),
  });
  if (step.step === "settle") return { step: "final", label: step.label, adjudicated: false };
  if (step.step === "wait") throw new Error(`re-review ${item.reviewId}: a verdict left it waiting`);
  return step;
}

/** The changes that put a re-review item into its next round (one more blind review, or adjudication). */
export function nextReReviewRound(
  item: ReviewItem,
  given: Verdict,
  step: "add-review" | "adjudicate",
  now: Date,
): Partial<ReviewItem> {
  const mark = item.reReview;
  if (!mark) throw new Error(`review ${item.reviewId} is not a re-review`);
  const at = now.toISOString();
  const round = item.round + 1;
  const base = item.rounds[0]?.queue ?? item.queue;
  const queue = step === "adjudicate" ? `${base}.${RE_REVIEW_ADJUDICATION_SUFFIX}` : base;
  const verdicts = [...item.verdicts, given];
  const said = [`${mark.reviewer}: ${mark.label}`, ...verdicts.map((v) => `${v.reviewer}: ${v.label}`)];
  const reason =
    step === "adjudicate"
      ? `second review disagreed (${said.join(", ")}); adjudication needed`
      : `second review disagreed (${said.length} blind reviews); one more blind review`;
  return {
    status: "pending",
    pendingQueue: queue,
    queue,
    round,
    requiredVerdicts: 1,
    verdicts,
    excludedReviewers: [...new Set([mark.reviewer, ...verdicts.map((v) => v.reviewer)])],
    extraReview: step === "add-review",
    adjudication: step === "adjudicate",
    reasons: [...item.reasons, reason],
    rounds: [...item.rounds, { round, queue, tier: item.tier, enqueuedAt: at, deadline: item.deadline }],
    // Same rank as before (an audit's): ties broken by the new round's time.
    priorityKey: priorityKeyOf(item.priority, at, item.reviewId),
    enqueuedAt: at,
    updatedAt: at,
  };
}

/**
 * The revision a re-review's final label makes to the original item, or undefined when there is
 * none: the label agrees with the outcome, the outcome is not a reviewer's, the paused reviewer's
 * verdict was not behind it, or another reviewer gave the same label (their verdict still carries it).
 */
export function revisionFor(
  original: ReviewItem,
  reReview: ReviewItem,
  label: string,
  at: string,
): OutcomeRevision | undefined {
  const mark = reReview.reReview;
  const outcome = original.outcome;
  if (!mark || !outcome || outcome.source !== "reviewer") return undefined;
  if (outcome.label === label || outcome.label !== mark.label) return undefined;
  if ((original.revisions ?? []).some((r) => r.reReviewId === reReview.reviewId)) return undefined;
  const backers = original.verdicts.filter((v) => v.label === outcome.label);
  if (backers.some((v) => v.reviewer !== mark.reviewer)) return undefined;
  return {
    at,
    from: outcome.label,
    to: label,
    reReviewId: reReview.reviewId,
    reviewer: mark.reviewer,
    by: [...new Set(reReview.verdicts.map((v) => v.reviewer))],
  };
}

/** The original item's changes for a revision: the outcome's label (its time stays) and the revision kept. */
export function revisedItem(original: ReviewItem, revision: OutcomeRevision): Partial<ReviewItem> {
  const outcome = original.outcome;
  if (!outcome)
    throw new DomainError(409, "no_outcome", `review ${original.reviewId} has no outcome to revise`);
  // The first verdict's typed parts (a correction, an approval) described the overturned label.
  const { feedback: _overturned, ...kept } = outcome;
  return {
    outcome: { ...kept, label: revision.to },
    revisions: [...(original.revisions ?? []), revision],
    revisedAt: revision.at,
    updatedAt: revision.at,
  };
}

/**
 * A second review of a paused reviewer's verdicts: one new item per verdict they gave in the
 * window a pause names (after their last passing check), in the same queue, for anyone but them.
 * It resumes no workflow and settles nothing: its verdict is compared with the first, and both go
 * to the decision's audit trail (and the re-reviewer's scorecard).
 */

import { decisionEntity, reviewEntity } from "../audit/entry";
import type { AuditLog, ReviewStore } from "../ports";
import { AUDIT_SLA_SECONDS } from "../review/hold";
import { priorityKeyOf, type ReviewItem, type Verdict } from "../review/item";
import { priorityScore } from "../review/priority";
import { fingerprint } from "../util/fingerprint";
import type { VerdictSearch } from "./ports";

export interface ReReviewDeps {
  search: VerdictSearch;
  reviews: Pick<ReviewStore, "putRound">;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
}

export const reReviewIdFor = (reviewId: string, round: number, reviewer: string) =>
  `rv-${fingerprint(`re-review#${reviewId}#${round}#${reviewer}`, 24)}`;

function queueOfRound(item: ReviewItem, round: number): string {
  return item.rounds?.find((r) => r.round === round)?.queue ?? item.queue;
}

function reReviewItem(
  original: ReviewItem,
  verdict: Verdict,
  queue: string,
  reason: string,
  now: Date,
): ReviewItem {
  const at = now.toISOString();
  const deadline = new Date(now.getTime() + AUDIT_SLA_SECONDS * 1000).toISOString();
  const reviewId = reReviewIdFor(original.reviewId, verdict.round, verdict.reviewer);
  // Nobody waits on a second review: it ranks with audits, below every item a product is waiting on.
  const priority = priorityScore({
    secondsToDeadline: AUDIT_SLA_SECONDS,
    item: original.context.item,
    prediction: original.context.prediction,
    threshold: original.threshold,
    audit: true,
  });
  return {
    reviewId,
    decisionId: original.decisionId,
    experimentId: original.experimentId,
    arm: original.arm,
    kind: original.kind,
    status: "pending",
    queue,
    pendingQueue: queue,
    priority,
    priorityKey: priorityKeyOf(priority, at, reviewId),
    tier: verdict.tier,
    tierIndex: 0,
    round: 1,
    deadline,
    taskToken: "",
    threshold: original.threshold,
    enqueuedAt: at,
    leaseSeconds: original.leaseSeconds,
    requiredVerdicts: 1,
    verdicts: [],
    excludedReviewers: [verdict.reviewer],
    reasons: [`second review: ${reason}`],
    context: original.context,
    labels: original.labels,
    ...(original.feedback ? { feedback: original.feedback } : {}),
    ...(original.positions ? { positions: original.positions } : {}),
    rounds: [{ round: 1, queue, tier: verdict.tier, enqueuedAt: at, deadline }],
    escalations: [],
    enrolled: original.enrolled,
    decisionCreatedAt: original.decisionCreatedAt,
    createdAt: at,
    updatedAt: at,
    reReview: {
      reviewId: original.reviewId,
      round: verdict.round,
      reviewer: verdict.reviewer,
      label: verdict.label,
      reason,
    },
  };
}

/**
 * Queues a second review of each verdict `reviewer` gave in `queue` within the window; safe to run
 * twice (an item already queued for a verdict is not queued again). Returns how many were queued.
 */
export async function sendForReReview(
  deps: ReReviewDeps,
  reviewer: string,
  queue: string,
  window: { from: string; to: string },
  reason: string,
): Promise<number> {
  const now = deps.now();
  let queued = 0;
  for (const original of await deps.search.decidedBy(reviewer, queue, window)) {
    for (const verdict of original.verdicts) {
      if (verdict.reviewer !== reviewer || queueOfRound(original, verdict.round) !== queue) continue;
      if (!(verdict.at > window.from && verdict.at <= window.to)) continue;
      const item = reReviewItem(original, verdict, queue, reason, now);
      if ((await deps.reviews.putRound(item)) === "stale") continue;
      queued++;
      await deps.audit.append([
        {
          entity: reviewEntity(item.reviewId),
          at: item.enqueuedAt,
          actor: "reviewer-quality",
          action: "enqueued",
          detail: { queue, tier: item.tier, round: 1, deadline: item.deadline, priority: item.priority },
        },
        {
          entity: decisionEntity(original.decisionId),
          at: item.enqueuedAt,
          actor: "reviewer-quality",
          action: "re-review",
          detail: {
            stage: "queued",
            reviewId: original.reviewId,
            reReviewId: item.reviewId,
            reviewer,
            reason,
          },
        },
      ]);
    }
  }
  return queued;
}

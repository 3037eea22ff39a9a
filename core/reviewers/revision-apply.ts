/**
 * What an overturned outcome changes beyond its review item: the decision record, the product (a
 * `decision.outcome-changed` message on the outcomes queue), the ML team (a new correction when the
 * new label differs from the model's) and the decision's audit trail. Run from the reviews table's
 * stream for each revision a write added (functions/review-revisions), so a revision that committed
 * is never lost; every step is safe to repeat (a redelivered record writes the same records again).
 */

import { type AuditEntry, decisionEntity } from "../audit/entry";
import type { FeedbackRecord } from "../feedback/record";
import type { AuditLog, DecisionStore, FeedbackStore, Notifier } from "../ports";
import type { OutcomeRevision, ReviewItem } from "../review/item";

export interface RevisionDeps {
  decisions: Pick<DecisionStore, "get" | "settle">;
  feedback: FeedbackStore;
  notify: Notifier;
  audit: Pick<AuditLog, "append">;
}

/** One correction per overturned outcome, beside the first verdict's (which the feed keeps: it was sent). */
export const revisionFeedbackId = (decisionId: string, revision: OutcomeRevision) =>
  `fb-re-review-${decisionId}-${revision.reReviewId}`;

/** The revisions `after` holds that `before` did not (by re-review id). */
export function addedRevisions(before: ReviewItem | undefined, after: ReviewItem): OutcomeRevision[] {
  const known = new Set((before?.revisions ?? []).map((r) => r.reReviewId));
  return (after.revisions ?? []).filter((r) => !known.has(r.reReviewId));
}

export async function applyRevision(
  deps: RevisionDeps,
  item: ReviewItem,
  revision: OutcomeRevision,
): Promise<void> {
  const decision = await deps.decisions.get(item.decisionId);
  if (!decision) throw new Error(`decision ${item.decisionId} of review ${item.reviewId} not found`);
  const at = revision.at;
  await deps.decisions.settle(item.decisionId, {
    status: item.kind === "audit" ? "automated" : "decided",
    outcome: revision.to,
    outcomeSource: "reviewer",
    at,
  });
  const entries: AuditEntry[] = [
    {
      entity: decisionEntity(item.decisionId),
      at,
      actor: "reviewer-quality",
      action: "outcome",
      detail: {
        outcome: revision.to,
        previousOutcome: revision.from,
        source: "reviewer",
        kind: item.kind,
        revisedBy: revision.reReviewId,
        reviewer: revision.reviewer,
      },
    },
  ];
  const work: Promise<unknown>[] = [
    deps.notify.outcome({
      type: "decision.outcome-changed",
      decisionId: item.decisionId,
      experimentId: item.experimentId,
      arm: item.arm,
      outcome: revision.to,
      previousOutcome: revision.from,
      source: "reviewer",
      reviewId: item.reviewId,
      at,
    }),
  ];
  if (revision.to !== decision.prediction.label) {
    const feedback: FeedbackRecord = {
      feedbackId: revisionFeedbackId(item.decisionId, revision),
      decisionId: item.decisionId,
      experimentId: item.experimentId,
      arm: item.arm,
      enrolled: decision.enrolled,
      item: decision.item,
      prediction: {
        label: decision.prediction.label,
        confidence: decision.prediction.confidence,
        ...(decision.prediction.modelVersion ? { modelVersion: decision.prediction.modelVersion } : {}),
      },
      humanLabel: revision.to,
      reviewers: revision.by,
      source: item.kind,
      decidedAt: at,
      producedAt: at,
    };
    await deps.feedback.put(feedback);
    work.push(deps.notify.feedback(feedback));
    entries.push({
      entity: decisionEntity(item.decisionId),
      at,
      actor: "reviewer-quality",
      action: "feedback",
      detail: {
        feedbackId: feedback.feedbackId,
        predicted: decision.prediction.label,
        human: revision.to,
        source: "reviewer",
        kind: item.kind,
      },
    });
  }
  work.push(deps.audit.append(entries));
  await Promise.all(work);
}

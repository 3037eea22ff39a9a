/**
 * A re-review item's verdict (core/reviewers/re-review.ts queues them): agreeing with the paused
 * reviewer's label settles it; disagreeing sends it on to one more blind review (up to the arm's
 * `maxReviewsPerItem`) or to adjudication, and its final label revises the original's outcome in the
 * same transaction (core/reviewers/re-review-outcome.ts). The revision's stream record updates the
 * decision, the product and the feedback (core/reviewers/revision-apply.ts).
 */

import { type AuditEntry, decisionEntity, reviewEntity } from "../audit/entry";
import { DomainError } from "../errors";
import type { DeskDeps, VerdictInput } from "../review/desk";
import type { Reviewer } from "../review/entitlement";
import type { ReviewItem, Verdict } from "../review/item";
import type { ReReviewWrites, RevisionWrite } from "./ports";
import { nextReReviewRound, reReviewStep, revisedItem, revisionFor } from "./re-review-outcome";
import { type AnyVerdictResult, type ClaimedWrite, standaloneVerdict } from "./standalone-verdict";

export type ReReviewVerdictDeps = Pick<DeskDeps, "reviews" | "experiments" | "audit" | "now"> & {
  reReviewWrites: ReReviewWrites;
};

const closed = (id: string) =>
  new DomainError(409, "hold_closed", `review ${id} changed meanwhile; nothing was changed`);

/** The arm's adaptive cap on reviews, the paused reviewer's included (2 when unset: straight to adjudication). */
async function capOf(deps: ReReviewVerdictDeps, item: ReviewItem): Promise<number> {
  const experiment = await deps.experiments.get(item.experimentId);
  return experiment?.arms.find((a) => a.id === item.arm)?.policy.maxReviewsPerItem ?? 2;
}

export async function reReviewVerdict(
  deps: ReReviewVerdictDeps,
  reviewer: Reviewer,
  read: ReviewItem,
  input: VerdictInput,
): Promise<AnyVerdictResult> {
  const first = read.reReview;
  if (!first) throw new Error(`review ${read.reviewId} is not a re-review`);
  const checked = await standaloneVerdict(deps, reviewer, read, input);
  if ("replay" in checked) return checked.replay;
  const { given } = checked;
  const step = reReviewStep(read, given, await capOf(deps, read));
  let item = read;
  let revised: RevisionWrite | undefined;
  // The revision expects the original as read; a concurrent change of it is read again.
  for (let attempt = 0; ; attempt++) {
    const write: ClaimedWrite = {
      kind: "update-claimed",
      reviewId: item.reviewId,
      round: item.round,
      reviewer: reviewer.id,
      changes: {},
      remove: ["leaseHolder", "leaseUntil", "leaseQueue"],
    };
    revised = undefined;
    if (step.step === "final") {
      write.changes = {
        verdicts: [...item.verdicts, given],
        status: "decided",
        outcome: { label: step.label, source: "reviewer", at: given.at },
        updatedAt: given.at,
      };
      const original = await deps.reviews.get(first.reviewId);
      const done = { ...item, verdicts: [...item.verdicts, given] };
      const revision = original && revisionFor(original, done, step.label, given.at);
      if (original && revision)
        revised = {
          reviewId: original.reviewId,
          expectedUpdatedAt: original.updatedAt,
          changes: revisedItem(original, revision),
        };
    } else {
      write.changes = nextReReviewRound(item, given, step.step, deps.now());
      write.remove = ["leaseHolder", "leaseUntil", "claimedAt", "leaseQueue"];
    }
    if (await deps.reReviewWrites.close(write, revised)) break;
    const current = await deps.reviews.get(item.reviewId);
    if (attempt >= 2 || current?.status !== "claimed" || current.leaseHolder !== reviewer.id)
      throw closed(item.reviewId);
    item = current;
  }
  await deps.audit.append(entriesOf(item, given, step, revised !== undefined));
  return { reviewId: item.reviewId, status: "recorded", verdict: given, replayed: false };
}

/** What the verdict did, for the re-review's own trail and the decision's. */
function entriesOf(
  item: ReviewItem,
  given: Verdict,
  step: ReturnType<typeof reReviewStep>,
  revised: boolean,
): AuditEntry[] {
  const first = item.reReview;
  if (!first) return [];
  const at = given.at;
  const entries: AuditEntry[] = [
    {
      entity: reviewEntity(item.reviewId),
      at,
      actor: given.reviewer,
      action: "verdict",
      detail: { round: item.round, queue: item.queue, label: given.label, complete: step.step === "final" },
    },
  ];
  const about = { reviewId: first.reviewId, reReviewId: item.reviewId, reviewer: first.reviewer };
  if (!given.extra && !given.adjudication)
    entries.push({
      entity: decisionEntity(item.decisionId),
      at,
      actor: given.reviewer,
      action: "re-review",
      detail: {
        stage: "reviewed",
        ...about,
        label: first.label,
        secondLabel: given.label,
        agrees: first.label === given.label,
      },
    });
  if (step.step === "final") {
    entries.push({
      entity: decisionEntity(item.decisionId),
      at,
      actor: given.reviewer,
      action: "re-review",
      detail: { stage: "settled", ...about, label: step.label, adjudicated: step.adjudicated, revised },
    });
  } else {
    entries.push({
      entity: reviewEntity(item.reviewId),
      at,
      actor: "reviewer-quality",
      action: "enqueued",
      detail: {
        round: item.round + 1,
        queue:
          step.step === "adjudicate" ? `${item.rounds[0]?.queue ?? item.queue}.adjudication` : item.queue,
        reason: step.step === "adjudicate" ? "adjudication" : "extra-review",
      },
    });
  }
  return entries;
}

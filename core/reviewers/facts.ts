/**
 * The reviewer-quality facts a review item implies, from its history alone (like its metric
 * events): each verdict, the settled agreement of its blind reviews, each released claim and each
 * lease that ran out. A fact is part of the record it describes, so it commits with the record
 * change in the same write, and the stream counter counts it exactly once by its id.
 */

import type { ReviewItem, Verdict } from "../review/item";
import type { AgreementFact, LeaseFact, ReviewerFact, VerdictFact } from "./counters";

export const verdictFactId = (reviewId: string, round: number, reviewer: string) =>
  `reviewer.verdict:${reviewId}:${round}:${reviewer}`;

/** The queue a round waited in (its history entry), else the item's current queue. */
function queueOf(item: ReviewItem, round: number): string {
  return item.rounds?.find((r) => r.round === round)?.queue ?? item.queue;
}

function deadlineOf(item: ReviewItem, round: number): string | undefined {
  const recorded = item.rounds?.find((r) => r.round === round)?.deadline;
  if (recorded) return recorded;
  return round === item.round ? item.deadline : undefined;
}

function verdictFact(item: ReviewItem, verdict: Verdict): VerdictFact {
  const deadline = deadlineOf(item, verdict.round);
  return {
    type: "verdict",
    id: verdictFactId(item.reviewId, verdict.round, verdict.reviewer),
    reviewer: verdict.reviewer,
    queue: queueOf(item, verdict.round),
    at: verdict.at,
    handlingSeconds: verdict.handlingSeconds,
    label: verdict.label,
    predictedLabel: item.context.prediction.label,
    withinSla: deadline !== undefined && Date.parse(verdict.at) <= Date.parse(deadline),
    ...(item.gold ? { goldLabel: item.gold.label } : {}),
  };
}

/**
 * The blind verdicts of a multi-reviewed item: the first round with two or more verdicts that are
 * not adjudications or adaptive extras (extras exist only because the first disagreed).
 */
export function blindVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  const byRound = Map.groupBy(
    verdicts.filter((v) => !v.adjudication && !v.extra),
    (v) => v.round,
  );
  for (const round of [...byRound.keys()].sort((a, b) => a - b)) {
    const blind = byRound.get(round) ?? [];
    if (blind.length >= 2) return blind;
  }
  return [];
}

/**
 * A settled re-review: the paused reviewer's label and the second reviewer's were blind to each
 * other, and the adjudicator (if any) judged both. Kept out of the queue's rating profile, since
 * only a paused reviewer's verdicts are re-reviewed.
 */
function reReviewAgreement(item: ReviewItem): AgreementFact | undefined {
  const mark = item.reReview;
  if (!mark || item.outcome?.source !== "reviewer") return undefined;
  const second = item.verdicts.find((v) => !v.extra && !v.adjudication);
  if (!second) return undefined;
  const adjudication = item.verdicts.find((v) => v.adjudication);
  return {
    type: "agreement",
    id: `reviewer.agreement:${item.reviewId}`,
    queue: queueOf(item, second.round),
    at: item.outcome.at,
    verdicts: [
      { reviewer: mark.reviewer, label: mark.label },
      { reviewer: second.reviewer, label: second.label },
    ],
    ...(adjudication ? { adjudicated: adjudication.label } : {}),
    profile: false,
  };
}

/** Agreement is known once a reviewer's outcome settled the item. */
function agreementFact(item: ReviewItem): AgreementFact | undefined {
  if (item.reReview) return reReviewAgreement(item);
  if (item.gold || item.outcome?.source !== "reviewer") return undefined;
  const blind = blindVerdicts(item.verdicts);
  const first = blind[0];
  if (!first) return undefined;
  const adjudication = item.verdicts.find((v) => v.adjudication);
  return {
    type: "agreement",
    id: `reviewer.agreement:${item.reviewId}`,
    queue: queueOf(item, first.round),
    at: item.outcome.at,
    verdicts: blind.map((v) => ({ reviewer: v.reviewer, label: v.label })),
    ...(adjudication ? { adjudicated: adjudication.label } : {}),
  };
}

/** The facts a review item implies, each with an id that stays the same however often it is written. */
export function reviewerFactsOf(item: ReviewItem): ReviewerFact[] {
  const facts: ReviewerFact[] = [];
  const seen = new Set<string>();
  for (const verdict of item.verdicts) {
    const fact = verdictFact(item, verdict);
    if (seen.has(fact.id)) continue;
    seen.add(fact.id);
    facts.push(fact);
  }
  const agreement = agreementFact(item);
  if (agreement) facts.push(agreement);
  (item.releases ?? []).forEach((end, i) => {
    const fact: LeaseFact = {
      type: "released",
      id: `reviewer.released:${item.reviewId}:${i}`,
      reviewer: end.reviewer,
      queue: queueOf(item, end.round),
      at: end.at,
    };
    facts.push(fact);
  });
  for (const end of item.leaseExpiries ?? []) {
    facts.push({
      type: "lease-expired",
      id: `reviewer.lease-expired:${item.reviewId}:${end.round}`,
      reviewer: end.reviewer,
      queue: queueOf(item, end.round),
      at: end.at,
    });
  }
  return facts;
}

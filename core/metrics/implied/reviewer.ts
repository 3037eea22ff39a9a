import { encodePart } from "../../metrics/counters";
import type { ReviewItem } from "../../review/item";
import { reviewerCountersOf } from "../../reviewers/counters";
import { reviewerFactsOf } from "../../reviewers/facts";
import { REVIEWERS_SCOPE, type ReviewerCountsEvent } from "../events";

/** The counter row ("arm" in the reviewers' scope) of a reviewer in a queue. */
export const reviewerRowArm = (queue: string, reviewer: string) =>
  `${encodePart(queue)}|${encodePart(reviewer)}`;

/** The (queue, reviewer) of a row; undefined for a malformed one. */
export function parseReviewerRowArm(arm: string): { queue: string; reviewer: string } | undefined {
  const parts = arm.split("|");
  if (parts.length !== 2) return undefined;
  return { queue: decodeURIComponent(parts[0] ?? ""), reviewer: decodeURIComponent(parts[1] ?? "") };
}

/**
 * The reviewer-quality events a review item implies: one per (fact, row) of each fact the item's
 * history holds (core/reviewers/facts.ts), carrying the counters the fact adds to that row. They
 * count into the reviewers' scope, never into the item's experiment.
 */
export function reviewerEvents(item: ReviewItem): ReviewerCountsEvent[] {
  const events: ReviewerCountsEvent[] = [];
  for (const fact of reviewerFactsOf(item)) {
    for (const delta of reviewerCountersOf(fact)) {
      const { queue, reviewer } = delta.key;
      events.push({
        type: "reviewer.counts",
        id: `${fact.id}@${reviewerRowArm(queue, reviewer)}`,
        at: fact.at,
        experimentId: REVIEWERS_SCOPE,
        arm: reviewerRowArm(queue, reviewer),
        enrolled: false,
        queue,
        reviewer,
        counters: delta.counters,
      });
    }
  }
  return events;
}

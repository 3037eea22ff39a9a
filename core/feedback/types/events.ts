import type { FeedbackGivenEvent } from "../../metrics/events";
import type { ReviewItem } from "../../review/item";
import { passes } from "./verdict";

export const feedbackGivenEventId = (decisionId: string, kind: ReviewItem["kind"]) =>
  `feedback.given:${decisionId}:${kind}`;

/**
 * The typed feedback an item settled with: implied by the item's reviewer outcome (the settling
 * verdict's parts, `outcome.feedback`), once per decision and kind, like its `decision.outcome`.
 * Rubric scores carry their pass or fail, judged by the criterion the item was held with.
 */
export function feedbackGivenEvent(item: ReviewItem): FeedbackGivenEvent | undefined {
  const given = item.outcome?.source === "reviewer" ? item.outcome.feedback : undefined;
  if (!given || !item.outcome) return undefined;
  const rubricSpec = item.feedback?.find((t) => t.type === "rubric");
  const rubric =
    given.rubric && rubricSpec?.type === "rubric"
      ? rubricSpec.criteria.flatMap((criterion) => {
          const score = given.rubric?.[criterion.name];
          if (score === undefined) return [];
          return [{ criterion: criterion.name, score: Number(score), pass: passes(score, criterion) }];
        })
      : undefined;
  const c = given.correction;
  return {
    type: "feedback.given",
    id: feedbackGivenEventId(item.decisionId, item.kind),
    at: item.outcome.at,
    experimentId: item.experimentId,
    arm: item.arm,
    enrolled: item.enrolled ?? false,
    decisionId: item.decisionId,
    kind: item.kind,
    ...(c
      ? {
          correction: {
            accepted: c.accepted,
            ...(c.editDistance !== undefined ? { editDistance: c.editDistance } : {}),
            ...(c.changedFields !== undefined ? { changedFields: c.changedFields } : {}),
          },
        }
      : {}),
    ...(rubric ? { rubric } : {}),
    ...(given.pairwise
      ? {
          pairwise: {
            choice: given.pairwise.choice,
            winner: given.pairwise.winner,
            positions: given.pairwise.positions,
          },
        }
      : {}),
    ...(given.approval ? { approval: given.approval.action } : {}),
  };
}

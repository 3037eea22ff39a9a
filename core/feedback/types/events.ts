import type { FeedbackGivenEvent, TypedPair } from "../../metrics/events";
import type { ReviewItem, Verdict } from "../../review/item";
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
    ...pairPart(item.verdicts),
  };
}

/** The first round with two independent (non-adjudication) typed verdicts: what agreement is measured on. */
function pairPart(verdicts: readonly Verdict[]): { pair?: TypedPair } {
  const byRound = Map.groupBy(
    verdicts.filter((v) => !v.adjudication && v.feedback),
    (v) => v.round,
  );
  for (const round of [...byRound.keys()].sort((a, b) => a - b)) {
    const [a, b] = (byRound.get(round) ?? []).map((v) => v.feedback ?? {});
    if (!a || !b) continue;
    const pair: TypedPair = {};
    if (a.correction && b.correction) pair.correction = [a.correction.accepted, b.correction.accepted];
    if (a.pairwise && b.pairwise) pair.pairwise = [a.pairwise.winner, b.pairwise.winner];
    if (a.approval && b.approval) pair.approval = [a.approval.action, b.approval.action];
    if (a.rubric && b.rubric) {
      const ra = a.rubric;
      const rb = b.rubric;
      pair.rubric = Object.keys(ra).flatMap((criterion) => {
        const x = ra[criterion];
        const y = rb[criterion];
        return x === undefined || y === undefined
          ? []
          : [{ criterion, scores: [Number(x), Number(y)] as [number, number] }];
      });
    }
    return { pair };
  }
  return {};
}

/**
 * What a reviewer is shown of an item, against anchoring: the model's prediction only where the
 * arm's policy shows it (`showPrediction` for held items, `showPredictionInAudits` for audits; a
 * gold item follows the queue it is served in, like any held item), the labels in an order of
 * the reviewer's own, fixed for them, so position bias averages out across a team, and a pairwise
 * item's candidates blind: as A and B in the item's order, never with the model or prompt they
 * came from (a known source is a bias of its own).
 */

import type { Prediction } from "../decisions/schema";
import type { Experiment } from "../experiments/schema";
import type { Json } from "../feedback/types/schema";
import { labelOrderFor } from "../reviewers/label-order";
import type { publicView } from "./item";

type Public = ReturnType<typeof publicView>;

/** A pairwise candidate as a reviewer sees it: where it is shown, not where it came from. */
export interface ShownCandidate {
  position: "A" | "B";
  output: Json;
}

export type ShownPrediction = Omit<Prediction, "candidates"> & { candidates?: ShownCandidate[] };

export type ReviewerView = Omit<Public, "context" | "positions"> & {
  context: { item: Record<string, unknown>; routingReason: string; prediction?: ShownPrediction };
  /** Set when the policy hides the model's prediction from reviewers of this item. */
  predictionHidden?: true;
};

/**
 * The candidates in the item's order (`positions`) as A and B, and earlier verdicts' pairwise
 * parts by position only (their label, the winner's source, becomes its position too).
 */
function blind(item: Public): ReviewerView {
  const { positions: stored, ...rest } = item;
  const prediction = item.context.prediction;
  if (!prediction) return { ...rest, context: { ...item.context, prediction: undefined } };
  const { candidates, ...shown } = prediction;
  if (!candidates) return { ...rest, context: { ...item.context, prediction: shown } };
  // Intake stores the positions with every pairwise item; an older item shows them as sent.
  const positions = stored ?? [candidates[0]?.source ?? "", candidates[1]?.source ?? ""];
  const at = (source: string) => candidates.find((c) => c.source === source)?.output ?? null;
  const positionOf = (source: string) =>
    source === positions[0] ? "A" : source === positions[1] ? "B" : source;
  const verdicts = item.verdicts.map((v) => {
    const pairwise = v.feedback?.pairwise;
    if (!pairwise) return v;
    const { winner: _w, positions: _p, ...choice } = pairwise;
    return {
      ...v,
      label: positionOf(v.label),
      feedback: { ...v.feedback, pairwise: choice as typeof pairwise },
    };
  });
  return {
    ...rest,
    verdicts,
    context: {
      ...item.context,
      prediction: {
        ...shown,
        candidates: [
          { position: "A", output: at(positions[0]) },
          { position: "B", output: at(positions[1]) },
        ],
      },
    },
  };
}

/** Whether reviewers of this item see the model's prediction (the defaults when the arm is gone). */
export function showsPrediction(
  item: Pick<Public, "kind" | "arm">,
  experiment: Experiment | undefined,
): boolean {
  const policy = experiment?.arms.find((a) => a.id === item.arm)?.policy;
  return item.kind === "audit" ? (policy?.showPredictionInAudits ?? false) : (policy?.showPrediction ?? true);
}

export function reviewerView(
  item: Public,
  experiment: Experiment | undefined,
  reviewer: string,
): { review: ReviewerView; labelOrder: string[] } {
  const labelOrder = labelOrderFor(reviewer, item.labels, {
    ordered: experiment?.orderedLabels ?? false,
    seed: experiment?.hashSeed ?? item.experimentId,
  });
  // Typed feedback (corrections, rubrics, pairwise, approvals) judges the model's output itself,
  // so those items always show it; hiding applies to label verdicts.
  const judgesOutput = (item.feedback ?? []).some((f) => f.type !== "label");
  const shown = blind(item);
  if (judgesOutput || showsPrediction(item, experiment)) return { review: shown, labelOrder };
  const { prediction: _hidden, ...context } = shown.context;
  return { review: { ...shown, context, predictionHidden: true }, labelOrder };
}

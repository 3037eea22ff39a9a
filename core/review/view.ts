/**
 * What a reviewer is shown of an item, against anchoring: the model's prediction only where the
 * arm's policy shows it (`showPrediction` for held items, `showPredictionInAudits` for audits; a
 * gold item follows the queue it is served in, like any held item), and the labels in an order of
 * the reviewer's own, fixed for them, so position bias averages out across a team.
 */

import type { Prediction } from "../decisions/schema";
import type { Experiment } from "../experiments/schema";
import { labelOrderFor } from "../reviewers/label-order";
import type { publicView } from "./item";

type Public = ReturnType<typeof publicView>;

export type ReviewerView = Omit<Public, "context"> & {
  context: { item: Record<string, unknown>; routingReason: string; prediction?: Prediction };
  /** Set when the policy hides the model's prediction from reviewers of this item. */
  predictionHidden?: true;
};

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
  if (judgesOutput || showsPrediction(item, experiment)) return { review: item, labelOrder };
  const { prediction: _hidden, ...context } = item.context;
  return { review: { ...item, context, predictionHidden: true }, labelOrder };
}

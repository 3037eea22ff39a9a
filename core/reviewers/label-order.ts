/**
 * The order a reviewer sees the labels in. Position biases choices (the first option is picked more
 * often), so each reviewer gets an order of their own: across a team the bias averages out instead
 * of pushing every verdict the same way. The order stays the same for a reviewer, item after item,
 * so nobody misclicks because buttons moved. Ordered labels (a scale) keep their order.
 */

import { fnv1a32 } from "../assignment/hash";

/**
 * The experiment's labels as `reviewer` sees them: a fixed shuffle of their own (hash of seed,
 * reviewer and label), or the given order when `ordered`.
 */
export function labelOrderFor(
  reviewer: string,
  labels: readonly string[],
  options: { ordered: boolean; seed: string },
): string[] {
  if (options.ordered) return [...labels];
  const rank = (label: string) => fnv1a32(`${options.seed}#${reviewer}#${label}`);
  return [...labels].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

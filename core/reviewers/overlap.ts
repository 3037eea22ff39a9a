/**
 * Adaptive overlap: how many independent reviews an item in the multi-review share gets. The first
 * `reviewsPerItem` must agree; when they do not, one more blind review at a time, until one label
 * holds more than half of the verdicts or the cap is reached, then adjudication.
 */

export interface OverlapSettings {
  reviewsPerItem: number;
  /** Absent: `reviewsPerItem` (no extra reviews). */
  maxReviewsPerItem?: number | undefined;
}

export type ReviewStep =
  | { step: "wait"; verdicts: number; needed: number }
  | { step: "settle"; label: string }
  | { step: "add-review" }
  | { step: "adjudicate" };

/** The label holding more than half of the verdicts, if any. */
function majority(labels: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  for (const [label, count] of counts) if (count * 2 > labels.length) return label;
  return undefined;
}

/**
 * What to do after the verdicts so far (in the order they came):
 * fewer than `reviewsPerItem` → wait; the first `reviewsPerItem` unanimous → settle; otherwise, once
 * extra reviews exist, a strict majority settles; below the cap another review is added; at the cap
 * the item goes to adjudication.
 *
 * @throws RangeError for settings below 2 reviews or a cap below `reviewsPerItem`
 */
export function nextReviewStep(labels: readonly string[], settings: OverlapSettings): ReviewStep {
  const k = settings.reviewsPerItem;
  const cap = settings.maxReviewsPerItem ?? k;
  if (!Number.isInteger(k) || k < 2)
    throw new RangeError(`nextReviewStep: reviewsPerItem must be a whole number >= 2, got ${k}`);
  if (!Number.isInteger(cap) || cap < k) {
    throw new RangeError(
      `nextReviewStep: maxReviewsPerItem must be a whole number >= reviewsPerItem (${k}), got ${cap}`,
    );
  }
  if (labels.length < k) return { step: "wait", verdicts: labels.length, needed: k };
  const first = labels[0] ?? "";
  if (labels.length === k && labels.every((label) => label === first))
    return { step: "settle", label: first };
  const winner = labels.length > k ? majority(labels) : undefined;
  if (winner !== undefined) return { step: "settle", label: winner };
  return labels.length < cap ? { step: "add-review" } : { step: "adjudicate" };
}

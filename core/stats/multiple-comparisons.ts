/**
 * Adjusted p-values for families of tests (several metrics or several arms against control).
 */

function validate(fn: string, pValues: readonly number[]): number[] {
  const finite: number[] = [];
  pValues.forEach((p, i) => {
    if (Number.isNaN(p)) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`${fn}: pValues[${i}] must be in [0, 1] or NaN, got ${p}`);
    finite.push(i);
  });
  // Indices of the real p-values, in ascending order of p (stable for ties).
  return finite.sort((i, j) => (pValues[i] ?? 0) - (pValues[j] ?? 0));
}

/**
 * Holm–Bonferroni step-down adjustment (Holm 1979), controlling the family-wise error rate.
 * With the m p-values sorted ascending p(1) ≤ … ≤ p(m):
 * adj(i) = max over j ≤ i of min(1, (m − j + 1)·p(j)).
 *
 * @param pValues p-values in any order; NaN entries (inconclusive tests) are left out of the family
 *   and come back as NaN
 * @returns adjusted p-values in the input order
 * @throws RangeError for a p-value outside [0, 1]
 *
 * @example
 * ```ts
 * import { holm } from "hitl-lab/stats";
 * holm([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 */
export function holm(pValues: readonly number[]): number[] {
  const order = validate("holm", pValues);
  const m = order.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] ?? 1)));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjustment (Benjamini & Hochberg 1995), controlling the false
 * discovery rate. With the m p-values sorted ascending:
 * adj(i) = min over j ≥ i of min(1, m·p(j)/j).
 *
 * @param pValues p-values in any order; NaN entries are left out of the family and come back as NaN
 * @returns adjusted p-values (q-values) in the input order
 * @throws RangeError for a p-value outside [0, 1]
 *
 * @example
 * ```ts
 * import { benjaminiHochberg } from "hitl-lab/stats";
 * benjaminiHochberg([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 * ```
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const order = validate("benjaminiHochberg", pValues);
  const m = order.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] ?? 0;
    running = Math.min(running, ((pValues[index] ?? 1) * m) / (rank + 1));
    adjusted[index] = running;
  }
  return adjusted;
}

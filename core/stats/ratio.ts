/**
 * Ratio metrics (cost per decision, errors per audited decision): the ratio of two per-unit sums,
 * whose variance comes from the delta method.
 */

import { type FrequentistOptions, type FrequentistResult, welchTest } from "./frequentist";
import type { RatioSums } from "./moments";

/**
 * Fixed-horizon test of a ratio metric R = Σnumerator / Σdenominator between control (a) and
 * treatment (b). Each arm's per-unit variance is the delta-method
 * var(R) = vm/md² + vd·mm²/md⁴ − 2·cov·mm/md³ (mm, md: per-unit means of numerator and
 * denominator; vm, vd, cov: their sample variances and covariance), then the Welch t-test of
 * {@link frequentistTest}, absolute or relative. Ratio sums are also accepted by
 * `sequentialTest` and `bayesianTest`.
 *
 * @param a control: `{ n, sumNumerator, sumNumeratorSquares, sumDenominator,
 *   sumDenominatorSquares, sumCross }`
 * @param b treatment, same shape
 * @param options `relative` (default false), `alpha` (default 0.05)
 * @returns `{ expected, ci, stddev, pValue }`; `reason: "zero-denominator"` when an arm's
 *   denominator sums to 0, plus the other inconclusive cases of {@link frequentistTest}
 * @throws RangeError on negative counts or squares, or non-finite sums
 *
 * @example
 * ```ts
 * import { ratioTest } from "hitl-lab/stats";
 * // cost (numerator, USD) per decision (denominator) for units that are review sessions
 * const control = {
 *   n: 400, sumNumerator: 52, sumNumeratorSquares: 9.1,
 *   sumDenominator: 1200, sumDenominatorSquares: 4100, sumCross: 170,
 * };
 * const treatment = {
 *   n: 410, sumNumerator: 41, sumNumeratorSquares: 6.0,
 *   sumDenominator: 1260, sumDenominatorSquares: 4300, sumCross: 139,
 * };
 * const r = ratioTest(control, treatment, { relative: true });
 * ```
 */
export function ratioTest(a: RatioSums, b: RatioSums, options: FrequentistOptions = {}): FrequentistResult {
  if (!("sumNumerator" in a) || !("sumNumerator" in b)) {
    throw new RangeError("ratioTest: both arms need ratio sums (sumNumerator, sumDenominator, ...)");
  }
  return welchTest(a, b, options, "ratioTest");
}

/**
 * Fixed-horizon two-sided Welch t-test, with the semantics of GrowthBook's gbstats TwoSidedTTest.
 */

import { studentTCdf, studentTQuantile } from "./distributions";
import { effect, type InconclusiveReason, type Interval } from "./effect";
import type { MetricSums } from "./moments";
import { requireOpenUnit } from "./validate";

/** Options for {@link frequentistTest}. */
export interface FrequentistOptions {
  /** Report (μb − μa)/μa instead of μb − μa. Default false. */
  relative?: boolean;
  /** Two-sided significance level; the interval has coverage 1 − alpha. Default 0.05. */
  alpha?: number;
}

/** Result of a frequentist or sequential comparison of treatment (b) against control (a). */
export interface FrequentistResult {
  /** Point estimate of the effect: μb − μa, or (μb − μa)/μa when relative. */
  expected: number;
  /** Confidence interval for the effect. */
  ci: Interval;
  /** Standard error of `expected`. */
  stddev: number;
  /** Two-sided p-value for "no effect". */
  pValue: number;
  /**
   * Set when the data cannot support a test; then `ci`, `stddev` and `pValue` are NaN and
   * `expected` is the point estimate if it exists, else NaN.
   */
  reason?: InconclusiveReason;
}

export function inconclusiveResult(expected: number, reason: InconclusiveReason): FrequentistResult {
  return { expected, ci: [Number.NaN, Number.NaN], stddev: Number.NaN, pValue: Number.NaN, reason };
}

/**
 * Fixed-horizon comparison of a treatment against a control: Welch's t-test with
 * Welch–Satterthwaite degrees of freedom, as GrowthBook's gbstats engine computes it.
 *
 * - absolute: Δ = μb − μa, Var = var_b/n_b + var_a/n_a
 * - relative: Δ = (μb − μa)/μa, Var = var_b/(n_b·μa²) + var_a·μb²/(n_a·μa⁴) (delta method)
 * - CI: Δ ± t(1 − α/2, df)·√Var; p = 2·(1 − T_df(|Δ|/√Var))
 *
 * Per-unit variances are p(1 − p) for proportions, the sample variance for means and the delta
 * method for ratios (see {@link armMoments}).
 *
 * @param a control arm: `{ n, sum }` (proportion), `{ n, sum, sumSquares }` (mean) or ratio sums
 * @param b treatment arm, the same kind of metric as `a`
 * @param options `relative` (default false), `alpha` (default 0.05)
 * @returns `{ expected, ci, stddev, pValue }`; with `reason` (and NaN statistics) when an arm has
 *   fewer than 2 units, both variances are 0, a ratio denominator is 0, or a relative effect is
 *   asked for with control mean 0
 * @throws RangeError on invalid input (negative counts, successes > n, alpha outside (0, 1),
 *   arms of different metric kinds)
 *
 * @example
 * ```ts
 * import { frequentistTest } from "hitl-lab/stats";
 * const r = frequentistTest({ n: 1000, sum: 100 }, { n: 1000, sum: 130 });
 * // r.expected = 0.03, r.pValue ≈ 0.035
 * ```
 */
export function frequentistTest(
  a: MetricSums,
  b: MetricSums,
  options: FrequentistOptions = {},
): FrequentistResult {
  return welchTest(a, b, options, "frequentistTest");
}

export function welchTest(
  a: MetricSums,
  b: MetricSums,
  options: FrequentistOptions,
  fn: string,
): FrequentistResult {
  const { relative = false, alpha = 0.05 } = options;
  requireOpenUnit(fn, "alpha", alpha);
  const e = effect(a, b, relative, fn);
  if (e.reason) return inconclusiveResult(e.estimate, e.reason);
  const stddev = Math.sqrt(e.variance);
  const halfWidth = studentTQuantile(1 - alpha / 2, e.df) * stddev;
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(e.estimate) / stddev, e.df));
  return { expected: e.estimate, ci: [e.estimate - halfWidth, e.estimate + halfWidth], stddev, pValue };
}

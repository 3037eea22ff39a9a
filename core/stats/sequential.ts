/**
 * Always-valid (sequential) comparison: asymptotic confidence sequences of Waudby-Smith, Pace,
 * Ramdas et al., "Time-uniform central limit theory and asymptotic confidence sequences",
 * arXiv:2103.06476 (eq. 9 for the interval, the matching mixture e-value for the p-value), with the
 * parameterisation GrowthBook's gbstats uses.
 */

import { studentTCdf, studentTQuantile } from "./distributions";
import { type Effect, effect } from "./effect";
import { type FrequentistResult, inconclusiveResult } from "./frequentist";
import type { MetricSums } from "./moments";
import { requireOpenUnit, requirePositive } from "./validate";

/** Options for {@link sequentialTest}. */
export interface SequentialOptions {
  /** Report (μb − μa)/μa instead of μb − μa. Default false. */
  relative?: boolean;
  /** Significance level, valid uniformly over every look at the data. Default 0.05. */
  alpha?: number;
  /** Tuning N*: the total sample size at which the sequence is tightest. Default 5000. */
  tuning?: number;
}

/** Mixing parameter ρ for tuning N* (arXiv:2103.06476 eq. 161, as in gbstats). */
export function sequentialRho(alpha: number, tuning: number): number {
  const logAlpha = Math.log(alpha);
  return Math.sqrt((-2 * logAlpha + Math.log(1 - 2 * logAlpha)) / tuning);
}

/**
 * Half-width of the two-sided confidence sequence: with s² = Var·n (per-unit variance of the
 * two-sample estimate) and n = n_a + n_b,
 * √s² · √( 2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α) ).
 */
export function sequentialHalfWidth(e: Effect, alpha: number, tuning: number): number {
  const rho2 = sequentialRho(alpha, tuning) ** 2;
  const s2 = e.variance * e.n;
  const width = ((2 * (e.n * rho2 + 1)) / (e.n * e.n * rho2)) * Math.log(Math.sqrt(e.n * rho2 + 1) / alpha);
  return Math.sqrt(s2 * width);
}

/**
 * Always-valid p-value for "effect = testValue": the reciprocal of the Gaussian-mixture e-value,
 * capped at 1. It is below α exactly when the confidence sequence excludes `testValue`.
 */
export function sequentialPValue(e: Effect, alpha: number, tuning: number, testValue = 0): number {
  const rho2 = sequentialRho(alpha, tuning) ** 2;
  const st2 = ((e.estimate - testValue) ** 2 * e.n) / e.variance;
  const tr2p1 = e.n * rho2 + 1;
  // Logs avoid overflow of the e-value for very strong effects.
  const logEValue = (rho2 * st2) / (2 * tr2p1) - 0.5 * Math.log(tr2p1);
  return logEValue <= 0 ? 1 : Math.exp(-logEValue);
}

/**
 * Sequential comparison that stays valid however often you look (daily dashboards): the same
 * effect and standard error as {@link frequentistTest}, with an asymptotic confidence sequence
 * (Waudby-Smith et al., arXiv:2103.06476) in place of the t interval, as gbstats does it.
 *
 * ρ = √((−2 ln α + ln(1 − 2 ln α)) / N*), n = n_a + n_b, s² = Var·n;
 * CI = Δ ± √s² · √(2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α));
 * p = min(1, √(nρ² + 1) · exp(−ρ²·n·Δ²/Var / (2(nρ² + 1)))).
 *
 * One guard beyond gbstats: the interval is never narrower, and the p-value never smaller, than
 * {@link frequentistTest}'s on the same data. The sequence is asymptotic, so with few or very
 * unbalanced units (small Welch df) it can otherwise be narrower than the t interval.
 *
 * @param a control arm (proportion, mean or ratio sums)
 * @param b treatment arm, the same kind of metric as `a`
 * @param options `relative` (default false), `alpha` (default 0.05), `tuning` N* (default 5000)
 * @returns `{ expected, ci, stddev, pValue }`, with `reason` and NaN statistics when inconclusive
 *   (same cases as {@link frequentistTest})
 * @throws RangeError on invalid input, alpha outside (0, 1) or tuning ≤ 0
 *
 * @example
 * ```ts
 * import { sequentialTest } from "hitl-lab/stats";
 * const r = sequentialTest({ n: 5000, sum: 500 }, { n: 5000, sum: 600 }, { tuning: 10000 });
 * // r.ci is wider than frequentistTest's, but may be checked every day
 * ```
 */
export function sequentialTest(
  a: MetricSums,
  b: MetricSums,
  options: SequentialOptions = {},
): FrequentistResult {
  const { relative = false, alpha = 0.05, tuning = 5000 } = options;
  requireOpenUnit("sequentialTest", "alpha", alpha);
  requirePositive("sequentialTest", "tuning", tuning);
  const e = effect(a, b, relative, "sequentialTest");
  if (e.reason) return inconclusiveResult(e.estimate, e.reason);
  const stddev = Math.sqrt(e.variance);
  // The sequence is asymptotic (normal); with few or very unbalanced units Welch's t interval can be
  // wider, and looking repeatedly must never buy precision, so never report less than the t test.
  const halfWidth = Math.max(
    sequentialHalfWidth(e, alpha, tuning),
    studentTQuantile(1 - alpha / 2, e.df) * stddev,
  );
  const fixedP = 2 * studentTCdf(-Math.abs(e.estimate) / stddev, e.df);
  return {
    expected: e.estimate,
    ci: [e.estimate - halfWidth, e.estimate + halfWidth],
    stddev,
    pValue: Math.min(1, Math.max(sequentialPValue(e, alpha, tuning), fixedP)),
  };
}

/**
 * Per-arm means and per-unit variances from the sufficient statistics a warehouse query returns,
 * with the conventions of GrowthBook's gbstats: proportions use p(1 − p), means use the sample
 * variance (n − 1), ratios use the delta method.
 */

import { requireFinite, requireNonNegative } from "./validate";

/** A proportion metric: `sum` is the number of successes among `n` units. */
export interface ProportionSums {
  n: number;
  sum: number;
}

/** A mean metric: sum and sum of squares of a per-unit value over `n` units. */
export interface MeanSums {
  n: number;
  sum: number;
  sumSquares: number;
}

/** A ratio metric (for example cost per decision): per-unit numerator and denominator sums. */
export interface RatioSums {
  n: number;
  sumNumerator: number;
  sumNumeratorSquares: number;
  sumDenominator: number;
  sumDenominatorSquares: number;
  /** Σ numerator·denominator over units. */
  sumCross: number;
}

/** Any metric the tests accept. */
export type MetricSums = ProportionSums | MeanSums | RatioSums;

/** Mean of the metric and the variance of one unit's contribution (divide by n for the mean's variance). */
export interface ArmMoments {
  n: number;
  mean: number;
  variance: number;
}

export function isRatioSums(sums: MetricSums): sums is RatioSums {
  return "sumNumerator" in sums;
}

export function isMeanSums(sums: MetricSums): sums is MeanSums {
  return "sumSquares" in sums;
}

// Rounding can push a variance of (near) constant data a hair below zero.
function sampleVariance(sum: number, sumSquares: number, n: number): number {
  if (n < 2) return Number.NaN;
  return Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1));
}

function sampleCovariance(sumX: number, sumY: number, sumXY: number, n: number): number {
  if (n < 2) return Number.NaN;
  return (sumXY - (sumX * sumY) / n) / (n - 1);
}

/**
 * Mean and per-unit variance of one arm.
 *
 * - proportion `{ n, sum }`: mean p = sum/n, variance p(1 − p); requires 0 ≤ sum ≤ n.
 * - mean `{ n, sum, sumSquares }`: sample mean and sample variance (n − 1 denominator).
 * - ratio: R = mean numerator / mean denominator, variance by the delta method
 *   vm/md² + vd·mm²/md⁴ − 2·cov·mm/md³ (per unit).
 *
 * Undefined quantities come back as NaN (n = 0; n < 2 for sample variances; denominator mean 0).
 *
 * @throws RangeError for negative or non-finite inputs, or successes outside [0, n].
 *
 * @example
 * ```ts
 * import { armMoments } from "hitl-lab/stats";
 * armMoments({ n: 5, sum: 15, sumSquares: 55 }); // { n: 5, mean: 3, variance: 2.5 }
 * ```
 */
export function armMoments(sums: MetricSums, fn = "armMoments"): ArmMoments {
  const { n } = sums;
  requireNonNegative(fn, "n", n);
  if (isRatioSums(sums)) {
    requireFinite(fn, "sumNumerator", sums.sumNumerator);
    requireFinite(fn, "sumDenominator", sums.sumDenominator);
    requireFinite(fn, "sumCross", sums.sumCross);
    requireNonNegative(fn, "sumNumeratorSquares", sums.sumNumeratorSquares);
    requireNonNegative(fn, "sumDenominatorSquares", sums.sumDenominatorSquares);
    if (n === 0 || sums.sumDenominator === 0) return { n, mean: Number.NaN, variance: Number.NaN };
    const mm = sums.sumNumerator / n;
    const md = sums.sumDenominator / n;
    const vm = sampleVariance(sums.sumNumerator, sums.sumNumeratorSquares, n);
    const vd = sampleVariance(sums.sumDenominator, sums.sumDenominatorSquares, n);
    const cov = sampleCovariance(sums.sumNumerator, sums.sumDenominator, sums.sumCross, n);
    const variance = vm / md ** 2 + (vd * mm ** 2) / md ** 4 - (2 * cov * mm) / md ** 3;
    return { n, mean: mm / md, variance: Math.max(0, variance) };
  }
  requireFinite(fn, "sum", sums.sum);
  if (isMeanSums(sums)) {
    requireNonNegative(fn, "sumSquares", sums.sumSquares);
    if (n === 0) return { n, mean: Number.NaN, variance: Number.NaN };
    return { n, mean: sums.sum / n, variance: sampleVariance(sums.sum, sums.sumSquares, n) };
  }
  if (sums.sum < 0 || sums.sum > n) {
    throw new RangeError(
      `${fn}: a proportion needs 0 <= sum <= n (got sum ${sums.sum}, n ${n}); ` +
        "pass sumSquares for a mean metric",
    );
  }
  if (n === 0) return { n, mean: Number.NaN, variance: Number.NaN };
  const p = sums.sum / n;
  return { n, mean: p, variance: p * (1 - p) };
}

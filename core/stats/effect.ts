/**
 * The treatment effect shared by the frequentist, sequential, Bayesian and non-inferiority tests:
 * absolute (μb − μa) or relative ((μb − μa)/μa, delta method), its variance and Welch–Satterthwaite
 * degrees of freedom, exactly as gbstats' TTest computes them.
 */

import { type ArmMoments, armMoments, type MetricSums } from "./moments";

/** Why a test could not be computed from otherwise valid data. */
export type InconclusiveReason =
  /** An arm has fewer than 2 units. */
  | "too-few-units"
  /** A ratio metric's denominator sums to 0 in an arm. */
  | "zero-denominator"
  /** A relative effect was asked for but the control mean is 0. */
  | "zero-control-mean"
  /** Both arms have zero variance, so there is no noise estimate. */
  | "zero-variance";

/** `[lower, upper]`; a one-sided interval has an infinite end. */
export type Interval = [lower: number, upper: number];

export interface Effect {
  estimate: number;
  /** Variance of the estimate (already divided by n). */
  variance: number;
  df: number;
  /** Total units, n_a + n_b (the sequential test's n). */
  n: number;
  reason?: InconclusiveReason;
}

function welchDf(a: ArmMoments, b: ArmMoments): number {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  return (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
}

export function effectFromMoments(a: ArmMoments, b: ArmMoments, relative: boolean): Effect {
  const n = a.n + b.n;
  const absolute = b.mean - a.mean;
  const estimate = relative ? absolute / a.mean : absolute;
  const inconclusive = (reason: InconclusiveReason, value = estimate): Effect => ({
    estimate: Number.isFinite(value) ? value : Number.NaN,
    variance: Number.NaN,
    df: Number.NaN,
    n,
    reason,
  });
  if (a.n < 2 || b.n < 2) return inconclusive("too-few-units");
  if (!Number.isFinite(a.mean) || !Number.isFinite(b.mean)) return inconclusive("zero-denominator");
  if (relative && a.mean === 0) return inconclusive("zero-control-mean", Number.NaN);
  const variance = relative
    ? b.variance / (b.n * a.mean ** 2) + (a.variance * b.mean ** 2) / (a.n * a.mean ** 4)
    : b.variance / b.n + a.variance / a.n;
  if (!(variance > 0)) return inconclusive("zero-variance");
  return { estimate, variance, df: welchDf(a, b), n };
}

export function effect(a: MetricSums, b: MetricSums, relative: boolean, fn: string): Effect {
  const isRatioA = "sumNumerator" in a;
  const isMeanA = "sumSquares" in a;
  if (isRatioA !== "sumNumerator" in b || isMeanA !== "sumSquares" in b) {
    throw new RangeError(
      `${fn}: control and treatment must be the same kind of metric (proportion, mean or ratio)`,
    );
  }
  return effectFromMoments(armMoments(a, fn), armMoments(b, fn), relative);
}

/**
 * One-sided non-inferiority test for guardrails ("quality must not drop by more than the margin"),
 * with the margin a fraction of the control mean: on the relative scale (delta method, as gbstats),
 * or as Spotify's confidence library does it (the absolute difference, the margin times the control
 * mean, a z-test).
 */

import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from "./distributions";
import { effect, type InconclusiveReason, type Interval } from "./effect";
import { armMoments, type MetricSums } from "./moments";
import { sequentialHalfWidth, sequentialPValue } from "./sequential";
import { requireNonNegative, requireOpenUnit, requirePositive } from "./validate";

/** Options for {@link nonInferiorityTest}. */
export interface NonInferiorityOptions {
  /** Largest acceptable loss, as a fraction of the control mean (0.01 = 1 % of control). */
  margin: number;
  /** Which way is better: "increase" (quality, higher is better) or "decrease" (error rate, cost). */
  direction: "increase" | "decrease";
  /** One-sided significance level. Default 0.05. */
  alpha?: number;
  /** Use the always-valid confidence sequence (safe to check daily). Default false. */
  sequential?: boolean;
  /** Tuning N* of the confidence sequence when `sequential`. Default 5000. */
  tuning?: number;
  /**
   * "relative" (default): the relative difference (μt − μc)/μc with its delta-method variance and
   * Welch's t (gbstats). "spotify": the absolute difference μt − μc, tested against the margin times
   * the control mean with a z-test, as Spotify's confidence library (`spotify_confidence`) does for
   * a relative non-inferiority margin.
   */
  convention?: "relative" | "spotify";
}

/** Result of {@link nonInferiorityTest}. */
export interface NonInferiorityResult {
  /** (μt − μc)/μc ("relative"), or μt − μc ("spotify"). */
  diff: number;
  /** Where "worse by the margin" begins, on the scale of `diff`: ∓margin, or ∓margin·μc ("spotify"). */
  boundary: number;
  /** One-sided 1 − alpha interval: `[lower, Infinity]` ("increase") or `[-Infinity, upper]` ("decrease"). */
  ci: Interval;
  /** One-sided p-value for "treatment is worse than control by the margin or more". */
  pValue: number;
  /** pValue < alpha: the treatment is shown to be no worse than the margin. */
  nonInferior: boolean;
  /** Set when inconclusive; then `ci` and `pValue` are NaN and `nonInferior` is false. */
  reason?: InconclusiveReason;
}

/**
 * One-sided non-inferiority test of a treatment against a control, with the margin relative to
 * the control mean. By default, with Δ = (μt − μc)/μc and its delta-method variance (as in
 * {@link frequentistTest} with `relative: true`) and m = margin:
 *
 * - "increase" (higher is better): H0 Δ ≤ −m vs H1 Δ > −m; p = 1 − T_df((Δ + m)/σ);
 *   ci = [Δ − t(1 − α, df)·σ, ∞)
 * - "decrease" (lower is better): H0 Δ ≥ m vs H1 Δ < m; p = T_df((Δ − m)/σ);
 *   ci = (−∞, Δ + t(1 − α, df)·σ]
 *
 * This is gbstats' one-sided t-test with test value ∓m.
 *
 * `convention: "spotify"` matches Spotify's confidence library instead: Δ = μt − μc (absolute),
 * σ² = var_t/n_t + var_c/n_c, boundary b = ∓m·μc (the relative margin converted by the control
 * mean), z = (Δ − b)/σ, p = 1 − Φ(z) ("increase") or Φ(z) ("decrease"), and the one-sided interval
 * [Δ − z(1 − α)·σ, ∞) or (−∞, Δ + z(1 − α)·σ]. The two agree to first order; they differ in the
 * scale of `diff` and `ci`, the use of t or z, and in how the control mean's own noise enters.
 *
 * With `sequential: true` the bound comes
 * from the two-sided confidence sequence at level α (conservative for a one-sided claim, valid at
 * every look), and the p-value is the sequential p-value at ∓m (1 when Δ is on the wrong side);
 * neither is ever less conservative than the fixed-horizon test on the same data.
 *
 * @param control control arm (proportion, mean or ratio sums)
 * @param treatment treatment arm, same kind of metric
 * @param options `margin` (≥ 0, fraction of the control mean), `direction`, `alpha` (default 0.05),
 *   `sequential` (default false), `tuning` (default 5000), `convention` (default "relative")
 * @returns `{ diff, boundary, ci, pValue, nonInferior }`, with `reason` when inconclusive
 *   (including control mean 0 in the relative convention, where a relative margin is undefined)
 * @throws RangeError for a negative margin, an unknown direction, alpha outside (0, 1) or invalid sums
 *
 * @example
 * ```ts
 * import { nonInferiorityTest } from "hitl-lab/stats";
 * // audited quality: control 960/1000 correct, treatment 955/1000; at most 3 % relative loss
 * const r = nonInferiorityTest({ n: 1000, sum: 960 }, { n: 1000, sum: 955 }, {
 *   margin: 0.03,
 *   direction: "increase",
 * });
 * // r.nonInferior === true
 * ```
 */
export function nonInferiorityTest(
  control: MetricSums,
  treatment: MetricSums,
  options: NonInferiorityOptions,
): NonInferiorityResult {
  const fn = "nonInferiorityTest";
  const {
    margin,
    direction,
    alpha = 0.05,
    sequential = false,
    tuning = 5000,
    convention = "relative",
  } = options;
  requireNonNegative(fn, "margin", margin);
  requireOpenUnit(fn, "alpha", alpha);
  requirePositive(fn, "tuning", tuning);
  if (direction !== "increase" && direction !== "decrease") {
    throw new RangeError(`${fn}: direction must be "increase" or "decrease", got ${String(direction)}`);
  }
  if (convention !== "relative" && convention !== "spotify") {
    throw new RangeError(`${fn}: convention must be "relative" or "spotify", got ${String(convention)}`);
  }
  const spotify = convention === "spotify";
  const higherIsBetter = direction === "increase";
  const e = effect(control, treatment, !spotify, fn);
  // The boundary of "worse by the margin": −m for higher-is-better, +m for lower-is-better; in
  // Spotify's convention the relative margin is converted to the absolute scale by the control mean.
  const scale = spotify ? armMoments(control, fn).mean : 1;
  const bound = (higherIsBetter ? -margin : margin) * scale;
  if (e.reason) {
    return {
      diff: e.estimate,
      boundary: Number.isFinite(bound) ? bound : Number.NaN,
      ci: [Number.NaN, Number.NaN],
      pValue: Number.NaN,
      nonInferior: false,
      reason: e.reason,
    };
  }
  const sigma = Math.sqrt(e.variance);
  const t = (e.estimate - bound) / sigma;
  // Spotify's ZTest uses the normal distribution; gbstats' one-sided test Welch's t.
  const quantile = spotify ? normalQuantile(1 - alpha) : studentTQuantile(1 - alpha, e.df);
  const lowerTail = (x: number) => (spotify ? normalCdf(x) : studentTCdf(x, e.df));
  let halfWidth = quantile * sigma;
  let pValue = higherIsBetter ? lowerTail(-t) : lowerTail(t);
  if (sequential) {
    // Never claim more than the fixed-horizon test would (same guard as sequentialTest).
    halfWidth = Math.max(halfWidth, sequentialHalfWidth(e, alpha, tuning));
    const onGoodSide = higherIsBetter ? e.estimate > bound : e.estimate < bound;
    pValue = Math.max(pValue, onGoodSide ? sequentialPValue(e, alpha, tuning, bound) : 1);
  }
  const ci: Interval = higherIsBetter
    ? [e.estimate - halfWidth, Number.POSITIVE_INFINITY]
    : [Number.NEGATIVE_INFINITY, e.estimate + halfWidth];
  return { diff: e.estimate, boundary: bound, ci, pValue, nonInferior: pValue < alpha };
}

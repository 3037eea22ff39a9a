/**
 * One-sided non-inferiority test for guardrails ("quality must not drop by more than the margin"),
 * on the relative scale so the margin is a fraction of the control mean.
 */

import { studentTCdf, studentTQuantile } from "./distributions";
import { effect, type InconclusiveReason, type Interval } from "./effect";
import type { MetricSums } from "./moments";
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
}

/** Result of {@link nonInferiorityTest}. */
export interface NonInferiorityResult {
  /** Relative difference (μt − μc)/μc, on the same scale as the margin. */
  diff: number;
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
 * the control mean. With Δ = (μt − μc)/μc and its delta-method variance (as in
 * {@link frequentistTest} with `relative: true`) and m = margin:
 *
 * - "increase" (higher is better): H0 Δ ≤ −m vs H1 Δ > −m; p = 1 − T_df((Δ + m)/σ);
 *   ci = [Δ − t(1 − α, df)·σ, ∞)
 * - "decrease" (lower is better): H0 Δ ≥ m vs H1 Δ < m; p = T_df((Δ − m)/σ);
 *   ci = (−∞, Δ + t(1 − α, df)·σ]
 *
 * This is gbstats' one-sided t-test with test value ∓m. With `sequential: true` the bound comes
 * from the two-sided confidence sequence at level α (conservative for a one-sided claim, valid at
 * every look), and the p-value is the sequential p-value at ∓m (1 when Δ is on the wrong side);
 * neither is ever less conservative than the fixed-horizon test on the same data.
 *
 * @param control control arm (proportion, mean or ratio sums)
 * @param treatment treatment arm, same kind of metric
 * @param options `margin` (≥ 0, fraction of the control mean), `direction`, `alpha` (default 0.05),
 *   `sequential` (default false), `tuning` (default 5000)
 * @returns `{ diff, ci, pValue, nonInferior }`, with `reason` when inconclusive
 *   (including control mean 0, where a relative margin is undefined)
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
  const { margin, direction, alpha = 0.05, sequential = false, tuning = 5000 } = options;
  requireNonNegative(fn, "margin", margin);
  requireOpenUnit(fn, "alpha", alpha);
  requirePositive(fn, "tuning", tuning);
  if (direction !== "increase" && direction !== "decrease") {
    throw new RangeError(`${fn}: direction must be "increase" or "decrease", got ${String(direction)}`);
  }
  const e = effect(control, treatment, true, fn);
  if (e.reason) {
    return {
      diff: e.estimate,
      ci: [Number.NaN, Number.NaN],
      pValue: Number.NaN,
      nonInferior: false,
      reason: e.reason,
    };
  }
  const higherIsBetter = direction === "increase";
  // The boundary of "worse by the margin": −m for higher-is-better, +m for lower-is-better.
  const bound = higherIsBetter ? -margin : margin;
  const sigma = Math.sqrt(e.variance);
  const t = (e.estimate - bound) / sigma;
  let halfWidth = studentTQuantile(1 - alpha, e.df) * sigma;
  let pValue = higherIsBetter ? studentTCdf(-t, e.df) : studentTCdf(t, e.df);
  if (sequential) {
    // Never claim more than the fixed-horizon test would (same guard as sequentialTest).
    halfWidth = Math.max(halfWidth, sequentialHalfWidth(e, alpha, tuning));
    const onGoodSide = higherIsBetter ? e.estimate > bound : e.estimate < bound;
    pValue = Math.max(pValue, onGoodSide ? sequentialPValue(e, alpha, tuning, bound) : 1);
  }
  const ci: Interval = higherIsBetter
    ? [e.estimate - halfWidth, Number.POSITIVE_INFINITY]
    : [Number.NEGATIVE_INFINITY, e.estimate + halfWidth];
  return { diff: e.estimate, ci, pValue, nonInferior: pValue < alpha };
}

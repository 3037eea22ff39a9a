/**
 * Differences of two rates that stay inside what a difference of rates can be (±1): Newcombe's
 * hybrid score interval (1998, method 10) and its generalisation to any two quantities with
 * interval estimates, the method of variance estimates recovery (MOVER, Zou & Donner 2008). For
 * small samples, where the Welch interval of a rate difference can run past ±100 pp.
 */

import type { Interval } from "./effect";
import { wilson } from "./proportions";
import { requireOpenUnit } from "./validate";

/** One arm of a score-interval comparison: a point estimate and its interval at any confidence. */
export interface ScoreArm {
  estimate: number;
  /** Two-sided interval at `confidence`; must contain `estimate` and narrow as confidence falls. */
  interval(confidence: number): Interval;
}

/** A rate's arm with the Wilson score interval: `successes` of `n`. */
export function wilsonArm(successes: number, n: number): ScoreArm {
  return { estimate: successes / n, interval: (confidence) => wilson(successes, n, confidence) };
}

/**
 * MOVER interval of b − a from each arm's interval (Zou & Donner 2008): with (lₐ, uₐ), (l_b, u_b)
 * the arms' intervals at the same confidence and D = b − a,
 *
 *   L = D − √((b − l_b)² + (uₐ − a)²),   U = D + √((u_b − b)² + (a − lₐ)²).
 *
 * With Wilson intervals this is Newcombe's hybrid score interval. Since √(x² + y²) ≤ x + y, the ends
 * never pass l_b − uₐ or u_b − lₐ: a difference of two rates stays within ±1.
 */
export function moverInterval(a: ScoreArm, b: ScoreArm, confidence = 0.95): Interval {
  requireOpenUnit("moverInterval", "confidence", confidence);
  const [la, ua] = a.interval(confidence);
  const [lb, ub] = b.interval(confidence);
  const d = b.estimate - a.estimate;
  return [d - Math.hypot(b.estimate - lb, ua - a.estimate), d + Math.hypot(ub - b.estimate, a.estimate - la)];
}

/**
 * Newcombe's (1998) hybrid score interval for the difference of two proportions,
 * xb/nb − xa/na, from the two Wilson score intervals.
 *
 * @throws RangeError for counts Wilson rejects, an empty arm, or confidence outside (0, 1)
 * @example newcombe(56, 70, 48, 80); // 0.6 − 0.8 = −0.2, interval ≈ [−0.3339, −0.0524] (Newcombe 1998, Table II)
 */
export function newcombe(xa: number, na: number, xb: number, nb: number, confidence = 0.95): Interval {
  if (!(na > 0) || !(nb > 0)) throw new RangeError(`newcombe: both arms need n > 0, got ${na} and ${nb}`);
  return moverInterval(wilsonArm(xa, na), wilsonArm(xb, nb), confidence);
}

/** Result of {@link scoreDifferenceTest}. */
export interface ScoreDifferenceResult {
  /** b − a. */
  expected: number;
  ci: Interval;
  /** The smallest α at which the 1 − α interval excludes 0 (so p < α exactly when it does). */
  pValue: number;
}

/**
 * The MOVER (Newcombe) comparison of two arms: the interval at 1 − alpha, and the p-value that
 * goes with it, found by bisection as the α where an end of the interval touches 0.
 *
 * @throws RangeError for alpha outside (0, 1)
 */
export function scoreDifferenceTest(a: ScoreArm, b: ScoreArm, alpha = 0.05): ScoreDifferenceResult {
  requireOpenUnit("scoreDifferenceTest", "alpha", alpha);
  const expected = b.estimate - a.estimate;
  const ci = moverInterval(a, b, 1 - alpha);
  if (expected === 0) return { expected, ci, pValue: 1 };
  const excludesZero = (level: number) => {
    const [lower, upper] = moverInterval(a, b, 1 - level);
    return lower > 0 || upper < 0;
  };
  // The interval shrinks as α grows: find where it stops containing 0, on a log scale.
  if (!excludesZero(1 - 1e-12)) return { expected, ci, pValue: 1 };
  if (excludesZero(1e-15)) return { expected, ci, pValue: 1e-15 };
  let lo = Math.log(1e-15);
  let hi = Math.log(1 - 1e-12);
  for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (excludesZero(Math.exp(mid))) hi = mid;
    else lo = mid;
  }
  return { expected, ci, pValue: Math.exp(hi) };
}

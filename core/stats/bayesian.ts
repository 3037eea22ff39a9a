/**
 * Bayesian comparison with a flat (improper) prior on the effect: the posterior of the effect is
 * Normal(Δ, Var) with the same Δ and Var as the frequentist test, as in gbstats' EffectBayesianABTest
 * when the prior is not proper.
 */

import { normalCdf, normalPdf, normalQuantile } from "./distributions";
import { effect, type InconclusiveReason, type Interval } from "./effect";
import type { MetricSums } from "./moments";
import { requireOpenUnit } from "./validate";

/** Options for {@link bayesianTest}. */
export interface BayesianOptions {
  /** Report (μb − μa)/μa instead of μb − μa. Default false. */
  relative?: boolean;
  /** The credible interval has probability 1 − alpha. Default 0.05. */
  alpha?: number;
}

/** Result of {@link bayesianTest}. */
export interface BayesianResult {
  /** Posterior mean of the effect. */
  expected: number;
  /** Equal-tailed credible interval. */
  ci: Interval;
  /** Posterior standard deviation. */
  stddev: number;
  /** Posterior probability that the effect is > 0 (treatment beats control when higher is better). */
  chanceToWin: number;
  /**
   * Expected loss, in the effect's units: `[riskControl, riskTreatment]`, where riskControl =
   * E[max(Δ, 0)] (what shipping control gives up) and riskTreatment = E[max(−Δ, 0)].
   */
  risk: [riskControl: number, riskTreatment: number];
  /** Set when inconclusive; then every field but `expected` is NaN. */
  reason?: InconclusiveReason;
}

/**
 * Bayesian A/B comparison with a flat prior on the effect. The posterior is Normal(Δ, Var) with Δ
 * and Var as in {@link frequentistTest} (absolute or relative by the delta method).
 *
 * chanceToWin = Φ(Δ/σ); ci = Δ ± Φ⁻¹(1 − α/2)·σ;
 * risk = [E max(Δ, 0), E max(−Δ, 0)] = [Δ·Φ(Δ/σ) + σ·φ(Δ/σ), −Δ·Φ(−Δ/σ) + σ·φ(Δ/σ)]
 * (gbstats' get_risk in closed form).
 *
 * @param a control arm (proportion, mean or ratio sums)
 * @param b treatment arm, the same kind of metric as `a`
 * @param options `relative` (default false), `alpha` for the credible interval (default 0.05)
 * @returns `{ expected, ci, stddev, chanceToWin, risk }`; with `reason` and NaN fields when inconclusive
 * @throws RangeError on invalid input
 *
 * @example
 * ```ts
 * import { bayesianTest } from "hitl-lab/stats";
 * const r = bayesianTest({ n: 1000, sum: 100 }, { n: 1000, sum: 130 });
 * // r.chanceToWin ≈ 0.98
 * ```
 */
export function bayesianTest(a: MetricSums, b: MetricSums, options: BayesianOptions = {}): BayesianResult {
  const { relative = false, alpha = 0.05 } = options;
  requireOpenUnit("bayesianTest", "alpha", alpha);
  const e = effect(a, b, relative, "bayesianTest");
  if (e.reason) {
    return {
      expected: e.estimate,
      ci: [Number.NaN, Number.NaN],
      stddev: Number.NaN,
      chanceToWin: Number.NaN,
      risk: [Number.NaN, Number.NaN],
      reason: e.reason,
    };
  }
  const mu = e.estimate;
  const sigma = Math.sqrt(e.variance);
  const z = mu / sigma;
  const halfWidth = normalQuantile(1 - alpha / 2) * sigma;
  const density = sigma * normalPdf(z);
  return {
    expected: mu,
    ci: [mu - halfWidth, mu + halfWidth],
    stddev: sigma,
    chanceToWin: normalCdf(z),
    risk: [Math.max(0, mu * normalCdf(z) + density), Math.max(0, -mu * normalCdf(-z) + density)],
  };
}

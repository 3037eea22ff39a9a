/**
 * Sample-ratio mismatch: are units split across arms as configured?
 */

import { chiSquareSf } from "./distributions";
import { requireNonNegative } from "./validate";

/** p-value below which {@link srm} flags a mismatch (GrowthBook's and Optimizely's threshold). */
export const SRM_THRESHOLD = 0.001;

/** Result of {@link srm}. */
export interface SrmResult {
  /** Pearson's χ² statistic. */
  chiSquare: number;
  /** P(χ²_df ≥ chiSquare), df = arms with positive weight − 1. */
  pValue: number;
  /** pValue < 0.001: the split is very unlikely under the configured weights. */
  mismatch: boolean;
}

/**
 * Pearson's chi-square goodness-of-fit test of observed unit counts per arm against the configured
 * traffic weights: χ² = Σ (O_i − E_i)²/E_i with E_i = N·w_i/Σw, df = k − 1, flagged when p < 0.001.
 *
 * Arms with weight 0 are left out of the test when they have no units; units in an arm with weight 0
 * are a mismatch by definition (χ² = ∞, p = 0). No units at all gives χ² = 0, p = 1.
 *
 * @param counts units observed per arm
 * @param weights configured weights per arm (any positive scale: [1, 1] or [0.5, 0.5])
 * @returns `{ chiSquare, pValue, mismatch }`
 * @throws RangeError when lengths differ, there are fewer than 2 arms, a count or weight is
 *   negative or not finite, or all weights are 0
 *
 * @example
 * ```ts
 * import { srm } from "hitl-lab/stats";
 * srm([821588, 815482], [0.5, 0.5]); // { chiSquare ≈ 22.77, pValue ≈ 1.8e-6, mismatch: true }
 * ```
 */
export function srm(counts: readonly number[], weights: readonly number[]): SrmResult {
  if (counts.length !== weights.length) {
    throw new RangeError(
      `srm: counts (${counts.length}) and weights (${weights.length}) must have the same length`,
    );
  }
  if (counts.length < 2) throw new RangeError("srm: needs at least 2 arms");
  for (let i = 0; i < counts.length; i++) {
    requireNonNegative("srm", `counts[${i}]`, counts[i] ?? Number.NaN);
    requireNonNegative("srm", `weights[${i}]`, weights[i] ?? Number.NaN);
  }
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  if (totalWeight === 0) throw new RangeError("srm: at least one weight must be > 0");
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return { chiSquare: 0, pValue: 1, mismatch: false };
  let chiSquare = 0;
  let arms = 0;
  for (let i = 0; i < counts.length; i++) {
    const observed = counts[i] ?? 0;
    const weight = weights[i] ?? 0;
    if (weight === 0) {
      if (observed > 0) return { chiSquare: Number.POSITIVE_INFINITY, pValue: 0, mismatch: true };
      continue;
    }
    const expected = (total * weight) / totalWeight;
    chiSquare += (observed - expected) ** 2 / expected;
    arms++;
  }
  // A single arm with positive weight cannot mismatch.
  const pValue = arms < 2 ? 1 : chiSquareSf(chiSquare, arms - 1);
  return { chiSquare, pValue, mismatch: pValue < SRM_THRESHOLD };
}

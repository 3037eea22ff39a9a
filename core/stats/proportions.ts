/**
 * Single proportions and the classic pooled two-proportion test.
 */

import { normalCdf, normalQuantile } from "./distributions";
import { requireNonNegative, requireOpenUnit } from "./validate";

function requireCount(fn: string, successes: number, n: number, names: [string, string]): void {
  requireNonNegative(fn, names[1], n);
  requireNonNegative(fn, names[0], successes);
  if (successes > n)
    throw new RangeError(`${fn}: ${names[0]} (${successes}) must not exceed ${names[1]} (${n})`);
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927): the interval of p whose score test
 * does not reject at 1 − confidence. With p̂ = successes/n and z = Φ⁻¹(1 − (1 − confidence)/2):
 * (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n). Unlike p̂ ± z·SE it stays inside [0, 1]
 * and behaves at 0 and n successes.
 *
 * @param successes number of successes, 0 ≤ successes ≤ n
 * @param n number of trials; n = 0 gives [0, 1] (no information)
 * @param confidence coverage, strictly between 0 and 1 (default 0.95)
 * @returns `[lower, upper]`, both within [0, 1]
 * @throws RangeError for negative counts, successes > n or confidence outside (0, 1)
 *
 * @example
 * ```ts
 * import { wilson } from "hitl-lab/stats";
 * wilson(81, 263); // ≈ [0.2553, 0.3662]
 * ```
 */
export function wilson(successes: number, n: number, confidence = 0.95): [lower: number, upper: number] {
  requireCount("wilson", successes, n, ["successes", "n"]);
  requireOpenUnit("wilson", "confidence", confidence);
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const z2 = z * z;
  const p = successes / n;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // Exact at 0 and n successes; clamping only removes rounding noise.
  return [
    successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    successes === n ? 1 : Math.min(1, centre + halfWidth),
  ];
}

/**
 * Two-sided z-test for the difference of two proportions with the pooled standard error:
 * p = (x1 + x2)/(n1 + n2), z = (x1/n1 − x2/n2) / √(p(1 − p)(1/n1 + 1/n2)), p-value = 2·(1 − Φ(|z|)).
 *
 * @param x1 successes in group 1
 * @param n1 trials in group 1
 * @param x2 successes in group 2
 * @param n2 trials in group 2
 * @returns `{ z, pValue }`; z > 0 when group 1's rate is higher. If either n is 0 both are NaN;
 *   if the pooled rate is 0 or 1 (both groups identical at 0 % or 100 %) z = 0 and pValue = 1.
 * @throws RangeError for negative counts or x > n
 *
 * @example
 * ```ts
 * import { twoProportionZTest } from "hitl-lab/stats";
 * twoProportionZTest(130, 1000, 100, 1000); // { z ≈ 2.10, pValue ≈ 0.036 }
 * ```
 */
export function twoProportionZTest(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { z: number; pValue: number } {
  requireCount("twoProportionZTest", x1, n1, ["x1", "n1"]);
  requireCount("twoProportionZTest", x2, n2, ["x2", "n2"]);
  if (n1 === 0 || n2 === 0) return { z: Number.NaN, pValue: Number.NaN };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

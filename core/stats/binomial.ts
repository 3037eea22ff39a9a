/**
 * Exact and concentration bounds for an error rate: the p-values a threshold certificate tests with
 * (H0 "the error rate is at least alpha") and the one-sided Clopper–Pearson upper bound.
 * Formulas and sources: docs/statistics.md, "Threshold certificates".
 */

import { betaQuantile, binomialCdf } from "./distributions";
import { requireNonNegative, requireOpenUnit } from "./validate";

function requireErrors(fn: string, errors: number, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${fn}: n must be a whole number >= 0, got ${n}`);
  if (!Number.isInteger(errors) || errors < 0)
    throw new RangeError(`${fn}: errors must be a whole number >= 0, got ${errors}`);
  if (errors > n) throw new RangeError(`${fn}: errors (${errors}) must not exceed n (${n})`);
}

/**
 * Exact p-value of H0 "the error rate is at least `alpha`" after `errors` wrong among `n`
 * labelled outcomes: P(X ≤ errors) for X ~ Binomial(n, alpha). Small when there are far fewer
 * errors than `alpha` predicts. n = 0 gives 1 (no evidence).
 *
 * @throws RangeError for counts that are not whole numbers, errors > n, or alpha outside (0, 1)
 * @example binomialLowerTailPValue(1000, 12, 0.02); // 0.0376
 */
export function binomialLowerTailPValue(n: number, errors: number, alpha: number): number {
  requireErrors("binomialLowerTailPValue", errors, n);
  requireOpenUnit("binomialLowerTailPValue", "alpha", alpha);
  return binomialCdf(errors, n, alpha);
}

/**
 * One-sided Clopper–Pearson (exact) upper bound of an error rate at `confidence`: the
 * `confidence` quantile of Beta(errors + 1, n − errors); 1 when every outcome is wrong or n = 0.
 * It is the largest rate that {@link binomialLowerTailPValue} does not reject at 1 − confidence.
 *
 * @throws RangeError for counts that are not whole numbers, errors > n, or confidence outside (0, 1)
 * @example clopperPearsonUpper(0, 50, 0.95); // 0.0582
 */
export function clopperPearsonUpper(errors: number, n: number, confidence = 0.95): number {
  requireErrors("clopperPearsonUpper", errors, n);
  requireOpenUnit("clopperPearsonUpper", "confidence", confidence);
  if (errors === n) return 1;
  return betaQuantile(confidence, errors + 1, n - errors);
}

/** Bernoulli relative entropy h1(a, b) = a·ln(a/b) + (1 − a)·ln((1 − a)/(1 − b)), with 0·ln 0 = 0. */
function bernoulliKl(a: number, b: number): number {
  const left = a === 0 ? 0 : a * Math.log(a / b);
  const right = a === 1 ? 0 : (1 - a) * Math.log((1 - a) / (1 - b));
  return left + right;
}

/**
 * Hoeffding–Bentkus p-value of H0 "the mean loss is at least `alpha`" for `n` independent losses
 * in [0, 1] with mean `meanLoss` (Bates et al. 2021, "Distribution-free, risk-controlling
 * prediction sets", §3.1.1; used by Learn-Then-Test):
 *
 *   p = min( exp(−n·h1(min(R̂, α), α)),  e·P(Binomial(n, α) ≤ ⌈n·R̂⌉) ),  capped at 1.
 *
 * Valid for any losses bounded in [0, 1], not only 0/1 errors, which is what weighted outcomes need.
 * For 0/1 errors the exact binomial p-value is never larger (the Bentkus term is e times it).
 *
 * @throws RangeError for a negative or non-integer n, a mean outside [0, 1], or alpha outside (0, 1)
 */
export function hoeffdingBentkusPValue(n: number, meanLoss: number, alpha: number): number {
  const fn = "hoeffdingBentkusPValue";
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${fn}: n must be a whole number >= 0, got ${n}`);
  requireNonNegative(fn, "meanLoss", meanLoss);
  if (meanLoss > 1) throw new RangeError(`${fn}: meanLoss must be in [0, 1], got ${meanLoss}`);
  requireOpenUnit(fn, "alpha", alpha);
  if (n === 0) return 1;
  const hoeffding = Math.exp(-n * bernoulliKl(Math.min(meanLoss, alpha), alpha));
  // The sum of losses is rounded up; the tolerance keeps 3.0000000001 (float noise in a weighted
  // sum) at 3 instead of 4.
  const sum = Math.ceil(n * meanLoss - 1e-9);
  const bentkus = Math.E * binomialCdf(Math.min(n, Math.max(0, sum)), n, alpha);
  return Math.min(1, hoeffding, bentkus);
}

/**
 * Exact binomial and multinomial draws for the bootstrap over items. Resampling N items one by
 * one costs O(N) per replicate; drawing how many times each distinct rating profile is picked
 * costs O(profiles · log N), so a bootstrap over a million double-reviewed items stays cheap.
 */

import { beta } from "../simulation/random";

/** Below this many trials a binomial is drawn as that many Bernoulli trials. */
const DIRECT_TRIALS = 32;

/**
 * One Binomial(n, p) draw. Exact: the beta-splitting recursion of Knuth (TAOCP vol. 2, §3.4.1,
 * after Ahrens & Dieter): the a-th smallest of n uniforms is Beta(a, n + 1 − a); the uniforms
 * below it are uniform on [0, X) and those above on (X, 1], so the count below p recurses into one
 * side with about half the trials.
 */
export function binomial(random: () => number, n: number, p: number): number {
  let trials = n;
  let prob = p;
  let successes = 0;
  while (trials > DIRECT_TRIALS && prob > 0 && prob < 1) {
    const a = 1 + Math.floor(trials / 2);
    const b = trials + 1 - a;
    const x = beta(random, a, b);
    if (x >= prob) {
      trials = a - 1;
      prob /= x;
    } else {
      successes += a;
      trials = b - 1;
      prob = (prob - x) / (1 - x);
    }
  }
  if (prob >= 1) return successes + trials;
  if (prob <= 0) return successes;
  for (let i = 0; i < trials; i++) if (random() < prob) successes++;
  return successes;
}

/** One Multinomial(n; weights / Σ weights) draw, by conditional binomials. */
export function multinomial(random: () => number, n: number, weights: readonly number[]): number[] {
  let left = n;
  let mass = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => {
    if (left === 0 || mass <= 0) return 0;
    const drawn = w >= mass ? left : binomial(random, left, w / mass);
    left -= drawn;
    mass -= w;
    return drawn;
  });
}

/** The q-quantile of sorted values, linear between order statistics (Hyndman & Fan type 7). */
export function sortedQuantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const below = sorted[lo] ?? Number.NaN;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] ?? below;
  return below + (h - lo) * (above - below);
}

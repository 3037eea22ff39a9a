import { hash } from "./hash";

/** A half-open interval `[start, end)` of the hash space [0, 1). */
export type BucketRange = [start: number, end: number];

/** `[namespace, start, end]`: a unit is in the namespace when its namespace hash falls in `[start, end)`. */
export type Namespace = [name: string, start: number, end: number];

/** `n` equal weights summing to 1; none for `n ≤ 0`. */
export function getEqualWeights(n: number): number[] {
  if (n <= 0) return [];
  return new Array<number>(n).fill(1 / n);
}

/**
 * Bucket ranges exactly as GrowthBook computes them: each variation owns a slice of [0, 1) as wide as
 * its weight, and coverage shrinks each slice from its start, so lowering coverage never moves a unit
 * from one variation to another.
 *
 * Coverage is clamped to [0, 1]. Equal weights replace `weights` when it is missing, has the wrong
 * length, or does not sum to 1 within 0.99..1.01.
 */
export function getBucketRanges(
  numVariations: number,
  coverage = 1,
  weights?: readonly number[] | null,
): BucketRange[] {
  const cov = Math.min(1, Math.max(0, coverage));
  let w: readonly number[] = weights ?? getEqualWeights(numVariations);
  if (w.length !== numVariations) w = getEqualWeights(numVariations);
  const total = w.reduce((sum, x) => sum + x, 0);
  if (total < 0.99 || total > 1.01) w = getEqualWeights(numVariations);

  let cumulative = 0;
  return w.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + cov * weight];
  });
}

/** Index of the first range with `start ≤ n < end`, or -1 when `n` is in none (not enrolled). */
export function chooseVariation(n: number, ranges: readonly BucketRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i];
    if (range && n >= range[0] && n < range[1]) return i;
  }
  return -1;
}

/** GrowthBook namespaces: a version-1 hash of the unit with the seed `__<namespace>`. */
export function inNamespace(unitId: string, namespace: Namespace): boolean {
  const [name, start, end] = namespace;
  const n = hash(`__${name}`, unitId, 1);
  if (n === null) return false;
  return n >= start && n < end;
}

/**
 * A mergeable log-bucket histogram for latencies (the DDSketch layout of Masson, Rim and Lee, VLDB
 * 2019). A positive value x falls in bucket i = ⌈log_γ(x)⌉ with γ = (1 + α)/(1 − α), so bucket i
 * holds (γ^(i−1), γ^i]. A bucket is reported as 2γ^i/(γ + 1), which is within a relative α of every
 * value in it.
 *
 * **Error bound**: with α = 0.01, `quantile(q)` is within 1 % (relative) of the exact sample
 * quantile, the value of rank ⌊q·(n − 1)⌋ (0-based) in sorted order, for every q and every data set,
 * however many histograms were merged. Values ≤ {@link MIN_INDEXABLE} (including 0) are counted in
 * a zero bucket reported as 0.
 *
 * The state is a sparse map index → count plus the zero count: plain counters, so adding two
 * histograms is adding their counters. That is what lets DynamoDB `ADD` on one attribute per bucket
 * merge histograms across shards, hours and concurrent writers.
 */

export const RELATIVE_ACCURACY = 0.01;
export const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LN_GAMMA = Math.log(GAMMA);
/** Smaller values (latencies in ms below a nanosecond) share the zero bucket. */
export const MIN_INDEXABLE = 1e-6;
/** Counter-name suffix of the zero bucket. */
export const ZERO_BUCKET = "zero";

/** The bucket of a value above {@link MIN_INDEXABLE}: ⌈log_γ(x)⌉. */
export function bucketIndex(x: number): number {
  return Math.ceil(Math.log(x) / LN_GAMMA);
}

/** The value reported for bucket i: the point of (γ^(i−1), γ^i] with the smallest worst-case relative error. */
export function bucketValue(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

export class LogHistogram {
  private readonly bins = new Map<number, number>();
  private zeroCount = 0;
  private total = 0;

  /** Counts `x` (`times` times). Throws RangeError for negative or non-finite values. */
  add(x: number, times = 1): this {
    if (!Number.isFinite(x) || x < 0) throw new RangeError(`LogHistogram.add: value must be ≥ 0, got ${x}`);
    if (x <= MIN_INDEXABLE) this.zeroCount += times;
    else {
      const i = bucketIndex(x);
      this.bins.set(i, (this.bins.get(i) ?? 0) + times);
    }
    this.total += times;
    return this;
  }

  /** Adds every count of `other` into this histogram. */
  merge(other: LogHistogram): this {
    for (const [i, c] of other.bins) this.bins.set(i, (this.bins.get(i) ?? 0) + c);
    this.zeroCount += other.zeroCount;
    this.total += other.total;
    return this;
  }

  get count(): number {
    return this.total;
  }

  /** The q-quantile (0 ≤ q ≤ 1) within the stated relative error; NaN when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`LogHistogram.quantile: q must be in [0, 1], got ${q}`);
    if (this.total === 0) return Number.NaN;
    const rank = Math.floor(q * (this.total - 1));
    let seen = this.zeroCount;
    if (seen > rank) return 0;
    for (const i of [...this.bins.keys()].sort((a, b) => a - b)) {
      seen += this.bins.get(i) ?? 0;
      if (seen > rank) return bucketValue(i);
    }
    // Unreachable when counts are consistent; the largest bucket is the safe answer.
    return bucketValue(Math.max(...this.bins.keys()));
  }

  /** Counters named `<prefix><index>` and `<prefix>zero`, for storage as one attribute per bucket. */
  toCounters(prefix: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [i, c] of this.bins) if (c !== 0) out[`${prefix}${i}`] = c;
    if (this.zeroCount !== 0) out[`${prefix}${ZERO_BUCKET}`] = this.zeroCount;
    return out;
  }

  /** Reads back what {@link toCounters} wrote; other counters are ignored. */
  static fromCounters(counters: Readonly<Record<string, number>>, prefix: string): LogHistogram {
    const h = new LogHistogram();
    for (const [name, value] of Object.entries(counters)) {
      if (!name.startsWith(prefix) || value === 0) continue;
      const suffix = name.slice(prefix.length);
      if (suffix === ZERO_BUCKET) h.zeroCount += value;
      else if (/^-?\d+$/.test(suffix)) {
        const i = Number(suffix);
        h.bins.set(i, (h.bins.get(i) ?? 0) + value);
      } else continue;
      h.total += value;
    }
    return h;
  }
}

/** The counter name of the bucket `x` falls in, under `prefix`. */
export function bucketCounter(prefix: string, x: number): string {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`bucketCounter: value must be ≥ 0, got ${x}`);
  return x <= MIN_INDEXABLE ? `${prefix}${ZERO_BUCKET}` : `${prefix}${bucketIndex(x)}`;
}

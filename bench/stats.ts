/** Latency statistics: pure functions, unit-tested in test/bench. */

export interface Summary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Nearest-rank percentile of ascending `sorted` values: the smallest value with at least `q` of the
 * values at or below it (q in [0, 1]). NaN for no values.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`percentile ${q} is not in [0, 1]`);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count,
    mean: count ? sum / count : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
  };
}

/** Events per second over `elapsedMs`. */
export const ratePerSecond = (events: number, elapsedMs: number): number =>
  elapsedMs > 0 ? (events * 1000) / elapsedMs : Number.NaN;

export const mean = (values: readonly number[]): number =>
  values.length ? values.reduce((s, v) => s + v, 0) / values.length : Number.NaN;

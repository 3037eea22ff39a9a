/**
 * The confidence thresholds a replay evaluates.
 */

/**
 * Thresholds are rounded to 10 decimals: 0.5 + 30 × 0.01 is 0.8000000000000003 in floating point,
 * and a decision logged at confidence 0.8 must count as automated at threshold 0.8.
 */
function tidy(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}

function requireProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1))
    throw new RangeError(`${name} must be a number between 0 and 1, got ${value}`);
}

/**
 * `from`, `from + step`, … up to `to` inclusive (to within rounding), e.g. (0.5, 0.99, 0.01) gives
 * the 50 thresholds 0.50 … 0.99.
 *
 * @throws RangeError when a bound is outside [0, 1], `from > to` or `step` is not positive
 */
export function thresholdRange(from: number, to: number, step: number): number[] {
  requireProbability("from", from);
  requireProbability("to", to);
  if (from > to) throw new RangeError(`from (${from}) must not exceed to (${to})`);
  if (!(step > 0 && Number.isFinite(step))) throw new RangeError(`step must be a number > 0, got ${step}`);
  // The small tolerance keeps `to` when (to − from)/step is 48.99999999 in floating point.
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, i) => tidy(from + i * step));
}

/**
 * Parses a comma-separated list such as "0.8,0.9,0.95" into sorted, distinct thresholds.
 *
 * @throws RangeError naming the first entry that is not a number between 0 and 1
 */
export function parseThresholdList(text: string): number[] {
  const entries = text.split(",").map((entry) => entry.trim());
  const values = entries.map((entry) => {
    const value = entry === "" ? Number.NaN : Number(entry);
    if (!(value >= 0 && value <= 1)) {
      throw new RangeError(`threshold "${entry}" must be a number between 0 and 1`);
    }
    return tidy(value);
  });
  return [...new Set(values)].sort((a, b) => a - b);
}

/** Sorted, distinct, each in [0, 1]: what the replay needs. */
export function normalizeThresholds(thresholds: readonly number[]): number[] {
  if (thresholds.length === 0) throw new RangeError("at least one threshold is needed");
  for (const t of thresholds) requireProbability("threshold", t);
  return [...new Set(thresholds.map(tidy))].sort((a, b) => a - b);
}

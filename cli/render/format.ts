/**
 * Number formatting shared by the text, Markdown, CSV and HTML renderers. NaN (an undefined rate,
 * e.g. errors among zero automated decisions) prints as an en dash rather than "NaN%".
 */

import type { Num, Range } from "../../core/report";

export const MISSING = "–";

export function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : MISSING;
}

/** A percentage range without repeating the unit: "40.9–45.2%". */
export function percentRange([lower, upper]: readonly [number, number], digits = 1): string {
  if (!(Number.isFinite(lower) && Number.isFinite(upper))) return MISSING;
  return `${(lower * 100).toFixed(digits)}–${(upper * 100).toFixed(digits)}%`;
}

export function usd(value: number, digits = 4): string {
  return Number.isFinite(value) ? `$${value.toFixed(digits)}` : MISSING;
}

export function usdRange([lower, upper]: readonly [number, number], digits = 4): string {
  if (!(Number.isFinite(lower) && Number.isFinite(upper))) return MISSING;
  return `$${lower.toFixed(digits)}–${upper.toFixed(digits)}`;
}

/** Thousands separators, independent of the machine's locale so output is reproducible. */
export function count(value: number): string {
  return value.toLocaleString("en-US");
}

/** "1 line" / "2 lines". */
export function plural(value: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(value)} ${value === 1 ? singular : pluralForm}`;
}

export const finite = (x: Num | undefined): x is number => typeof x === "number" && Number.isFinite(x);

export function rate(x: Num, digits = 1): string {
  return finite(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

export function rateWithInterval(estimate: { value: Num; interval: Range }, digits = 1): string {
  const [a, b] = estimate.interval;
  if (!finite(estimate.value)) return MISSING;
  return finite(a) && finite(b)
    ? `${rate(estimate.value, digits)} (${(a * 100).toFixed(digits)}–${(b * 100).toFixed(digits)}%)`
    : rate(estimate.value, digits);
}

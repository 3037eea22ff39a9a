/**
 * Number formatting shared by the text, Markdown, CSV and HTML renderers. NaN (an undefined rate,
 * e.g. errors among zero automated decisions) prints as an en dash rather than "NaN%".
 */

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

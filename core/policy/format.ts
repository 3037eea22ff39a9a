/** Formatting of values in texts meant for people (reasons, validation errors). */

/** A number without float noise: 0.1 + 0.2 reads "0.3", 12000 reads "12000". */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(12)));
}

/**
 * Two numbers that differ, formatted so they still read different: a confidence of 0.94999999999999
 * must not read "0.95 < 0.95".
 */
export function formatPair(a: number, b: number): [string, string] {
  const fa = formatNumber(a);
  const fb = formatNumber(b);
  if (fa === fb && a !== b) return [String(a), String(b)];
  return [fa, fb];
}

/** A short description of any received value, e.g. `"high"`, `12`, `NaN`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** A value as it reads inside a reason: strings bare (`topic legal`), numbers without noise. */
export function showValue(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(showValue).join(", ");
  if (value === undefined) return "missing";
  if (value === null || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

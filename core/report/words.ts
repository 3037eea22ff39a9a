/**
 * Numbers in the report's sentences (recommendation, warnings). Kept in core so the API and every
 * CLI format say exactly the same thing. Negative numbers use the minus sign (−), not a hyphen.
 */

import type { Num } from "./types";

const minus = (text: string) => text.replace(/^-/, "−");
const finite = (x: Num | undefined): x is number => typeof x === "number" && Number.isFinite(x);

/** Percentage points with a sign: +18.2 pp. */
export function pp(x: Num, digits = 1): string {
  if (!finite(x)) return "–";
  const text = (x * 100).toFixed(digits);
  return `${x >= 0 && Number(text) !== 0 ? "+" : ""}${minus(text)} pp`;
}

/** A share as a percentage: 93.4%. */
export function pct(x: Num, digits = 1): string {
  return finite(x) ? `${minus((x * 100).toFixed(digits))}%` : "–";
}

/** A relative change as a signed percentage: −22%, +0.4% (one decimal below 1 %). */
export function relPct(x: Num): string {
  if (!finite(x)) return "–";
  const text = Math.abs(x) < 0.01 ? (x * 100).toFixed(1) : String(Math.round(x * 100));
  if (Number(text) === 0) return "0%";
  return `${Number(text) > 0 ? "+" : ""}${minus(text)}%`;
}

/** Dollars with enough digits for per-decision amounts: $0.031, $0.000012, $1,329.19, $0. */
export function usd(x: Num, signed = false): string {
  if (!finite(x)) return "–";
  const abs = Math.abs(x);
  const sign = x < 0 ? "−" : signed && x > 0 ? "+" : "";
  if (abs === 0) return "$0";
  const digits = abs >= 100 ? 2 : abs >= 0.01 ? 3 : Math.min(8, 1 - Math.floor(Math.log10(abs)));
  const [whole = "0", fraction = ""] = abs.toFixed(digits).split(".");
  // Two significant digits for small amounts, without padding zeros past the third decimal.
  const trimmed = digits > 3 ? fraction.replace(/0+$/, "").padEnd(3, "0") : fraction;
  return `${sign}$${count(Number(whole))}${trimmed ? `.${trimmed}` : ""}`;
}

/** The margin in points without a sign: "1 pp", "0.5 pp". */
export function marginPp(margin: number): string {
  return `${Number.parseFloat((margin * 100).toFixed(2))} pp`;
}

/** An interval in points: "16.9–19.5" when both ends are positive, else "−3.1 to 1.2". */
export function ppInterval([lower, upper]: readonly [Num, Num], digits = 1): string {
  if (!finite(lower) || !finite(upper)) return "–";
  const a = minus((lower * 100).toFixed(digits));
  const b = minus((upper * 100).toFixed(digits));
  return lower >= 0 && upper >= 0 ? `${a}–${b}` : `${a} to ${b}`;
}

/** A p-value: "p = 0.012", "p < 0.0001". */
export function pValue(p: Num): string {
  if (!finite(p)) return "p = –";
  if (p < 0.0001) return "p < 0.0001";
  return `p = ${p < 0.01 ? p.toPrecision(2) : p.toFixed(3)}`;
}

/** Thousands separators without Intl (its first use costs tens of milliseconds). */
export function count(x: number): string {
  if (!Number.isInteger(x)) return String(x);
  return String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A duration: "42 s", "3.5 min", "2.1 h". */
export function seconds(x: Num): string {
  if (!finite(x)) return "–";
  if (x < 90) return `${Number.parseFloat(x.toFixed(x < 10 ? 1 : 0))} s`;
  if (x < 5400) return `${(x / 60).toFixed(1)} min`;
  return `${(x / 3600).toFixed(1)} h`;
}

/** Report helpers: number formats and a horizontal bar chart (pure, unit-tested). */
import { renderMarkdownTable, type Table } from "../cli/render/table";

export { renderMarkdownTable, type Table };

/** Fixed digits; NaN or infinite as an en dash. */
export function num(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

/** Small counts need more digits to be comparable: 3 significant digits, at most 4 decimals. */
export function perItem(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value === 0) return "0";
  const digits = Math.min(4, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value)))));
  return value.toFixed(digits);
}

export function dollars(value: number, digits = 2): string {
  return Number.isFinite(value) ? `$${value.toFixed(digits)}` : "–";
}

export interface Bar {
  label: string;
  value: number;
}

/**
 * One bar per row, scaled to the largest value, the value printed after it:
 *
 *   p50  ██████████▌          38.2 ms
 */
export function barChart(
  bars: readonly Bar[],
  options: { width?: number; unit?: string; digits?: number } = {},
) {
  const width = options.width ?? 40;
  const unit = options.unit ? ` ${options.unit}` : "";
  const max = Math.max(0, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const labelWidth = Math.max(0, ...bars.map((b) => b.label.length));
  return bars
    .map((bar) => {
      const eighths = max > 0 && Number.isFinite(bar.value) ? Math.round((bar.value / max) * width * 8) : 0;
      const full = Math.floor(eighths / 8);
      const rest = eighths % 8;
      const body = "█".repeat(full) + (rest ? (" ▏▎▍▌▋▊▉"[rest] as string) : "");
      return `${bar.label.padEnd(labelWidth)}  ${body.padEnd(width + 1)} ${num(bar.value, options.digits ?? 1)}${unit}`;
    })
    .join("\n");
}

export function markdown(header: string[], rows: string[][], align?: ("left" | "right")[]): string {
  return renderMarkdownTable({ header, rows, ...(align ? { align } : {}) });
}

/**
 * SVG line charts for self-contained HTML pages: no scripts, no fonts, no external references, so a
 * page opens from a file and prints. Series with optional interval bands, axes with ticks and
 * labels, labelled reference lines, a legend, and a native tooltip on every point.
 */

import { type ChartSpec, formatTick, resolveRange } from "./chart";

export interface SvgChartOptions {
  /** Outer size in px (default 640 × 320); the SVG scales with its container via viewBox. */
  width?: number;
  height?: number;
  /** Add the XML namespace, for a stand-alone .svg file (inline SVG in HTML needs none). */
  standalone?: boolean;
  /** Series colours, used in order when a series has no `color`. */
  palette?: readonly string[];
}

export const DEFAULT_PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#d97706"];

const MARKER_COLOR = "#374151";
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Two decimals are plenty for pixels and keep the markup small. */
const n = (value: number) => String(Math.round(value * 100) / 100);

/** Rough width of a 12 px system-font character: enough to keep labels from colliding. */
const CHAR_WIDTH = 7;
const LEGEND_ROW = 18;
const LEGEND_LEFT = 12;
/** A white outline keeps a label readable where it crosses a line or band. */
const HALO = 'stroke="#fff" stroke-width="3" paint-order="stroke"';

interface LegendItem {
  text: string;
  swatch: (x: number, y: number) => string;
}

function itemWidth(item: LegendItem): number {
  return 22 + item.text.length * CHAR_WIDTH + 20;
}

function legendItems(spec: ChartSpec, palette: readonly string[]): LegendItem[] {
  const items: LegendItem[] = [];
  spec.series.forEach((series, i) => {
    const color = series.color ?? palette[i % palette.length] ?? "#000";
    items.push({
      text: series.name,
      swatch: (x, y) =>
        `<line x1="${n(x)}" x2="${n(x + 16)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
    });
    if (series.band && series.band.length > 0) {
      items.push({
        text: series.bandName ?? "interval",
        swatch: (x, y) =>
          `<rect x="${n(x)}" y="${y - 6}" width="16" height="12" fill="${color}" fill-opacity="0.15"/>`,
      });
    }
  });
  for (const [markers, dash] of [
    [spec.vertical ?? [], "4 3"],
    [spec.horizontal ?? [], "6 4"],
  ] as const) {
    for (const marker of markers) {
      items.push({
        text: marker.label,
        swatch: (x, y) =>
          `<line x1="${n(x)}" x2="${n(x + 16)}" y1="${y}" y2="${y}" stroke="${marker.color ?? MARKER_COLOR}" stroke-dasharray="${dash}"/>`,
      });
    }
  }
  return items;
}

/** Greedy rows that fit the chart's width. */
function layoutLegend(items: LegendItem[], width: number): LegendItem[][] {
  const rows: LegendItem[][] = [];
  let used = Number.POSITIVE_INFINITY;
  for (const item of items) {
    if (LEGEND_LEFT + used + itemWidth(item) > width) {
      rows.push([]);
      used = 0;
    }
    (rows[rows.length - 1] as LegendItem[]).push(item);
    used += itemWidth(item);
  }
  return rows;
}

/** Splits a run of points at non-finite values, so gaps stay gaps. */
function segments<T>(items: readonly T[], valid: (item: T) => boolean): T[][] {
  const runs: T[][] = [[]];
  for (const item of items) {
    if (valid(item)) (runs[runs.length - 1] as T[]).push(item);
    else if ((runs[runs.length - 1] as T[]).length > 0) runs.push([]);
  }
  return runs.filter((run) => run.length > 0);
}

/** Renders the chart as one `<svg>` element (a string). */
export function renderSvgChart(spec: ChartSpec, options: SvgChartOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const palette = options.palette ?? DEFAULT_PALETTE;
  const range = resolveRange(spec);
  const { xMin, xMax, yMin, yMax } = range;
  const legend = legendItems(spec, palette);
  const legendRows = layoutLegend(legend, width);
  const widestTick = Math.max(0, ...range.yTicks.map((tick) => formatTick(spec.y, tick).length));
  const margin = {
    top: spec.title ? 34 : 14,
    right: 20,
    bottom: 52 + LEGEND_ROW * legendRows.length,
    left: 34 + widestTick * CHAR_WIDTH,
  };
  const plotWidth = Math.max(10, width - margin.left - margin.right);
  const plotHeight = Math.max(10, height - margin.top - margin.bottom);
  // Plot coordinates are relative to the nested <svg>, which clips what falls outside the axes.
  const px = (x: number) => ((x - xMin) / (xMax - xMin)) * plotWidth;
  const py = (y: number) => ((yMax - y) / (yMax - yMin)) * plotHeight;
  const colorOf = (i: number) => spec.series[i]?.color ?? palette[i % palette.length] ?? "#000";

  const parts: string[] = [];
  const label = spec.title ?? `${spec.y.label} by ${spec.x.label}`;
  const namespace = options.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : "";
  parts.push(
    `<svg${namespace} viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(label)}" ${FONT} font-size="12">`,
  );
  parts.push(`<title>${escapeXml(label)}</title>`);
  if (spec.title) {
    parts.push(
      `<text x="${margin.left}" y="20" font-size="14" font-weight="600">${escapeXml(spec.title)}</text>`,
    );
  }

  // Grid and tick labels.
  for (const tick of range.yTicks) {
    const y = n(margin.top + py(tick));
    parts.push(
      `<line x1="${margin.left}" x2="${n(margin.left + plotWidth)}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#4b5563">${escapeXml(formatTick(spec.y, tick))}</text>`,
    );
  }
  for (const tick of range.xTicks) {
    const x = n(margin.left + px(tick));
    const bottom = margin.top + plotHeight;
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 5}" stroke="#6b7280"/>`,
      `<text x="${x}" y="${bottom + 18}" text-anchor="middle" fill="#4b5563">${escapeXml(formatTick(spec.x, tick))}</text>`,
    );
  }
  parts.push(
    `<path d="M${margin.left} ${margin.top}V${n(margin.top + plotHeight)}H${n(margin.left + plotWidth)}" fill="none" stroke="#6b7280"/>`,
    `<text x="${n(margin.left + plotWidth / 2)}" y="${n(margin.top + plotHeight + 36)}" text-anchor="middle">${escapeXml(spec.x.label)}</text>`,
    `<text transform="translate(14 ${n(margin.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(spec.y.label)}</text>`,
  );

  // The plot area: bands behind lines, reference lines, then the series.
  parts.push(
    `<svg x="${margin.left}" y="${margin.top}" width="${n(plotWidth)}" height="${n(plotHeight)}" overflow="hidden">`,
  );
  spec.series.forEach((series, i) => {
    const band = [...(series.band ?? [])].sort((a, b) => a.x - b.x);
    for (const run of segments(band, (b) => Number.isFinite(b.lower) && Number.isFinite(b.upper))) {
      const upper = run.map((b) => `${n(px(b.x))},${n(py(b.upper))}`);
      const lower = run.map((b) => `${n(px(b.x))},${n(py(b.lower))}`).reverse();
      parts.push(
        `<polygon points="${[...upper, ...lower].join(" ")}" fill="${colorOf(i)}" fill-opacity="0.15"/>`,
      );
    }
  });
  for (const marker of spec.horizontal ?? []) {
    const y = n(py(marker.at));
    const color = marker.color ?? MARKER_COLOR;
    parts.push(
      `<line x1="0" x2="${n(plotWidth)}" y1="${y}" y2="${y}" stroke="${color}" stroke-dasharray="6 4"/>`,
      `<text x="4" y="${y}" dy="-4" fill="${color}" ${HALO}>${escapeXml(marker.label)}</text>`,
    );
  }
  // Each vertical marker's label gets its own line, so two markers close together stay readable.
  (spec.vertical ?? []).forEach((marker, index) => {
    const x = n(px(marker.at));
    const color = marker.color ?? MARKER_COLOR;
    // Label on the side with more room, so a marker near the right edge stays readable.
    const anchor = px(marker.at) > plotWidth * 0.6 ? `dx="-4" text-anchor="end"` : `dx="4"`;
    parts.push(
      `<line x1="${x}" x2="${x}" y1="0" y2="${n(plotHeight)}" stroke="${color}" stroke-dasharray="4 3"/>`,
      `<text x="${x}" y="${12 + 14 * index}" ${anchor} fill="${color}" ${HALO}>${escapeXml(marker.label)}</text>`,
    );
  });
  spec.series.forEach((series, i) => {
    const points = [...series.points].sort((a, b) => a.x - b.x);
    for (const run of segments(points, (p) => Number.isFinite(p.y))) {
      const d = run.map((p, k) => `${k === 0 ? "M" : "L"}${n(px(p.x))} ${n(py(p.y))}`).join("");
      parts.push(`<path d="${d}" fill="none" stroke="${colorOf(i)}" stroke-width="2"/>`);
      for (const p of run) {
        const tip = `${series.name}: ${formatTick(spec.y, p.y)} at ${formatTick(spec.x, p.x)}`;
        parts.push(
          `<circle cx="${n(px(p.x))}" cy="${n(py(p.y))}" r="2.5" fill="${colorOf(i)}"><title>${escapeXml(tip)}</title></circle>`,
        );
      }
    }
  });
  parts.push("</svg>");

  // Legend along the bottom, wrapped into rows.
  legendRows.forEach((row, r) => {
    const y = height - 12 - LEGEND_ROW * (legendRows.length - 1 - r);
    let x = LEGEND_LEFT;
    for (const item of row) {
      parts.push(
        item.swatch(x, y),
        `<text x="${n(x + 22)}" y="${y}" dominant-baseline="middle">${escapeXml(item.text)}</text>`,
      );
      x += itemWidth(item);
    }
  });

  parts.push("</svg>");
  return parts.join("\n");
}

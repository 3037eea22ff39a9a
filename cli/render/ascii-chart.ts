/**
 * Terminal line charts: series as marks, interval bands as shading, labelled reference lines, a
 * y axis with ticks on the left and an x axis below. Plain text, so it also works in Markdown code
 * blocks, CI logs and e-mails.
 */

import { type ChartSpec, formatTick, interpolate, resolveRange } from "./chart";

export interface AsciiChartOptions {
  /** Plot columns, axes excluded (default 60). */
  width?: number;
  /** Plot rows (default 12). */
  height?: number;
  /** Only 7-bit characters, for terminals or fonts without box drawing (default false). */
  ascii?: boolean;
}

const UNICODE = {
  marks: ["●", "◆", "■", "▲"],
  band: "░",
  vertical: "│",
  horizontal: "╌",
  axis: "│",
  yTick: "┤",
  corner: "└",
  xAxis: "─",
  xTick: "┬",
};

const ASCII: typeof UNICODE = {
  marks: ["*", "o", "#", "+"],
  band: ".",
  vertical: "|",
  horizontal: "-",
  axis: "|",
  yTick: "+",
  corner: "+",
  xAxis: "-",
  xTick: "+",
};

/**
 * Renders a chart as text lines (joined with "\n", no trailing newline). Values outside the y range
 * are left out and bands are clipped to it; trailing spaces are trimmed.
 */
export function renderAsciiChart(spec: ChartSpec, options: AsciiChartOptions = {}): string {
  const plotWidth = Math.max(10, Math.floor(options.width ?? 60));
  const height = Math.max(3, Math.floor(options.height ?? 12));
  const chars = options.ascii ? ASCII : UNICODE;
  const range = resolveRange(spec);
  const { xMin, xMax, yMin, yMax } = range;

  const column = (x: number) => Math.round(((x - xMin) / (xMax - xMin)) * (plotWidth - 1));
  const row = (y: number) => Math.round(((yMax - y) / (yMax - yMin)) * (height - 1));
  const xAt = (c: number) => xMin + (c / (plotWidth - 1)) * (xMax - xMin);
  const inY = (y: number) => Number.isFinite(y) && y >= yMin - 1e-12 && y <= yMax + 1e-12;
  const grid = Array.from({ length: height }, () => Array<string>(plotWidth).fill(" "));
  const set = (r: number, c: number, char: string) => {
    const line = grid[r];
    if (line !== undefined && c >= 0 && c < plotWidth) line[c] = char;
  };

  // Back to front: reference lines and bands first, so the series marks stay visible on top.
  for (const marker of spec.horizontal ?? []) {
    if (!inY(marker.at)) continue;
    for (let c = 0; c < plotWidth; c += 1) set(row(marker.at), c, chars.horizontal);
  }
  for (const series of spec.series) {
    const band = [...(series.band ?? [])].sort((a, b) => a.x - b.x);
    if (band.length === 0) continue;
    for (let c = 0; c < plotWidth; c += 1) {
      const x = xAt(c);
      const lower = interpolate(band, x, (i) => (band[i] as { lower: number }).lower);
      const upper = interpolate(band, x, (i) => (band[i] as { upper: number }).upper);
      if (!(Number.isFinite(lower) && Number.isFinite(upper)) || upper < yMin || lower > yMax) continue;
      for (let r = row(Math.min(upper, yMax)); r <= row(Math.max(lower, yMin)); r += 1) set(r, c, chars.band);
    }
  }
  for (const marker of spec.vertical ?? []) {
    if (!(marker.at >= xMin && marker.at <= xMax)) continue;
    for (let r = 0; r < height; r += 1) set(r, column(marker.at), marker.mark ?? chars.vertical);
  }
  const marks = spec.series.map((series, i) => series.mark ?? chars.marks[i % chars.marks.length] ?? "*");
  spec.series.forEach((series, i) => {
    const mark = marks[i] as string;
    const points = [...series.points].sort((a, b) => a.x - b.x);
    let previous: number | undefined;
    for (let c = 0; c < plotWidth; c += 1) {
      const y = interpolate(points, xAt(c), (j) => (points[j] as { y: number }).y);
      if (!inY(y)) {
        previous = undefined;
        continue;
      }
      const r = row(y);
      set(r, c, mark);
      // Steep segments: fill the rows between neighbouring columns so the line stays connected.
      if (previous !== undefined) {
        for (let between = Math.min(previous, r) + 1; between < Math.max(previous, r); between += 1) {
          set(between, c, mark);
        }
      }
      previous = r;
    }
  });

  // Several ticks can round to one row on a short chart: the row shows the one that lies closest.
  const tickRows = new Map<number, string>();
  const offsets = new Map<number, number>();
  for (const tick of range.yTicks) {
    const exact = ((yMax - tick) / (yMax - yMin)) * (height - 1);
    const r = Math.round(exact);
    if (Math.abs(exact - r) < (offsets.get(r) ?? Number.POSITIVE_INFINITY)) {
      offsets.set(r, Math.abs(exact - r));
      tickRows.set(r, formatTick(spec.y, tick));
    }
  }
  const gutter = Math.max(0, ...[...tickRows.values()].map((label) => label.length));
  const lines: string[] = [];
  if (spec.title) lines.push(spec.title);
  lines.push(`${" ".repeat(gutter)} ${spec.y.label}`);
  grid.forEach((cells, r) => {
    const label = tickRows.get(r);
    const axis =
      label === undefined
        ? `${" ".repeat(gutter)} ${chars.axis}`
        : `${label.padStart(gutter)} ${chars.yTick}`;
    lines.push(`${axis}${cells.join("")}`);
  });

  const axisLine = Array<string>(plotWidth).fill(chars.xAxis);
  const labelLine = Array<string>(plotWidth + 12).fill(" ");
  let labelEnd = -1;
  for (const tick of range.xTicks) {
    const c = column(tick);
    axisLine[c] = chars.xTick;
    const label = formatTick(spec.x, tick);
    const start = Math.max(0, c - Math.floor(label.length / 2));
    // Skip a label that would collide with the previous one; its tick mark still shows.
    if (start <= labelEnd) continue;
    for (let k = 0; k < label.length; k += 1) labelLine[start + k] = label[k] as string;
    labelEnd = start + label.length;
  }
  const indent = " ".repeat(gutter + 1);
  lines.push(`${indent}${chars.corner}${axisLine.join("")}`);
  lines.push(`${indent} ${labelLine.join("")}`);
  lines.push(
    `${indent} ${" ".repeat(Math.max(0, Math.floor((plotWidth - spec.x.label.length) / 2)))}${spec.x.label}`,
  );

  const legend: string[] = [];
  spec.series.forEach((series, i) => {
    legend.push(`${marks[i]} ${series.name}`);
    if (series.band && series.band.length > 0) legend.push(`${chars.band} ${series.bandName ?? "interval"}`);
  });
  for (const marker of spec.vertical ?? []) legend.push(`${marker.mark ?? chars.vertical} ${marker.label}`);
  for (const marker of spec.horizontal ?? []) legend.push(`${chars.horizontal} ${marker.label}`);
  // Wrapped at the plot's width (at least 60), so a long legend does not widen the output much.
  let legendLine = "";
  for (const item of legend) {
    if (legendLine !== "" && [...legendLine].length + 3 + [...item].length > Math.max(plotWidth, 60)) {
      lines.push(`${indent} ${legendLine}`);
      legendLine = item;
    } else legendLine = legendLine === "" ? item : `${legendLine}   ${item}`;
  }
  if (legendLine !== "") lines.push(`${indent} ${legendLine}`);

  return lines.map((line) => line.trimEnd()).join("\n");
}

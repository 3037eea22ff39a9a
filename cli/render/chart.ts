/**
 * A line chart described once and drawn by any renderer: `renderAsciiChart` for terminals and
 * Markdown, `renderSvgChart` for HTML pages. Renderer-neutral on purpose, so a report can build the
 * spec once and show the same picture everywhere.
 */

export interface ChartPoint {
  x: number;
  /** NaN leaves a gap in the line. */
  y: number;
}

/** An interval around a series (e.g. a 95 % confidence band), drawn behind the line. */
export interface BandPoint {
  x: number;
  lower: number;
  upper: number;
}

export interface ChartSeries {
  name: string;
  points: readonly ChartPoint[];
  band?: readonly BandPoint[];
  /** Legend text of the band, e.g. "95% interval". */
  bandName?: string;
  /** CSS colour for SVG; renderers pick from a palette when absent. */
  color?: string;
  /** Character for the terminal renderer; renderers pick one when absent. */
  mark?: string;
}

export interface ChartAxis {
  label: string;
  /** Range; derived from the data (and markers) when absent. */
  min?: number;
  max?: number;
  /** Tick positions; "nice" round numbers within the range when absent. */
  ticks?: readonly number[];
  format?: (value: number) => string;
}

/** A labelled reference line: vertical at an x value, horizontal at a y value. */
export interface ChartMarker {
  at: number;
  label: string;
  /** CSS colour for SVG (default a dark grey). */
  color?: string;
  /** Character for the terminal renderer, to tell two reference lines apart (default │). */
  mark?: string;
}

export interface ChartSpec {
  title?: string;
  x: ChartAxis;
  y: ChartAxis;
  series: readonly ChartSeries[];
  vertical?: readonly ChartMarker[];
  horizontal?: readonly ChartMarker[];
}

/** Renderers draw the rectangle [x.min, x.max] × [y.min, y.max]; this fills in what the spec left open. */
export interface ResolvedRange {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  xTicks: number[];
  yTicks: number[];
}

/** Round a value for display without floating-point tails (0.30000000000000004 → 0.3). */
function clean(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}

/**
 * About `count` evenly spaced round numbers (steps of 1, 2 or 5 × 10^k) within [min, max].
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max))) return [];
  if (min === max) return [clean(min)];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
  const ticks: number[] = [];
  // The epsilon keeps a tick that lands on max despite rounding.
  for (let tick = Math.ceil(min / nice - 1e-9) * nice; tick <= max + nice * 1e-9; tick += nice) {
    ticks.push(clean(tick));
  }
  return ticks;
}

/**
 * An axis from 0 to a round number a little above `peak`, with its ticks: e.g. 0 … 12 % in steps of
 * 2 % for a peak of 9.4 %, so small rates are not squashed against the axis and the top is labelled.
 */
export function niceScale(peak: number, count = 6): { max: number; ticks: number[] } {
  const top = peak > 0 && Number.isFinite(peak) ? peak * 1.1 : 1;
  const step = niceTicks(0, top, count)[1] ?? top;
  const steps = Math.ceil(top / step - 1e-9);
  const ticks = Array.from({ length: steps + 1 }, (_, i) => clean(i * step));
  return { max: ticks[ticks.length - 1] as number, ticks };
}

function finite(values: Iterable<number>): number[] {
  return [...values].filter(Number.isFinite);
}

/** Fills in the axis ranges and ticks the spec leaves open, from the data and the markers. */
export function resolveRange(spec: ChartSpec): ResolvedRange {
  const xs = finite([
    ...spec.series.flatMap((s) => s.points.map((p) => p.x)),
    ...(spec.vertical ?? []).map((m) => m.at),
  ]);
  const ys = finite([
    ...spec.series.flatMap((s) => s.points.map((p) => p.y)),
    ...spec.series.flatMap((s) => (s.band ?? []).flatMap((b) => [b.lower, b.upper])),
    ...(spec.horizontal ?? []).map((m) => m.at),
  ]);
  let xMin = spec.x.min ?? (xs.length > 0 ? Math.min(...xs) : 0);
  let xMax = spec.x.max ?? (xs.length > 0 ? Math.max(...xs) : 1);
  let yMin = spec.y.min ?? (ys.length > 0 ? Math.min(...ys) : 0);
  let yMax = spec.y.max ?? (ys.length > 0 ? Math.max(...ys) : 1);
  // A flat range cannot be scaled; widen it symmetrically.
  if (xMax <= xMin) [xMin, xMax] = [xMin - 0.5, xMax + 0.5];
  if (yMax <= yMin) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const inside = (min: number, max: number) => (t: number) => t >= min - 1e-12 && t <= max + 1e-12;
  return {
    xMin,
    xMax,
    yMin,
    yMax,
    xTicks: [...(spec.x.ticks ?? niceTicks(xMin, xMax))].filter(inside(xMin, xMax)),
    yTicks: [...(spec.y.ticks ?? niceTicks(yMin, yMax))].filter(inside(yMin, yMax)),
  };
}

/** Linear interpolation of a series at x; NaN outside its points or across a gap. */
export function interpolate(
  points: readonly { x: number }[],
  x: number,
  value: (index: number) => number,
): number {
  for (let i = 0; i < points.length; i += 1) {
    const right = points[i] as { x: number };
    if (right.x === x) return value(i);
    if (right.x > x) {
      if (i === 0) return Number.NaN;
      const left = points[i - 1] as { x: number };
      const share = (x - left.x) / (right.x - left.x);
      return value(i - 1) + share * (value(i) - value(i - 1));
    }
  }
  return Number.NaN;
}

export function formatTick(axis: ChartAxis, value: number): string {
  return axis.format ? axis.format(value) : String(clean(value));
}

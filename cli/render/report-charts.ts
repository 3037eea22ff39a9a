/**
 * The report's charts, as inline SVG (no scripts, fonts or external references): automation against
 * quality per arm with both intervals, the cost per decision split into model, human and
 * infrastructure, and daily series of automation rate and cost per decision.
 */

import type { ExperimentReport, Num } from "../../core/report";
import { usd } from "../../core/report/words";
import { type ChartSpec, niceScale, niceTicks } from "./chart";
import { DEFAULT_PALETTE, escapeXml, renderSvgChart } from "./svg-chart";

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const finite = (x: Num | undefined): x is number => typeof x === "number" && Number.isFinite(x);
const r2 = (x: number) => String(Math.round(x * 100) / 100);
const color = (i: number) => DEFAULT_PALETTE[i % DEFAULT_PALETTE.length] ?? "#000";
const percentTick = (x: number) => `${Number.parseFloat((x * 100).toFixed(2))}%`;

interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
}

function frame(width: number, height: number, left = 64, bottom = 56): Frame {
  const top = 40;
  return { width, height, left, top, plotWidth: width - left - 20, plotHeight: height - top - bottom };
}

function open(f: Frame, title: string): string[] {
  return [
    `<svg viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(title)}" ${FONT} font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${f.left}" y="20" font-size="14" font-weight="600">${escapeXml(title)}</text>`,
  ];
}

/** Range [lo, hi] padded by 10 % and clamped to [0, 1], for rates. */
function rateRange(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = Math.max(0.005, (hi - lo) * 0.1);
  lo = Math.max(0, lo - pad);
  hi = Math.min(1, hi + pad);
  return lo < hi ? [lo, hi] : [Math.max(0, lo - 0.05), Math.min(1, hi + 0.05)];
}

/**
 * Each arm at (automation rate, quality at decision time) with its Wilson automation interval as a
 * horizontal bar and its quality interval as a vertical one, an open circle at its quality after
 * corrections; a dashed line marks control's decision-time quality minus the margin.
 */
export function automationQualitySvg(report: ExperimentReport): string {
  const f = frame(560, 380);
  const title = "Automation vs quality at decision time per arm";
  const points = report.arms.filter((a) => finite(a.automationRate.value) && finite(a.decisionQuality.value));
  const control = report.arms.find((a) => a.control);
  const floor =
    control && finite(control.decisionQuality.value)
      ? control.decisionQuality.value - report.experiment.qualityMargin
      : undefined;
  const xs = points
    .flatMap((a) => [a.automationRate.interval[0], a.automationRate.interval[1]])
    .filter(finite);
  const ys = [
    ...points
      .flatMap((a) => [
        a.decisionQuality.value,
        a.decisionQuality.interval[0],
        a.decisionQuality.interval[1],
        a.quality.value,
      ])
      .filter(finite),
    ...(floor !== undefined ? [floor] : []),
  ];
  const [x0, x1] = rateRange(xs);
  const [y0, y1] = rateRange(ys);
  const px = (x: number) => f.left + ((x - x0) / (x1 - x0)) * f.plotWidth;
  const py = (y: number) => f.top + ((y1 - y) / (y1 - y0)) * f.plotHeight;
  const parts = open(f, title);
  for (const t of niceTicks(y0, y1, 5)) {
    parts.push(
      `<line x1="${f.left}" x2="${r2(f.left + f.plotWidth)}" y1="${r2(py(t))}" y2="${r2(py(t))}" stroke="#e5e7eb"/>`,
      `<text x="${f.left - 6}" y="${r2(py(t))}" text-anchor="end" dominant-baseline="middle" fill="#4b5563">${percentTick(t)}</text>`,
    );
  }
  const bottom = f.top + f.plotHeight;
  for (const t of niceTicks(x0, x1, 6)) {
    parts.push(
      `<line x1="${r2(px(t))}" x2="${r2(px(t))}" y1="${bottom}" y2="${bottom + 5}" stroke="#6b7280"/>`,
      `<text x="${r2(px(t))}" y="${bottom + 18}" text-anchor="middle" fill="#4b5563">${percentTick(t)}</text>`,
    );
  }
  parts.push(
    `<path d="M${f.left} ${f.top}V${bottom}H${r2(f.left + f.plotWidth)}" fill="none" stroke="#6b7280"/>`,
    `<text x="${r2(f.left + f.plotWidth / 2)}" y="${bottom + 38}" text-anchor="middle">automation rate</text>`,
    `<text transform="translate(14 ${r2(f.top + f.plotHeight / 2)}) rotate(-90)" text-anchor="middle">quality at decision time (○ after corrections)</text>`,
  );
  if (floor !== undefined && floor >= y0 && floor <= y1) {
    parts.push(
      `<line x1="${f.left}" x2="${r2(f.left + f.plotWidth)}" y1="${r2(py(floor))}" y2="${r2(py(floor))}" stroke="#dc2626" stroke-dasharray="6 4"/>`,
      `<text x="${r2(f.left + f.plotWidth - 4)}" y="${r2(py(floor) - 4)}" text-anchor="end" fill="#dc2626">control − ${Number.parseFloat((report.experiment.qualityMargin * 100).toFixed(2))} pp margin</text>`,
    );
  }
  report.arms.forEach((a, i) => {
    if (!points.includes(a)) return;
    const x = a.automationRate.value as number;
    const y = a.decisionQuality.value as number;
    const [xl, xh] = a.automationRate.interval;
    const [yl, yh] = a.decisionQuality.interval;
    const c = color(i);
    if (finite(xl) && finite(xh))
      parts.push(
        `<line x1="${r2(px(xl))}" x2="${r2(px(xh))}" y1="${r2(py(y))}" y2="${r2(py(y))}" stroke="${c}" stroke-width="2"/>`,
      );
    if (finite(yl) && finite(yh))
      parts.push(
        `<line x1="${r2(px(x))}" x2="${r2(px(x))}" y1="${r2(py(yl))}" y2="${r2(py(yh))}" stroke="${c}" stroke-width="2"/>`,
      );
    const after = a.quality.value;
    if (finite(after) && after !== y)
      // What the audits' corrections added: an open circle at quality after corrections.
      parts.push(
        `<line x1="${r2(px(x))}" x2="${r2(px(x))}" y1="${r2(py(y))}" y2="${r2(py(after))}" stroke="${c}" stroke-dasharray="2 2"/>`,
        `<circle cx="${r2(px(x))}" cy="${r2(py(after))}" r="4" fill="#fff" stroke="${c}" stroke-width="1.5"><title>${escapeXml(`${a.arm}: quality after corrections ${percentTick(after)}`)}</title></circle>`,
      );
    const tip = `${a.arm}: automation ${percentTick(x)}, quality at decision time ${percentTick(y)}`;
    // Labels go where there is room: left of points near the right edge, below points near the top.
    const anchor =
      px(x) > f.left + f.plotWidth * 0.65 ? `x="${r2(px(x) - 8)}" text-anchor="end"` : `x="${r2(px(x) + 8)}"`;
    const ly = py(y) < f.top + 18 ? py(y) + 18 : py(y) - 8;
    parts.push(
      `<circle cx="${r2(px(x))}" cy="${r2(py(y))}" r="5" fill="${c}"><title>${escapeXml(tip)}</title></circle>`,
      `<text ${anchor} y="${r2(ly)}" fill="${c}" font-weight="600" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(`${a.arm}${a.paused ? " (paused)" : ""}`)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

const COMPONENTS = [
  { key: "model", label: "model", color: "#2563eb" },
  { key: "human", label: "human", color: "#d97706" },
  { key: "infrastructure", label: "infrastructure", color: "#16a34a" },
] as const;

/** One stacked bar per arm: cost per decision split into model, human and infrastructure. */
export function costBreakdownSvg(report: ExperimentReport): string {
  const f = frame(560, 340, 72, 72);
  const title = "Cost per decision by component";
  const totals = report.arms.map((a) => a.cost.perDecision.total).filter(finite);
  const scale = niceScale(Math.max(0, ...totals));
  const py = (y: number) => f.top + ((scale.max - y) / scale.max) * f.plotHeight;
  const parts = open(f, title);
  const bottom = f.top + f.plotHeight;
  for (const t of scale.ticks) {
    parts.push(
      `<line x1="${f.left}" x2="${r2(f.left + f.plotWidth)}" y1="${r2(py(t))}" y2="${r2(py(t))}" stroke="#e5e7eb"/>`,
      `<text x="${f.left - 6}" y="${r2(py(t))}" text-anchor="end" dominant-baseline="middle" fill="#4b5563">${escapeXml(usd(t))}</text>`,
    );
  }
  const slot = f.plotWidth / Math.max(1, report.arms.length);
  const barWidth = Math.min(80, slot * 0.6);
  report.arms.forEach((a, i) => {
    const x = f.left + slot * i + (slot - barWidth) / 2;
    let base = 0;
    for (const component of COMPONENTS) {
      const value = a.cost.perDecision[component.key];
      if (!finite(value) || value <= 0) continue;
      const tip = `${a.arm} ${component.label}: ${usd(value)} per decision`;
      parts.push(
        `<rect x="${r2(x)}" y="${r2(py(base + value))}" width="${r2(barWidth)}" height="${r2(py(base) - py(base + value))}" fill="${component.color}"><title>${escapeXml(tip)}</title></rect>`,
      );
      base += value;
    }
    parts.push(
      `<text x="${r2(x + barWidth / 2)}" y="${r2(py(base) - 6)}" text-anchor="middle" font-weight="600">${escapeXml(usd(a.cost.perDecision.total))}</text>`,
      `<text x="${r2(x + barWidth / 2)}" y="${bottom + 18}" text-anchor="middle">${escapeXml(a.arm)}</text>`,
    );
  });
  parts.push(
    `<path d="M${f.left} ${f.top}V${bottom}H${r2(f.left + f.plotWidth)}" fill="none" stroke="#6b7280"/>`,
  );
  let lx = f.left;
  for (const component of COMPONENTS) {
    parts.push(
      `<rect x="${lx}" y="${f.height - 22}" width="12" height="12" fill="${component.color}"/>`,
      `<text x="${lx + 18}" y="${f.height - 12}">${component.label}</text>`,
    );
    lx += 30 + component.label.length * 7;
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** Daily series: automation rate (with Wilson bands) and cost per decision, one line per arm. */
export function dailyCharts(report: ExperimentReport): { automation: ChartSpec; cost: ChartSpec } {
  const days = [...new Set(report.daily.map((d) => d.day))].sort();
  const index = new Map(days.map((d, i) => [d, i]));
  const x = {
    label: "UTC day",
    min: 0,
    max: Math.max(1, days.length - 1),
    ticks:
      days.length <= 10 ? days.map((_, i) => i) : niceTicks(0, days.length - 1, 6).filter(Number.isInteger),
    format: (i: number) => (days[Math.round(i)] ?? "").slice(5),
  };
  const arms = report.arms.map((a) => a.arm);
  const of = (arm: string) => report.daily.filter((d) => d.arm === arm);
  const toNumber = (v: Num) => (finite(v) ? v : Number.NaN);
  const automation: ChartSpec = {
    title: "Automation rate by day",
    x,
    y: { label: "automation rate", format: percentTick },
    series: arms.map((arm, i) => ({
      name: arm,
      color: color(i),
      points: of(arm).map((d) => ({ x: index.get(d.day) ?? 0, y: toNumber(d.automationRate.value) })),
      band: of(arm).map((d) => ({
        x: index.get(d.day) ?? 0,
        lower: toNumber(d.automationRate.interval[0]),
        upper: toNumber(d.automationRate.interval[1]),
      })),
      bandName: `${arm} ${Math.round((1 - report.options.alpha) * 100)}% interval`,
    })),
  };
  const peak = Math.max(0, ...report.daily.map((d) => d.cost.perDecision.total).filter(finite));
  const scale = niceScale(peak);
  const cost: ChartSpec = {
    title: "Cost per decision by day",
    x,
    y: { label: "cost per decision", min: 0, max: scale.max, ticks: scale.ticks, format: (v) => usd(v) },
    series: arms.map((arm, i) => ({
      name: arm,
      color: color(i),
      points: of(arm).map((d) => ({ x: index.get(d.day) ?? 0, y: toNumber(d.cost.perDecision.total) })),
    })),
  };
  return { automation, cost };
}

/** Every chart of the HTML report, in page order. */
export function reportSvgCharts(report: ExperimentReport): string[] {
  const daily = dailyCharts(report);
  return [
    automationQualitySvg(report),
    costBreakdownSvg(report),
    renderSvgChart(daily.automation, { width: 560, height: 340 }),
    renderSvgChart(daily.cost, { width: 560, height: 340 }),
  ];
}

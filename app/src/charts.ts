/**
 * Every chart of the app, drawn with Chart.js 4 (bundled into the page, no CDN). Chart.js because it
 * draws on a canvas with no inline style sheet or eval (the page's CSP allows neither), has every
 * chart type needed here (line with bands, stacked bars, scatter) in one well-kept package of about
 * 70 kB gzipped with only the parts registered below, and takes plain arrays.
 * Each chart is an image with a text label; the numbers are also in a table next to it.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  type ChartDataset,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from "chart.js";
import type { ExperimentReport } from "../../core/report/types";
import type { Series } from "./logic";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
);

// No animation (screenshots and tests read a finished chart); the chart fills its box.
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

/** Colour-blind-safe (Okabe–Ito), dark enough on white. */
export const PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];
const COMPONENTS = { model: "#0072b2", human: "#d55e00", infrastructure: "#7a7a7a" };
export const color = (i: number) => PALETTE[i % PALETTE.length] ?? "#333";
export const faded = (hex: string) => `${hex}33`;

const charts = new Map<HTMLCanvasElement, { destroy(): void }>();

export function draw<T extends "scatter" | "bar" | "line">(
  canvas: HTMLCanvasElement,
  config: ChartConfiguration<T>,
): Chart<T> {
  charts.get(canvas)?.destroy();
  const chart = new Chart<T>(canvas, config);
  charts.set(canvas, chart);
  return chart;
}

/** Drops every chart (before a page switch), so no resize observer outlives its canvas. */
export function destroyCharts(): void {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
}

export const percentAxis = (title: string) => ({
  title: { display: true, text: title },
  ticks: { callback: (value: string | number) => `${Math.round(Number(value) * 100)}%` },
});

/**
 * Automation (x) against quality at decision time (y) per arm, each with its interval as whiskers,
 * an open circle at its quality after corrections, and control's decision-time quality − margin as
 * a dashed line: the same picture as the HTML report's (cli/render/report-charts.ts).
 */
export function automationVsQuality(canvas: HTMLCanvasElement, report: ExperimentReport): Chart<"scatter"> {
  const datasets: ChartDataset<"scatter", { x: number; y: number }[]>[] = [];
  report.arms.forEach((arm, i) => {
    const x = arm.automationRate.value;
    const y = arm.decisionQuality.value;
    if (x === null || y === null) return;
    const [xl, xu] = arm.automationRate.interval;
    const [yl, yu] = arm.decisionQuality.interval;
    datasets.push({ label: arm.arm, data: [{ x, y }], backgroundColor: color(i), pointRadius: 6 });
    const after = arm.quality.value;
    if (after !== null && after !== y)
      datasets.push({
        label: `${arm.arm} after corrections`,
        data: [{ x, y: after }],
        backgroundColor: "#fff",
        borderColor: color(i),
        borderWidth: 2,
        pointRadius: 5,
      });
    const whisker = (points: { x: number; y: number }[]) =>
      datasets.push({
        label: `${arm.arm} interval`,
        data: points,
        showLine: true,
        borderColor: color(i),
        pointRadius: 0,
        borderWidth: 2,
      });
    if (xl !== null && xu !== null)
      whisker([
        { x: xl, y },
        { x: xu, y },
      ]);
    if (yl !== null && yu !== null)
      whisker([
        { x, y: yl },
        { x, y: yu },
      ]);
  });
  const control = report.arms.find((a) => a.control)?.decisionQuality.value;
  if (control !== null && control !== undefined) {
    const xs = report.arms.flatMap((a) => a.automationRate.interval.filter((v): v is number => v !== null));
    const floor = control - report.experiment.qualityMargin;
    datasets.push({
      label: "control quality − margin",
      data: [
        { x: Math.min(...xs, 0), y: floor },
        { x: Math.max(...xs, 1), y: floor },
      ],
      showLine: true,
      borderDash: [6, 4],
      borderColor: "#555",
      pointRadius: 0,
    });
  }
  return draw(canvas, {
    type: "scatter",
    data: { datasets },
    options: {
      plugins: {
        legend: {
          labels: {
            filter: (item) => !item.text.endsWith(" interval") && !item.text.endsWith(" after corrections"),
          },
        },
      },
      scales: {
        x: percentAxis("automation rate"),
        y: percentAxis("quality at decision time (○ after corrections)"),
      },
    },
  });
}

/** Cost per decision per arm, stacked by component. */
export function costByComponent(canvas: HTMLCanvasElement, report: ExperimentReport): Chart<"bar"> {
  const labels = report.arms.map((a) => a.arm);
  const component = (name: keyof typeof COMPONENTS): ChartDataset<"bar", (number | null)[]> => ({
    label: name,
    data: report.arms.map((a) => a.cost.perDecision[name]),
    backgroundColor: COMPONENTS[name],
    stack: "cost",
  });
  return draw(canvas, {
    type: "bar",
    data: { labels, datasets: [component("model"), component("human"), component("infrastructure")] },
    options: {
      scales: {
        x: { stacked: true },
        y: { stacked: true, title: { display: true, text: "US$ per decision" } },
      },
    },
  });
}

/** One line per arm over the series' periods; a band from `lower` to `upper` where given. */
function lines(
  canvas: HTMLCanvasElement,
  series: Series,
  pick: "automation" | "costPerDecision",
  axis: object,
) {
  const datasets: ChartDataset<"line", (number | null)[]>[] = [];
  series[pick].forEach((arm, i) => {
    if (arm.upper.some((v) => v !== null)) {
      datasets.push({
        label: `${arm.arm} upper`,
        data: arm.upper,
        pointRadius: 0,
        borderWidth: 0,
        fill: false,
      });
      datasets.push({
        label: `${arm.arm} lower`,
        data: arm.lower,
        pointRadius: 0,
        borderWidth: 0,
        backgroundColor: faded(color(i)),
        fill: "-1",
      });
    }
    datasets.push({
      label: arm.arm,
      data: arm.values,
      borderColor: color(i),
      backgroundColor: color(i),
      spanGaps: true,
    });
  });
  return draw(canvas, {
    type: "line",
    data: { labels: series.labels, datasets },
    options: {
      plugins: { legend: { labels: { filter: (item) => !/ (upper|lower)$/.test(item.text) } } },
      scales: { y: axis },
    },
  });
}

export const automationOverTime = (canvas: HTMLCanvasElement, series: Series) =>
  lines(canvas, series, "automation", percentAxis(`automation rate by ${series.grain}`));

export const costOverTime = (canvas: HTMLCanvasElement, series: Series) =>
  lines(canvas, series, "costPerDecision", {
    title: { display: true, text: `US$ per decision by ${series.grain}` },
  });

/** Cost per decision by UTC day: one stacked bar per arm and day, split into model, human, infrastructure. */
export function dailyCostByComponent(canvas: HTMLCanvasElement, report: ExperimentReport): Chart<"bar"> {
  const days = [...new Set(report.daily.map((d) => d.day))].sort();
  const arms = report.arms.map((a) => a.arm);
  const datasets = arms.flatMap((arm) =>
    (["model", "human", "infrastructure"] as const).map(
      (component): ChartDataset<"bar", (number | null)[]> => ({
        label: `${arm} ${component}`,
        data: days.map(
          (day) =>
            report.daily.find((d) => d.day === day && d.arm === arm)?.cost.perDecision[component] ?? null,
        ),
        backgroundColor: COMPONENTS[component],
        borderColor: "#fff",
        borderWidth: 1,
        stack: arm,
      }),
    ),
  );
  return draw(canvas, {
    type: "bar",
    data: { labels: days, datasets },
    options: {
      scales: {
        x: { stacked: true },
        y: { stacked: true, title: { display: true, text: "US$ per decision" } },
      },
    },
  });
}

/** Share of each day's corrections acknowledged at each stage. */
export function closureOverTime(
  canvas: HTMLCanvasElement,
  days: { key: string; stages: Record<string, { rate: number | null }> }[],
): Chart<"line"> {
  const stages = ["training", "evaluation", "deployed"];
  return draw(canvas, {
    type: "line",
    data: {
      labels: days.map((d) => d.key),
      datasets: stages.map((stage, i) => ({
        label: stage,
        data: days.map((d) => d.stages[stage]?.rate ?? null),
        borderColor: color(i),
        backgroundColor: color(i),
      })),
    },
    options: { scales: { y: { min: 0, max: 1, ...percentAxis("closure rate") } } },
  });
}

/** A comparison's difference over time with its sequential interval as a band, one per metric, in pp. */
export function sequentialOverTime(
  canvas: HTMLCanvasElement,
  labels: string[],
  lines: { label: string; values: (number | null)[]; lower: (number | null)[]; upper: (number | null)[] }[],
): Chart<"line"> {
  const datasets: ChartDataset<"line", (number | null)[]>[] = [];
  lines.forEach((line, i) => {
    datasets.push({
      label: `${line.label} upper`,
      data: line.upper,
      pointRadius: 0,
      borderWidth: 0,
      fill: false,
    });
    datasets.push({
      label: `${line.label} lower`,
      data: line.lower,
      pointRadius: 0,
      borderWidth: 0,
      backgroundColor: faded(color(i)),
      fill: "-1",
    });
    datasets.push({
      label: line.label,
      data: line.values,
      borderColor: color(i),
      backgroundColor: color(i),
      spanGaps: true,
    });
  });
  datasets.push({
    label: "no difference",
    data: labels.map(() => 0),
    borderColor: "#555",
    borderDash: [6, 4],
    pointRadius: 0,
  });
  return draw(canvas, {
    type: "line",
    data: { labels, datasets },
    options: {
      plugins: { legend: { labels: { filter: (item) => !/ (upper|lower)$/.test(item.text) } } },
      scales: {
        y: {
          title: { display: true, text: "treatment − control (pp), sequential interval" },
          ticks: { callback: (value: string | number) => `${Math.round(Number(value) * 1000) / 10}` },
        },
      },
    },
  });
}

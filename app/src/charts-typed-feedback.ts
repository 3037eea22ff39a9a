/** The typed feedback's chart: every share per arm as a dot with its interval as a whisker, on 0–100%. */
import type { Chart, ChartDataset } from "chart.js";
import { color, draw, percentAxis } from "./charts";
import type { ShareRow } from "./typed-feedback-logic";

/** Rows top to bottom (y is the row's index; its tick shows the row's label). */
export function typedFeedbackChart(canvas: HTMLCanvasElement, rows: ShareRow[]): Chart<"scatter"> {
  const datasets: ChartDataset<"scatter", { x: number; y: number }[]>[] = [];
  rows.forEach((row, y) => {
    const x = row.share.value ?? 0;
    datasets.push({ label: row.label, data: [{ x, y }], backgroundColor: color(row.arm), pointRadius: 5 });
    const [lower, upper] = row.share.interval;
    if (lower !== null && upper !== null)
      datasets.push({
        label: `${row.label} interval`,
        data: [
          { x: lower, y },
          { x: upper, y },
        ],
        showLine: true,
        borderColor: color(row.arm),
        borderWidth: 3,
        pointRadius: 0,
      });
  });
  return draw(canvas, {
    type: "scatter",
    data: { datasets },
    options: {
      plugins: { legend: { display: false } },
      scales: {
        x: { min: 0, max: 1, ...percentAxis("share of verdicts or decisions, with its interval") },
        y: {
          reverse: true,
          min: -0.5,
          max: rows.length - 0.5,
          afterBuildTicks: (axis) => {
            axis.ticks = rows.map((_, value) => ({ value }));
          },
          ticks: { autoSkip: false, callback: (value) => rows[Number(value)]?.label ?? "" },
          grid: { display: false },
        },
      },
    },
  });
}

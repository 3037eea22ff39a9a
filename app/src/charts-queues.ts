/** The Queues page's charts: waiting items now, and each queue and tier over time. */
import type { Chart, ChartDataset } from "chart.js";
import { color, draw, faded } from "./charts";

/** Waiting items per queue, stacked: within the SLA, near it (last 20%), past it. */
export function queueDepths(
  canvas: HTMLCanvasElement,
  stats: { queue: string; depth: number; nearSla: number; pastSla: number }[],
): Chart<"bar"> {
  const part = (label: string, pick: (s: (typeof stats)[number]) => number, backgroundColor: string) => ({
    label,
    data: stats.map(pick),
    backgroundColor,
    stack: "depth",
  });
  return draw(canvas, {
    type: "bar",
    data: {
      labels: stats.map((s) => s.queue),
      datasets: [
        part("within SLA", (s) => Math.max(0, s.depth - s.nearSla - s.pastSla), "#009e73"),
        part("near SLA", (s) => s.nearSla, "#e69f00"),
        part("past SLA", (s) => s.pastSla, "#d55e00"),
      ],
    },
    options: {
      indexAxis: "y",
      scales: { x: { stacked: true, title: { display: true, text: "waiting items" } }, y: { stacked: true } },
    },
  });
}

/** Waiting items over time, one line per queue and tier. */
export function queueHistoryDepth(
  canvas: HTMLCanvasElement,
  labels: string[],
  series: { name: string; depth: number[] }[],
): Chart<"line"> {
  return draw(canvas, {
    type: "line",
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.name,
        data: s.depth,
        borderColor: color(i),
        backgroundColor: color(i),
        pointRadius: 0,
        stepped: true,
      })),
    },
    options: { scales: { y: { min: 0, title: { display: true, text: "waiting items" } } } },
  });
}

/** One queue and tier over time: waiting items stacked by SLA state, and the oldest item's age (right axis). */
export function queueHistorySla(
  canvas: HTMLCanvasElement,
  labels: string[],
  points: { depth: number; nearSla: number; pastSla: number; oldestAgeSeconds: number }[],
): Chart<"line"> {
  const part = (label: string, data: number[], hex: string): ChartDataset<"line", number[]> => ({
    label,
    data,
    borderColor: hex,
    backgroundColor: faded(hex),
    fill: true,
    pointRadius: 0,
    stepped: true,
    yAxisID: "y",
    stack: "items",
  });
  return draw(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [
        part(
          "within SLA",
          points.map((p) => Math.max(0, p.depth - p.nearSla - p.pastSla)),
          "#009e73",
        ),
        part(
          "near SLA",
          points.map((p) => p.nearSla),
          "#e69f00",
        ),
        part(
          "past SLA",
          points.map((p) => p.pastSla),
          "#d55e00",
        ),
        {
          label: "oldest item's age (min)",
          data: points.map((p) => (p.depth === 0 ? Number.NaN : p.oldestAgeSeconds / 60)),
          borderColor: "#555",
          borderDash: [6, 4],
          pointRadius: 0,
          yAxisID: "age",
        },
      ],
    },
    options: {
      scales: {
        y: { stacked: true, min: 0, title: { display: true, text: "waiting items" } },
        age: {
          position: "right",
          min: 0,
          grid: { drawOnChartArea: false },
          title: { display: true, text: "minutes" },
        },
      },
    },
  });
}

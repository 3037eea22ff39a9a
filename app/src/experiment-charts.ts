/**
 * The experiment page's charts, each with its canvas id, title and label: one list that the app's
 * experiment page and the HTML report file (report-file.ts) both draw, so the two never disagree.
 */
import type { ExperimentReport } from "../../core/report/types";
import { automationOverTime, automationVsQuality, costByComponent, costOverTime } from "./charts";
import { seriesOf } from "./logic";

export interface ChartPart {
  /** The canvas's id. */
  id: string;
  /** The chart's heading. */
  title: string;
  /** What the chart shows, for screen readers (the canvas's label). */
  label: string;
  /** Draws it on a canvas that is in the document (Chart.js measures its box); returns the Chart.js instance. */
  draw: (canvas: HTMLCanvasElement) => object;
}

export function experimentCharts(report: ExperimentReport): ChartPart[] {
  const series = seriesOf(report);
  return [
    {
      id: "chart-quality",
      title: "Automation against quality at decision time",
      label:
        "Automation rate against quality at decision time per arm, with intervals; open circles: quality after corrections",
      draw: (c) => automationVsQuality(c, report),
    },
    {
      id: "chart-cost",
      title: "Cost per decision by component",
      label: "Cost per decision per arm by component",
      draw: (c) => costByComponent(c, report),
    },
    {
      id: "chart-automation",
      title: `Automation by ${series.grain}`,
      label: `Automation rate by ${series.grain} per arm with Wilson bands`,
      draw: (c) => automationOverTime(c, series),
    },
    {
      id: "chart-cost-series",
      title: `Cost per decision by ${series.grain}`,
      label: `Cost per decision by ${series.grain} per arm`,
      draw: (c) => costOverTime(c, series),
    },
  ];
}

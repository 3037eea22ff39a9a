/**
 * The script of the HTML report file (`hitl report ID --format html`): reads the report the file
 * embeds and draws the experiment page's charts with the experiment page's own chart functions
 * (charts.ts, logic.ts), so the file and the app never disagree. Bundled with Chart.js by
 * app/build.ts and inlined into the file, which its CSP lets run only this script.
 */
import type { Chart } from "chart.js";
import type { ExperimentReport } from "../../core/report/types";
import { automationOverTime, automationVsQuality, costByComponent, costOverTime } from "./charts";
import { typedFeedbackChart } from "./charts-typed-feedback";
import { byId, chartCanvas, h } from "./dom";
import { seriesOf } from "./logic";
import {
  REPORT_CHARTS_GLOBAL,
  REPORT_CHARTS_ID,
  REPORT_DATA_ID,
  REPORT_FEEDBACK_CHART_ID,
} from "./report-file-contract";
import { typedFeedbackShares } from "./typed-feedback-logic";

const report = JSON.parse(byId(REPORT_DATA_ID).textContent ?? "null") as ExperimentReport;
const series = seriesOf(report);

/** The experiment page's four charts: the same canvas ids, labels, titles and drawing code. */
const charts: { id: string; title: string; label: string; draw: (c: HTMLCanvasElement) => Chart }[] = [
  {
    id: "chart-quality",
    title: "Automation against quality",
    label: "Automation rate against quality per arm, with intervals",
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

const box = byId(REPORT_CHARTS_ID);
const drawn: Record<string, Chart> = {};
// Canvases first, then drawing: Chart.js measures each canvas's box, which must be in the document.
const canvases = charts.map((chart) => {
  const { box: inner, canvas } = chartCanvas(chart.id, chart.label);
  box.append(h("figure", { "aria-label": chart.title }, h("figcaption", {}, chart.title), inner));
  return canvas;
});
charts.forEach((chart, i) => {
  const canvas = canvases[i];
  if (canvas) drawn[chart.id] = chart.draw(canvas);
});

// The typed feedback's chart goes into its own section, beside that feedback's tables.
const shares = typedFeedbackShares(report);
const feedbackBox = document.getElementById(REPORT_FEEDBACK_CHART_ID);
if (feedbackBox && shares.length > 0) {
  const label = "Typed feedback per arm: each share with its interval";
  const { box: inner, canvas } = chartCanvas("chart-typed-feedback", label);
  // One row per share: the box grows with the rows (CSSOM, which the file's CSP allows).
  inner.style.height = `${80 + 26 * shares.length}px`;
  feedbackBox.append(
    h("figure", { "aria-label": label }, h("figcaption", {}, "Typed feedback per arm"), inner),
  );
  drawn["chart-typed-feedback"] = typedFeedbackChart(canvas, shares);
}

Object.defineProperty(window, REPORT_CHARTS_GLOBAL, { value: Object.freeze(drawn) });

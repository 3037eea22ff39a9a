/**
 * The script of the HTML report file (`hitl report ID --format html`): reads the report the file
 * embeds and draws the experiment page's charts from the experiment page's own list
 * (experiment-charts.ts), so the file and the app never disagree. Bundled with Chart.js by
 * app/build.ts and inlined into the file, which its CSP lets run only this script.
 */
import type { ExperimentReport } from "../../core/report/types";
import { typedFeedbackChart } from "./charts-typed-feedback";
import { byId, chartCanvas, h } from "./dom";
import { experimentCharts } from "./experiment-charts";
import {
  REPORT_CHARTS_GLOBAL,
  REPORT_CHARTS_ID,
  REPORT_DATA_ID,
  REPORT_FEEDBACK_CHART_ID,
} from "./report-file-contract";
import { typedFeedbackShares } from "./typed-feedback-logic";

const report = JSON.parse(byId(REPORT_DATA_ID).textContent ?? "null") as ExperimentReport;
const charts = experimentCharts(report);

const box = byId(REPORT_CHARTS_ID);
const drawn: Record<string, object> = {};
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

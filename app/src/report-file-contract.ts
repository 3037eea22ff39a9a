/**
 * What the HTML report file (cli/render/report-html.ts) and its script (report-file.ts) agree on.
 * No DOM here: the CLI imports it.
 */

/** The `<script type="application/json">` holding the report. */
export const REPORT_DATA_ID = "report";

/** The element the script fills with the charts. */
export const REPORT_CHARTS_ID = "charts";

/** The element the script fills with the typed feedback's chart, when the report has shares. */
export const REPORT_FEEDBACK_CHART_ID = "feedback-charts";

/** Where the script leaves its Chart.js instances by canvas id, for scripts reading the open file. */
export const REPORT_CHARTS_GLOBAL = "hitlReportCharts";

/** The report as JSON that can stand inside a `<script>` element: no `<` (so no `</script` or `<!--`). */
export const embeddableJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

/**
 * `hitl report ID --format html`: one self-contained page, so it opens from a file, works offline
 * and can be attached to a ticket. The tables are text; the charts are the web app's experiment
 * page's, drawn by its own code: the file embeds the report as JSON and the app's report-file
 * script (Chart.js inside), and its CSP lets run only that script and style. No external references.
 */

import { reportFileScriptSync, sha256 } from "../../app/build";
import {
  embeddableJson,
  REPORT_CHARTS_ID,
  REPORT_DATA_ID,
  REPORT_FEEDBACK_CHART_ID,
} from "../../app/src/report-file-contract";
import { typedFeedbackShares } from "../../app/src/typed-feedback-logic";
import type { ExperimentReport } from "../../core/report";
import { agreementFamilyTable, perLabelLine } from "./agreement-table";
import { typedFeedbackTables } from "./feedback-types";
import { financeTable } from "./finance";
import { BASE_STYLE } from "./html-style";
import { certificateLines, qualityDefinitions } from "./report-quality";
import {
  agreementLine,
  armTable,
  comparisonNotes,
  comparisonTable,
  guardrailLine,
  headerLine,
  srmLine,
} from "./report-text";
import { escapeXml } from "./svg-chart";
import type { Table } from "./table";

export interface ReportHtmlOptions {
  /** Shown in the footer; omitted when absent, which keeps test output stable. */
  generatedAt?: string;
}

const STYLE = `${BASE_STYLE}
  main { max-width: 1180px; margin: 0 auto; padding: 24px; }
  .meta { color: #4b5563; margin: 0 0 16px; }
  .answer { padding: 12px 16px; border-radius: 6px; border-left: 5px solid; background: #fff; font-weight: 600; }
  .answer.ship { border-color: #16a34a; }
  .answer.keep-control { border-color: #dc2626; }
  .answer.keep-running, .answer.investigate { border-color: #d97706; }
  .warnings li { color: #92400e; }
  td:first-child, th:first-child, td.l { text-align: left; }
  .scroll { overflow-x: auto; }
  .charts figcaption { font-weight: 600; margin: 0 0 4px; }
  .chart { position: relative; height: 280px; }
`;

/** The file may run only its own inline script and style, and load nothing. */
const contentSecurityPolicy = (scriptHash: string) =>
  [
    "default-src 'none'",
    `script-src '${scriptHash}'`,
    `style-src '${sha256(STYLE)}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");

function htmlTable(table: Table): string {
  const esc = escapeXml;
  return [
    '<div class="scroll"><table>',
    `<thead><tr>${table.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...table.rows.map(
      (row) =>
        `<tr>${row.map((cell, c) => `<td${table.align?.[c] === "left" ? ' class="l"' : ""}>${esc(cell)}</td>`).join("")}</tr>`,
    ),
    "</tbody></table></div>",
  ].join("\n");
}

const list = (items: readonly string[], className = "") =>
  items.length === 0
    ? ""
    : `<ul${className ? ` class="${className}"` : ""}>\n${items.map((i) => `<li>${escapeXml(i)}</li>`).join("\n")}\n</ul>`;

/** The typed feedback's tables and the box its chart is drawn in; empty for an experiment that declares none. */
function typedFeedbackHtml(report: ExperimentReport): string {
  const tables = typedFeedbackTables(report);
  if (tables.length === 0) return "";
  return [
    "<h2>Feedback by type</h2>",
    ...(typedFeedbackShares(report).length > 0
      ? [
          `<section class="charts" id="${REPORT_FEEDBACK_CHART_ID}" aria-label="Typed feedback chart"></section>`,
        ]
      : []),
    ...tables.flatMap(({ title, table }) => [`<h3>${escapeXml(title)}</h3>`, htmlTable(table)]),
  ].join("\n");
}

export function renderReportHtml(report: ExperimentReport, options: ReportHtmlOptions = {}): string {
  const esc = escapeXml;
  const r = report.recommendation;
  const script = reportFileScriptSync();
  const comparisons =
    report.comparisons.length === 0
      ? ""
      : [
          "<h2>Against control</h2>",
          `<p>Adjusted p-values across every comparison (${esc(report.options.correction)}); * = significant at ${esc(String(report.options.alpha))}. The sequential interval stays valid however often the report is read.</p>`,
          htmlTable(comparisonTable(report)),
          ...comparisonNotes(report).map((note) => `<p class="note">${esc(note)}</p>`),
          "<h2>Quality guardrail</h2>",
          list(report.comparisons.map(guardrailLine)),
        ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(script.hash)}">
<title>Experiment report: ${esc(report.experimentId)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Experiment ${esc(report.experimentId)}</h1>
<p class="meta">${esc(headerLine(report))}</p>
<p class="answer ${esc(r.decision)}">${esc(r.headline)}</p>
${list(r.reasons)}
${
  report.warnings.length > 0
    ? `<h2>Warnings</h2>\n${list(
        report.warnings.map((w) => w.message),
        "warnings",
      )}`
    : ""
}
<h2>Charts</h2>
<section class="charts" id="${REPORT_CHARTS_ID}" aria-label="Charts">
<noscript><p>The charts need JavaScript; the tables below hold every number.</p></noscript>
</section>
<h2>Per arm (${Math.round((1 - report.options.alpha) * 100)}% intervals)</h2>
${htmlTable(armTable(report))}
${qualityDefinitions(report)
  .map((d) => `<p class="note">${esc(d)}</p>`)
  .join("\n")}
${comparisons}
${typedFeedbackHtml(report)}
${certificateLines(report).length > 0 ? `<h2>Live certificates</h2>\n${list(certificateLines(report))}` : ""}
<h2>Checks</h2>
${list([`Sample ratio: ${srmLine(report)}`, `Reviewer agreement: ${agreementLine(report)}`])}
${
  report.agreement.family && report.agreement.family.overall.items > 0
    ? `<h2>Agreement of the blind reviews</h2>\n${htmlTable(agreementFamilyTable(report.agreement.family))}\n<p>${esc(perLabelLine(report.agreement.family))}</p>`
    : ""
}
<h2>Finance</h2>
${htmlTable(financeTable(report))}
<p>Projection at the volume and cost of the last ${report.finance.windowHours} hours with data.</p>
<h2>Not tested</h2>
${list(report.notTested.map((n) => `${n.metric}: ${n.reason}`))}
<footer>hitl report · schema v${report.schemaVersion}${options.generatedAt ? ` · ${esc(options.generatedAt)}` : ""}</footer>
</main>
<script type="application/json" id="${REPORT_DATA_ID}">${embeddableJson(report)}</script>
<script>${script.code}</script>
</body>
</html>
`;
}

/**
 * `hitl replay --html FILE`: one self-contained page (inline CSS and SVG, no scripts, no external
 * references), so it opens from a file, works offline and can be attached to a ticket.
 */

import type { ReplayResult } from "../../core/replay";
import { BASE_STYLE } from "./html-style";
import {
  assumptionLines,
  BAD_LINES_SHOWN,
  certificateLines,
  replayCharts,
  replayTable,
  summaryLines,
} from "./replay-report";
import { escapeXml, renderSvgChart } from "./svg-chart";

export interface ReplayHtmlOptions {
  source: string;
  /** Shown in the footer; omitted when absent, which keeps test output stable. */
  generatedAt?: string;
}

const STYLE = `${BASE_STYLE}
  main { max-width: 1100px; margin: 0 auto; padding: 24px; }
  .source { color: #4b5563; margin: 0 0 16px; }
  .answer { padding: 12px 16px; border-radius: 6px; border-left: 5px solid; background: #fff; }
  .answer.met { border-color: #16a34a; }
  .answer.unmet { border-color: #dc2626; }
  td:last-child, th:last-child { text-align: left; }
  tr.recommended td { background: #dcfce7; font-weight: 600; }
  tr.certified td:nth-last-child(2) { color: #15803d; font-weight: 600; }
  .certificate { padding: 12px 16px; border-radius: 6px; border-left: 5px solid #15803d; background: #fff; }
  .certificate.none { border-color: #b45309; }
  code { background: #f3f4f6; padding: 1px 4px; border-radius: 3px; }
`;

export function renderReplayHtml(result: ReplayResult, options: ReplayHtmlOptions): string {
  const charts = replayCharts(result);
  const table = replayTable(result);
  const recommended = result.recommendation.met ? result.recommendation.threshold : undefined;
  const certified = result.certificate?.threshold ?? undefined;
  const esc = escapeXml;

  const tableRows = result.rows.map((row, i) => {
    const cells = (table.rows[i] ?? []).map((text) => `<td>${esc(text)}</td>`).join("");
    const classes = [
      ...(row.threshold === recommended ? ["recommended"] : []),
      ...(row.threshold === certified ? ["certified"] : []),
    ];
    return `<tr${classes.length > 0 ? ` class="${classes.join(" ")}"` : ""}>${cells}</tr>`;
  });
  const [certificateTitle, ...certificateBody] = certificateLines(result);
  const bad = result.badLines.slice(0, BAD_LINES_SHOWN * 5);
  const badSection =
    result.badLineCount === 0
      ? ""
      : [
          `<h2>Skipped lines (${result.badLineCount})</h2>`,
          "<ul>",
          ...bad.map((line) => `<li>line ${line.line}: ${esc(line.reason)}</li>`),
          result.badLineCount > bad.length ? `<li>… and ${result.badLineCount - bad.length} more</li>` : "",
          "</ul>",
        ].join("\n");

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Replay: ${esc(options.source)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Which confidence threshold?</h1>
<p class="source">Replay of historical decisions from <code>${esc(options.source)}</code></p>
<p class="answer ${result.recommendation.met ? "met" : "unmet"}">${esc(result.recommendation.message)}</p>
<div class="certificate${certified === undefined ? " none" : ""}">
<p><strong>${esc(certificateTitle ?? "")}</strong></p>
${certificateBody.map((line) => `<p>${esc(line.trim())}</p>`).join("\n")}
</div>
<ul>
${summaryLines(result, options.source)
  .map((line) => `<li>${esc(line)}</li>`)
  .join("\n")}
</ul>
<section class="charts">
${[charts.automation, charts.errors, charts.cost].map((spec) => `<figure>\n${renderSvgChart(spec)}\n</figure>`).join("\n")}
</section>
<h2>Per threshold</h2>
<table>
<thead><tr>${table.header.map((head) => `<th>${esc(head)}</th>`).join("")}</tr></thead>
<tbody>
${tableRows.join("\n")}
</tbody>
</table>
<p>${esc(`${Math.round(result.confidence * 1000) / 10}%`)} intervals in parentheses.</p>
${badSection}
<h2>Assumptions</h2>
<ul>
${assumptionLines(result)
  .map((line) => `<li>${esc(line)}</li>`)
  .join("\n")}
</ul>
<footer>hitl replay${options.generatedAt ? ` · ${esc(options.generatedAt)}` : ""}</footer>
</main>
</body>
</html>
`;
}

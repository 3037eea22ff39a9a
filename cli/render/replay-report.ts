/**
 * Renders a replay result (core/replay) as a terminal table, Markdown, CSV or JSON, and the charts
 * those formats and the HTML page share.
 */

import type { ReplayResult, ThresholdRow } from "../../core/replay";
import { formatPValue } from "../../core/stats";
import { renderAsciiChart } from "./ascii-chart";
import { type ChartSpec, niceScale } from "./chart";
import { count, percent, percentRange, plural, usd } from "./format";
import { renderCsv, renderMarkdownTable, renderTextTable, type Table } from "./table";

/** How many bad lines the text formats print; JSON lists all the result holds. */
export const BAD_LINES_SHOWN = 20;

/** Two decimals at least, more when a threshold needs them (0.955). */
export function formatThreshold(threshold: number): string {
  const decimals = Math.min(10, Math.max(2, (String(threshold).split(".")[1] ?? "").length));
  return threshold.toFixed(decimals);
}

function level(result: ReplayResult): string {
  return `${Math.round(result.confidence * 1000) / 10}%`;
}

function recommendedThreshold(result: ReplayResult): number | undefined {
  return result.recommendation.met ? result.recommendation.threshold : undefined;
}

function certifiedThreshold(result: ReplayResult): number | undefined {
  return result.certificate?.threshold ?? undefined;
}

/** Vertical lines at the recommended and the certified threshold (one line when they coincide). */
function thresholdMarkers(result: ReplayResult) {
  const recommended = recommendedThreshold(result);
  const certified = certifiedThreshold(result);
  if (recommended !== undefined && recommended === certified)
    return [{ at: recommended, label: `recommended = certified ${formatThreshold(recommended)}` }];
  return [
    ...(recommended === undefined
      ? []
      : [{ at: recommended, label: `recommended ${formatThreshold(recommended)}` }]),
    ...(certified === undefined
      ? []
      : [{ at: certified, label: `certified ${formatThreshold(certified)}`, color: "#15803d", mark: "┆" }]),
  ];
}

/**
 * The replay's charts: automation rate, error rates (with the target), and cost per decision, each
 * against the threshold and marking the recommended and the certified threshold.
 */
export function replayCharts(result: ReplayResult): {
  automation: ChartSpec;
  errors: ChartSpec;
  cost: ChartSpec;
} {
  const rows = result.rows;
  const vertical = thresholdMarkers(result);
  const x = {
    label: "confidence threshold",
    min: rows[0]?.threshold,
    max: rows[rows.length - 1]?.threshold,
    format: (value: number) => formatThreshold(value),
    // A short list of thresholds reads best with exactly those ticks.
    ticks: rows.length <= 8 ? rows.map((row) => row.threshold) : undefined,
  };
  const bandName = `${level(result)} interval`;
  // Axis ticks are round numbers: "5%", "2.5%", not "5.0%".
  const tickPercent = (value: number) => `${Number((value * 100).toFixed(2))}%`;

  const errorPeak = Math.max(
    result.targetError * 1.5,
    ...rows.filter((row) => row.automated > 0).map((row) => row.errorRateAutomated),
  );
  const costPeak = Math.max(0, ...rows.map((row) => row.costPerDecisionInterval[1]).filter(Number.isFinite));
  const errorScale = niceScale(errorPeak);
  const costScale = niceScale(costPeak);

  return {
    automation: {
      title: "Automation rate by threshold",
      x,
      y: { label: "automated", min: 0, max: 1, format: tickPercent },
      series: [
        {
          name: "automation rate",
          points: rows.map((row) => ({ x: row.threshold, y: row.automationRate })),
          band: rows.map((row) => band(row.threshold, row.automationRateInterval)),
          bandName,
        },
      ],
      vertical,
    },
    errors: {
      title: "Error rate by threshold",
      x,
      y: { label: "errors", min: 0, max: errorScale.max, ticks: errorScale.ticks, format: tickPercent },
      series: [
        {
          name: "error among automated",
          points: rows.map((row) => ({ x: row.threshold, y: row.errorRateAutomated })),
          band: rows.map((row) => band(row.threshold, row.errorRateAutomatedInterval)),
          bandName,
        },
        {
          name: "error overall (reviews correct)",
          points: rows.map((row) => ({ x: row.threshold, y: row.errorRateOverall })),
        },
      ],
      vertical,
      horizontal: [
        { at: result.targetError, label: `target ${percent(result.targetError, 2)}`, color: "#b45309" },
      ],
    },
    cost: {
      title: "Cost per decision by threshold",
      x,
      y: {
        label: "USD per decision",
        min: 0,
        max: costScale.max,
        ticks: costScale.ticks,
        // Cents when costs are dollars, tenths of a cent when they are fractions of a cent.
        format: (value) => usd(value, costPeak >= 0.1 ? 2 : costPeak >= 0.01 ? 3 : 4),
      },
      series: [
        {
          name: "cost per decision",
          points: rows.map((row) => ({ x: row.threshold, y: row.costPerDecisionUsd })),
          band: rows.map((row) => band(row.threshold, row.costPerDecisionInterval)),
          bandName,
        },
      ],
      vertical,
    },
  };
}

function band(x: number, [lower, upper]: readonly [number, number]) {
  return { x, lower, upper };
}

function describeCost(result: ReplayResult): string {
  const { cost, defaulted } = result;
  const model =
    defaulted.costUsd === 0
      ? "model cost from costUsd"
      : defaulted.costUsd === result.decisions
        ? `model cost ${usd(cost.defaultModelCostUsd)} per decision (no line has costUsd)`
        : `model cost from costUsd, ${usd(cost.defaultModelCostUsd)} for ${plural(defaulted.costUsd, "line")} without it`;
  if (cost.human.kind === "per-review")
    return `${model}; ${usd(cost.human.usd, 2)} per human review of a held item`;
  const handling =
    defaulted.handlingSeconds === 0
      ? "handlingSeconds"
      : `handlingSeconds (${cost.human.defaultHandlingSeconds} s for ${plural(defaulted.handlingSeconds, "line")} without it)`;
  return `${model}; held items add ${usd(cost.human.hourlyRateUsd, 2)}/h × ${handling}`;
}

/** Plain-text facts about the run, shared by every human-readable format. */
export function summaryLines(result: ReplayResult, source: string): string[] {
  const lines = [
    `${plural(result.linesRead, "line")} read from ${source}: ${plural(result.decisions, "decision")}, ` +
      `${plural(result.badLineCount, "bad line")} skipped` +
      (result.blankLines > 0 ? `, ${plural(result.blankLines, "blank line")} ignored` : ""),
  ];
  if (result.alwaysHumanTopics.length > 0) {
    lines.push(
      `Always human: ${result.alwaysHumanTopics.join(", ")} (${plural(result.alwaysHumanDecisions, "decision")}, held at every threshold)`,
    );
  }
  lines.push(`Cost per decision: ${describeCost(result)}`);
  lines.push(
    `Target: error among automated decisions ≤ ${percent(result.targetError, 2)}, judged by the upper end of its ` +
      `${level(result)} Wilson interval`,
  );
  return lines;
}

/** The assumptions a reader needs to trust (or distrust) the numbers. */
export function assumptionLines(result: ReplayResult): string[] {
  return [
    "Automated means confidence ≥ threshold and a topic that is not always-human; everything else goes to a person.",
    "Error overall assumes a person reviewing a held item gets it right: it counts automated mistakes over all decisions.",
    `Intervals are ${level(result)}: Wilson score intervals for rates; for cost, mean ± z·s/√n (normal approximation with the sample standard deviation), cut at $0.`,
    "The recommendation is the cheapest threshold whose upper error bound meets the target, checked threshold by " +
      "threshold; a tie in cost goes to the threshold that automates more. Each check holds with " +
      `${level(result)} confidence on its own, not across all ${plural(result.rows.length, "threshold")} at once.`,
    "The certificate (Learn-Then-Test) tests the thresholds from the strictest down, each with an exact binomial " +
      `p-value at ${deltaText(result)}, and stops at the first it cannot certify: with ${level(result)} confidence ` +
      "every certified threshold keeps the error among automated decisions at or below the target, all at once. " +
      "Both assume the log is a fair sample of the decisions to come.",
  ];
}

function deltaText(result: ReplayResult): string {
  return `δ = ${Number((1 - result.confidence).toPrecision(6))}`;
}

/** The certificate's evidence for one threshold: its p-value and whether it was certified. */
function certificateCell(result: ReplayResult, threshold: number): string {
  const c = result.certificate;
  const test = c?.tested.find((t) => t.threshold === threshold);
  if (!c || !test) return "not tested";
  const p = formatPValue(test.pValue).replace(" = ", "=").replace(" < ", "<");
  if (!test.certified) return `${p} ✗ stop`;
  return `${p} ✓${threshold === c.threshold ? " ◀ certified" : ""}`;
}

/**
 * The certificate in words: what is certified (or why nothing is and what would change that), the
 * automation rate at the certified threshold, and how it relates to the recommendation.
 */
export function certificateLines(result: ReplayResult): string[] {
  const c = result.certificate;
  if (!c) return [`Certificate: none for a target of ${percent(result.targetError, 2)} (nothing to test).`];
  const first = c.tested[0]?.threshold;
  const lines = [
    `Certificate (Learn-Then-Test, exact binomial p-values, tested from ${first === undefined ? "–" : formatThreshold(first)} down, each at ${deltaText(result)}):`,
    `  ${c.summary}`,
  ];
  if (c.threshold !== null && c.automationRate !== null && c.automationRateInterval) {
    lines.push(
      `  At ${formatThreshold(c.threshold)} it automates ${percent(c.automationRate)} ` +
        `(${level(result)} CI ${percentRange(c.automationRateInterval)}).`,
    );
  }
  const recommended = recommendedThreshold(result);
  if (recommended !== undefined) {
    lines.push(
      c.threshold !== null && recommended >= c.threshold
        ? `  The recommended threshold ${formatThreshold(recommended)} is certified too.`
        : `  The recommended threshold ${formatThreshold(recommended)} is not certified: its Wilson check passed on its own, ` +
            "but nothing guarantees it together with the thresholds above it.",
    );
  }
  return lines;
}

function cell(value: string, interval: string): string {
  return `${value} (${interval})`;
}

function rowCells(row: ThresholdRow, recommended: number | undefined, certificate: string): string[] {
  const [autoLow, autoHigh] = row.automationRateInterval;
  const [errLow, errHigh] = row.errorRateAutomatedInterval;
  const [allLow, allHigh] = row.errorRateOverallInterval;
  const [costLow, costHigh] = row.costPerDecisionInterval;
  const bare = (value: number, digits: number) => percent(value, digits).replace("%", "");
  const money = (value: number) => usd(value).replace("$", "");
  return [
    formatThreshold(row.threshold),
    cell(percent(row.automationRate), `${bare(autoLow, 1)}–${bare(autoHigh, 1)}`),
    cell(percent(row.errorRateAutomated, 2), `${bare(errLow, 2)}–${bare(errHigh, 2)}`),
    cell(percent(row.errorRateOverall, 2), `${bare(allLow, 2)}–${bare(allHigh, 2)}`),
    cell(usd(row.costPerDecisionUsd), `${money(costLow)}–${money(costHigh)}`),
    certificate,
    `${row.meetsTarget ? "yes" : "no"}${row.threshold === recommended ? " ◀ recommended" : ""}`,
  ];
}

export function replayTable(result: ReplayResult): Table {
  const recommended = recommendedThreshold(result);
  return {
    header: [
      "threshold",
      "automated",
      "error, automated",
      "error, overall",
      "cost/decision",
      "certificate",
      "meets target",
    ],
    rows: result.rows.map((row) => rowCells(row, recommended, certificateCell(result, row.threshold))),
    align: ["right", "right", "right", "right", "right", "left", "left"],
  };
}

function badLineLines(result: ReplayResult, limit = BAD_LINES_SHOWN): string[] {
  const lines = result.badLines.slice(0, limit).map((bad) => `line ${bad.line}: ${bad.reason}`);
  const more = result.badLineCount - lines.length;
  if (more > 0)
    lines.push(
      `… and ${plural(more, "more bad line")} (--format json lists up to ${result.badLines.length})`,
    );
  return lines;
}

/** Bad lines for stderr when stdout carries machine-readable output (csv, json). */
export function badLineWarning(result: ReplayResult): string {
  if (result.badLineCount === 0) return "";
  return [
    `warning: skipped ${plural(result.badLineCount, "bad line")}:`,
    ...badLineLines(result).map((l) => `  ${l}`),
  ]
    .join("\n")
    .concat("\n");
}

export interface TextReportOptions {
  source: string;
  /** Plot columns of the charts (default 60). */
  chartWidth?: number;
  ascii?: boolean;
}

/** `--format table`: facts, the table, two charts, skipped lines, then the answer. */
export function renderReplayText(result: ReplayResult, options: TextReportOptions): string {
  const charts = replayCharts(result);
  const chart = { width: options.chartWidth ?? 60, height: 12, ascii: options.ascii };
  const out = [
    ...summaryLines(result, options.source),
    "",
    renderTextTable(replayTable(result)),
    `(${level(result)} intervals in parentheses)`,
    "",
    ...certificateLines(result),
    "",
    renderAsciiChart(charts.automation, chart),
    "",
    renderAsciiChart(charts.errors, chart),
    "",
  ];
  if (result.badLineCount > 0) {
    out.push(
      `Skipped ${plural(result.badLineCount, "bad line")}:`,
      ...badLineLines(result).map((l) => `  ${l}`),
      "",
    );
  }
  out.push(result.recommendation.message);
  return `${out.join("\n")}\n`;
}

/** `--format md`: the same content for a pull request or a wiki page. */
export function renderReplayMarkdown(result: ReplayResult, options: TextReportOptions): string {
  const charts = replayCharts(result);
  const chart = { width: options.chartWidth ?? 60, height: 12, ascii: options.ascii };
  const out = [
    "## Replay: which confidence threshold?",
    "",
    `**${result.recommendation.met ? "Recommendation" : "No threshold meets the target"}:** ${result.recommendation.message}`,
    "",
    `**Certificate:** ${result.certificate?.summary ?? certificateLines(result)[0]}`,
    "",
    ...summaryLines(result, `\`${options.source}\``).map((line) => `- ${line}`),
    "",
    renderMarkdownTable(replayTable(result)),
    "",
    `${level(result)} intervals in parentheses.`,
    "",
    ...certificateLines(result).map((line) => line.trim()),
    "",
    "```text",
    renderAsciiChart(charts.automation, chart),
    "",
    renderAsciiChart(charts.errors, chart),
    "```",
    "",
  ];
  if (result.badLineCount > 0) {
    out.push(
      `### Skipped lines (${count(result.badLineCount)})`,
      "",
      ...badLineLines(result).map((l) => `- ${l}`),
      "",
    );
  }
  out.push("### Assumptions", "", ...assumptionLines(result).map((line) => `- ${line}`));
  return `${out.join("\n")}\n`;
}

/** Six decimals: enough for rates and cents, without floating-point tails; NaN as an empty field. */
function csvNumber(value: number): string | number {
  return Number.isFinite(value) ? Number(value.toFixed(6)) : "";
}

/** Six significant digits, since p-values can be tiny; untested thresholds as an empty field. */
function csvPValue(value: number | undefined): string | number {
  return value === undefined ? "" : Number(value.toPrecision(6));
}

export function renderReplayCsv(result: ReplayResult): string {
  const recommended = recommendedThreshold(result);
  const certified = certifiedThreshold(result);
  const header = [
    "threshold",
    "decisions",
    "automated",
    "human_reviews",
    "automation_rate",
    "automation_rate_low",
    "automation_rate_high",
    "automated_errors",
    "error_rate_automated",
    "error_rate_automated_low",
    "error_rate_automated_high",
    "error_rate_overall",
    "error_rate_overall_low",
    "error_rate_overall_high",
    "cost_per_decision_usd",
    "cost_per_decision_usd_low",
    "cost_per_decision_usd_high",
    "meets_target",
    "recommended",
    "certificate_p_value",
    "certified",
  ];
  const rows = result.rows.map((row) => [
    row.threshold,
    row.decisions,
    row.automated,
    row.humanReviews,
    ...[row.automationRate, ...row.automationRateInterval].map(csvNumber),
    row.automatedErrors,
    ...[row.errorRateAutomated, ...row.errorRateAutomatedInterval].map(csvNumber),
    ...[row.errorRateOverall, ...row.errorRateOverallInterval].map(csvNumber),
    ...[row.costPerDecisionUsd, ...row.costPerDecisionInterval].map(csvNumber),
    row.meetsTarget,
    row.threshold === recommended,
    csvPValue(result.certificate?.tested.find((t) => t.threshold === row.threshold)?.pValue),
    certified !== undefined && row.threshold >= certified,
  ]);
  return renderCsv(header, rows);
}

/** `--format json`: the whole result; NaN (undefined rates) becomes null. */
export function renderReplayJson(result: ReplayResult, source: string): string {
  return `${JSON.stringify({ source, ...result, assumptions: assumptionLines(result) }, null, 2)}\n`;
}

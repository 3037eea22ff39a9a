/** The finance view of the report: cost per decision per arm and component, as CSV, a table and text. */

import type { ExperimentReport, FinanceArm } from "../../core/report";
import { count, usd } from "../../core/report/words";
import { MISSING } from "./format";
import { type Cell, raw } from "./report-csv";
import { renderCsv, renderMarkdownTable, renderTextTable, type Table } from "./table";
export const FINANCE_CSV_HEADER = [
  "period",
  "arm",
  "decisions",
  "model_usd",
  "human_usd",
  "infrastructure_usd",
  "total_usd",
  "model_per_decision_usd",
  "human_per_decision_usd",
  "infrastructure_per_decision_usd",
  "total_per_decision_usd",
] as const;

const per = (usdAmount: number, decisions: number): Cell => (decisions > 0 ? raw(usdAmount / decisions) : "");

/**
 * Finance: daily cost per decision per arm and component, then the run's totals per arm and for all
 * arms, then the monthly projection at the current volume (the last ≤ 168 hours).
 */
export function renderFinanceCsv(report: ExperimentReport): string {
  const rows: Cell[][] = [];
  const costRow = (
    period: string,
    arm: string,
    decisions: number,
    c: { modelUsd: number; humanUsd: number; infrastructureUsd: number; totalUsd: number },
  ) =>
    rows.push([
      period,
      arm,
      decisions,
      raw(c.modelUsd),
      raw(c.humanUsd),
      raw(c.infrastructureUsd),
      raw(c.totalUsd),
      per(c.modelUsd, decisions),
      per(c.humanUsd, decisions),
      per(c.infrastructureUsd, decisions),
      per(c.totalUsd, decisions),
    ]);
  for (const d of report.daily) costRow(d.day, d.arm, d.decisions, d.cost);
  const all: (FinanceArm | (Omit<FinanceArm, "arm"> & { arm: string }))[] = [
    ...report.finance.arms,
    { ...report.finance.total, arm: "all" },
  ];
  for (const f of all) costRow("total", f.arm, f.decisions, f);
  const label = `projection_${report.finance.daysPerMonth}_days`;
  for (const f of all)
    costRow(label, f.arm, Math.round(f.projection.decisionsPerMonth), f.projection.monthly);
  return renderCsv(FINANCE_CSV_HEADER, rows);
}

/** The finance view for the terminal and Markdown: totals and projection per arm. */
export function financeTable(report: ExperimentReport): Table {
  const rows = [...report.finance.arms, { ...report.finance.total, arm: "all" }].map((f) => [
    f.arm,
    count(f.decisions),
    usd(f.modelUsd),
    usd(f.humanUsd),
    usd(f.infrastructureUsd),
    usd(f.totalUsd),
    usd(f.perDecision.total),
    f.decisionQuality === null ? MISSING : `${(f.decisionQuality * 100).toFixed(2)}%`,
    count(Math.round(f.projection.decisionsPerDay)),
    usd(f.projection.monthly.totalUsd),
  ]);
  return {
    header: [
      "arm",
      "decisions",
      "model",
      "human",
      "infrastructure",
      "total",
      "per decision",
      "quality at decision time",
      "decisions/day",
      `per ${report.finance.daysPerMonth} days`,
    ],
    rows,
    align: ["left", ...Array(9).fill("right")],
  };
}

export function renderFinanceText(report: ExperimentReport, markdown = false): string {
  const note = `Projection at the volume and cost of the last ${report.finance.windowHours} hours with data.`;
  const table = markdown ? renderMarkdownTable(financeTable(report)) : renderTextTable(financeTable(report));
  const title = `${markdown ? "# " : ""}Finance: ${report.experimentId}`;
  return `${[title, "", table, "", note].join("\n")}\n`;
}

/**
 * The experiment report (core/report) as a terminal table, Markdown, CSV and the finance CSV. Every
 * format shows the same numbers; CSV carries them raw (no units, no rounding) for spreadsheets.
 */

import type {
  ArmReport,
  Comparison,
  ExperimentReport,
  FinanceArm,
  LatencyReport,
  MetricComparison,
  Num,
  Range,
} from "../../core/report";
import { count, marginPp, pp, ppInterval, pValue, relPct, usd } from "../../core/report/words";
import { agreementFamilyTable, perLabelLine } from "./agreement-table";
import { typedFeedbackCsvRows, typedFeedbackTables } from "./feedback-types";
import { MISSING } from "./format";
import { certificateLines, QUALITY_ROWS, qualityCsvRows, qualityDefinitions } from "./report-quality";
import { renderCsv, renderMarkdownTable, renderTextTable, type Table } from "./table";

const finite = (x: Num | undefined): x is number => typeof x === "number" && Number.isFinite(x);

export function rate(x: Num, digits = 1): string {
  return finite(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

export function rateWithInterval(estimate: { value: Num; interval: Range }, digits = 1): string {
  const [a, b] = estimate.interval;
  if (!finite(estimate.value)) return MISSING;
  return finite(a) && finite(b)
    ? `${rate(estimate.value, digits)} (${(a * 100).toFixed(digits)}–${(b * 100).toFixed(digits)}%)`
    : rate(estimate.value, digits);
}

function seconds(x: Num): string {
  if (!finite(x)) return MISSING;
  return x < 10 ? `${x.toFixed(1)} s` : x < 3600 ? `${Math.round(x)} s` : `${(x / 3600).toFixed(1)} h`;
}

function ms(x: Num): string {
  if (!finite(x)) return MISSING;
  return x < 10 ? `${x.toFixed(1)} ms` : x < 10_000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(1)} s`;
}

function latency(l: LatencyReport): string {
  return l.count === 0 ? MISSING : `${ms(l.p50Ms)} / ${ms(l.p95Ms)} / ${ms(l.p99Ms)}`;
}

const armTitle = (a: ArmReport) => `${a.arm}${a.control ? " (control)" : ""}${a.paused ? " [paused]" : ""}`;

/** Rows of metric × arm, as the table, Markdown and HTML formats show them. */
export function armTable(report: ExperimentReport): Table {
  const rows: [string, (a: ArmReport) => string][] = [
    ["decisions", (a) => count(a.decisions)],
    ["enrolled units", (a) => count(a.units)],
    ["automated / held / audited", (a) => `${count(a.automated)} / ${count(a.held)} / ${count(a.audited)}`],
    ["automation rate", (a) => rateWithInterval(a.automationRate)],
    ...QUALITY_ROWS,
    [
      "automated accuracy (audits)",
      (a) =>
        `${rateWithInterval(a.decisionQuality.automatedAccuracy)} of ${count(a.decisionQuality.automatedAccuracy.audits)}${a.decisionQuality.automatedAccuracy.estimator === "ratio" ? "" : ` (${a.decisionQuality.automatedAccuracy.estimator})`}`,
    ],
    ["override rate", (a) => rateWithInterval(a.overrideRate)],
    ["escalation rate", (a) => rateWithInterval(a.escalationRate)],
    ["SLA breach rate", (a) => rateWithInterval(a.slaBreachRate)],
    ["mean time in queue", (a) => seconds(a.timeInQueue.meanSeconds)],
    ["latency auto p50/p95/p99", (a) => latency(a.latency.auto)],
    ["latency human p50/p95/p99", (a) => latency(a.latency.human)],
    ["cost/decision: model", (a) => usd(a.cost.perDecision.model)],
    ["cost/decision: human", (a) => usd(a.cost.perDecision.human)],
    ["cost/decision: infrastructure", (a) => usd(a.cost.perDecision.infrastructure)],
    ["cost/decision: total", (a) => usd(a.cost.perDecision.total)],
    ["spend", (a) => usd(a.cost.totalUsd)],
    ["feedback closure (training)", (a) => rateWithInterval(a.feedback.stages.training)],
    [
      "reviewer agreement (kappa, pairs)",
      (a) =>
        a.agreement.pairs === 0
          ? MISSING
          : `${finite(a.agreement.kappa) ? a.agreement.kappa.toFixed(2) : MISSING}, ${count(a.agreement.pairs)}${a.agreement.belowThreshold ? " (low)" : ""}`,
    ],
  ];
  return {
    header: ["metric", ...report.arms.map(armTitle)],
    rows: rows.map(([name, cell]) => [name, ...report.arms.map(cell)]),
    align: ["left", ...report.arms.map(() => "right" as const)],
  };
}

/** A value of a metric in its unit. */
export function metricValue(m: Pick<MetricComparison, "unit">, x: Num): string {
  return m.unit === "rate" ? rate(x, 2) : m.unit === "usd" ? usd(x) : seconds(x);
}

/** A difference in its unit, with a sign: +1.2 pp, −$0.031, +4.0 s. */
export function differenceOf(m: Pick<MetricComparison, "unit">, x: Num): string {
  if (!finite(x)) return MISSING;
  if (m.unit === "rate") return pp(x, 2);
  if (m.unit === "usd") return usd(x, true);
  return `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x).toFixed(1)} s`;
}

function intervalOf(m: Pick<MetricComparison, "unit">, ci: Range): string {
  const [a, b] = ci;
  if (!finite(a) || !finite(b)) return MISSING;
  if (m.unit === "rate") return `${ppInterval(ci, 2)} pp`;
  return `${differenceOf(m, a)} to ${differenceOf(m, b)}`;
}

const chance = (x: Num) => (finite(x) ? `${(x * 100).toFixed(1)}%` : MISSING);
const p = (x: Num) =>
  finite(x) ? (x < 0.0001 ? "<0.0001" : x < 0.01 ? x.toPrecision(2) : x.toFixed(3)) : MISSING;

/** What the † and ‡ of {@link comparisonTable} mean, for the comparisons that use them. */
export function comparisonNotes(report: ExperimentReport): string[] {
  const metrics = report.comparisons.flatMap((c) => c.metrics);
  const notes: string[] = [];
  if (metrics.some((m) => m.scoreInterval))
    notes.push(
      "† small sample: Newcombe's score interval (for quality, its MOVER form over the audit accuracy) instead of Welch's, which can run past ±100 pp",
    );
  if (metrics.some((m) => m.sequential.bounded))
    notes.push("‡ sequential interval cut at ±100 pp, the most a difference of two rates can be");
  return notes;
}

/** One row per (treatment arm, metric). */
export function comparisonTable(report: ExperimentReport): Table {
  const level = `${Math.round((1 - report.options.alpha) * 100)}%`;
  return {
    header: [
      "arm",
      "metric",
      "control",
      "treatment",
      `difference (${level} CI)`,
      "lift",
      "p",
      "adj. p",
      "sequential CI",
      "P(better)",
    ],
    rows: report.comparisons.flatMap((c) =>
      c.metrics.map((m) => [
        c.arm,
        m.label,
        metricValue(m, m.control),
        metricValue(m, m.treatment),
        m.unavailable
          ? `${differenceOf(m, m.difference)} (not tested)`
          : `${differenceOf(m, m.difference)} (${intervalOf(m, m.fixedHorizon.ci)})${m.scoreInterval ? " †" : ""}${m.fixedHorizon.significant ? " *" : ""}`,
        relPct(m.relativeLift),
        p(m.fixedHorizon.pValue),
        p(m.fixedHorizon.adjustedPValue),
        `${intervalOf(m, m.sequential.ci)}${m.sequential.bounded ? " ‡" : ""}`,
        chance(m.bayesian.chanceToBeBetter),
      ]),
    ),
    align: ["left", "left", "right", "right", "right", "right", "right", "right", "right", "right"],
  };
}

/** "aggressive: −0.41 pp, non-inferior at the 1 pp margin (lower bound −0.82 pp, p = 0.0012); …". */
export function guardrailLine(c: Comparison): string {
  const g = c.qualityGuardrail;
  const status = g.unavailable
    ? `not tested (${g.unavailable})`
    : `${g.fixedHorizon.nonInferior ? "non-inferior" : "not shown non-inferior"} at the ${marginPp(g.margin)} margin (one-sided lower bound ${pp(g.fixedHorizon.lowerBound, 2)}, ${pValue(g.fixedHorizon.pValue)}); sequential ${ppInterval(g.sequential.ci, 2)} pp${g.sequential.bounded ? " (cut at ±100 pp)" : ""}`;
  return `${c.arm}: decision-time quality ${pp(g.difference, 2)} vs control, ${status}; guardrail: ${g.guardrail}`;
}

export function srmLine(report: ExperimentReport): string {
  const s = report.srm;
  if (!s.checked) return `not checked (${s.note ?? "no data"})`;
  const units = s.arms.map((a) => `${a.arm} ${count(a.units)}`).join(" / ");
  const weights = s.arms.map((a) => `${Math.round(a.expectedShare * 1000) / 10}%`).join(" / ");
  return `${units} enrolled units against weights ${weights}: χ² = ${(s.chiSquare ?? 0).toFixed(2)}, ${pValue(s.pValue)} — ${s.mismatch ? "MISMATCH" : "ok"}${s.note ? ` (${s.note})` : ""}`;
}

export function agreementLine(report: ExperimentReport): string {
  const a = report.agreement.overall;
  if (a.pairs === 0) return "no double-reviewed items yet";
  return `Cohen's kappa ${finite(a.kappa) ? a.kappa.toFixed(2) : MISSING} on ${count(a.pairs)} double-reviewed items (observed agreement ${rate(a.observedAgreement)}) — ${a.belowThreshold ? `below ${report.agreement.threshold}: the task definition is read differently` : "ok"}`;
}

export function headerLine(report: ExperimentReport): string {
  const period =
    report.period.from && report.period.to
      ? `${report.period.from}:00 → ${report.period.to}:59 UTC (${report.period.days} ${report.period.days === 1 ? "day" : "days"})`
      : "no data yet";
  return `Experiment ${report.experimentId} · config v${report.experiment.version} · ${report.experiment.status} · ${period}`;
}

const correctionName = (report: ExperimentReport) =>
  report.options.correction === "none"
    ? "no correction"
    : report.options.correction === "holm"
      ? "Holm"
      : "Benjamini–Hochberg";

export function renderReportText(report: ExperimentReport): string {
  const lines = [
    headerLine(report),
    "",
    `Recommendation: ${report.recommendation.headline}`,
    ...report.recommendation.reasons.map((r) => `  - ${r}`),
    "",
    `Per arm (${Math.round((1 - report.options.alpha) * 100)}% intervals)`,
    renderTextTable(armTable(report)),
    ...qualityDefinitions(report),
  ];
  if (report.comparisons.length > 0) {
    lines.push(
      "",
      `Against control (adj. p: ${correctionName(report)} across every comparison; * = significant)`,
      renderTextTable(comparisonTable(report)),
      ...comparisonNotes(report),
      "",
      "Quality guardrail",
      ...report.comparisons.map((c) => `  ${guardrailLine(c)}`),
    );
  }
  for (const { title, table } of typedFeedbackTables(report)) lines.push("", title, renderTextTable(table));
  const certificates = certificateLines(report);
  if (certificates.length > 0) lines.push("", "Live certificates", ...certificates.map((l) => `  ${l}`));
  lines.push("", `Sample ratio: ${srmLine(report)}`, `Reviewer agreement: ${agreementLine(report)}`);
  const family = report.agreement.family;
  if (family && family.overall.items > 0) {
    lines.push(
      "",
      "Agreement of the blind reviews (Fleiss' kappa, Krippendorff's alpha; 95% intervals)",
      renderTextTable(agreementFamilyTable(family)),
      perLabelLine(family),
    );
  }
  if (report.warnings.length > 0)
    lines.push("", "Warnings", ...report.warnings.map((w) => `  ! ${w.message}`));
  lines.push("", ...report.notTested.map((n) => `Not tested: ${n.metric}: ${n.reason}`));
  return `${lines.join("\n")}\n`;
}

export function renderReportMarkdown(report: ExperimentReport): string {
  const lines = [
    `# Experiment ${report.experimentId}`,
    "",
    headerLine(report),
    "",
    `**${report.recommendation.headline}**`,
    "",
    ...report.recommendation.reasons.map((r) => `- ${r}`),
    "",
    `## Per arm (${Math.round((1 - report.options.alpha) * 100)}% intervals)`,
    "",
    renderMarkdownTable(armTable(report)),
    ...qualityDefinitions(report).flatMap((d) => ["", d]),
  ];
  if (report.comparisons.length > 0) {
    lines.push(
      "",
      "## Against control",
      "",
      `Adjusted p: ${correctionName(report)} across every comparison; * = significant.`,
      "",
      renderMarkdownTable(comparisonTable(report)),
      ...comparisonNotes(report).flatMap((note) => ["", note]),
      "",
      "## Quality guardrail",
      "",
      ...report.comparisons.map((c) => `- ${guardrailLine(c)}`),
    );
  }
  for (const { title, table } of typedFeedbackTables(report))
    lines.push("", `## ${title}`, "", renderMarkdownTable(table));
  const certificates = certificateLines(report);
  if (certificates.length > 0)
    lines.push("", "## Live certificates", "", ...certificates.map((l) => `- ${l}`));
  lines.push(
    "",
    "## Checks",
    "",
    `- Sample ratio: ${srmLine(report)}`,
    `- Reviewer agreement: ${agreementLine(report)}`,
  );
  if (report.agreement.family && report.agreement.family.overall.items > 0) {
    lines.push(
      "",
      "## Agreement of the blind reviews",
      "",
      renderMarkdownTable(agreementFamilyTable(report.agreement.family)),
      "",
      perLabelLine(report.agreement.family),
    );
  }
  if (report.warnings.length > 0)
    lines.push("", "## Warnings", "", ...report.warnings.map((w) => `- ${w.message}`));
  lines.push("", "## Not tested", "", ...report.notTested.map((n) => `- ${n.metric}: ${n.reason}`));
  return `${lines.join("\n")}\n`;
}

type Cell = string | number | boolean;
/** Raw numbers for spreadsheets, without floating-point tails (72.00000000000001 → 72). */
const raw = (x: Num | undefined): Cell => (finite(x) ? Number.parseFloat(x.toPrecision(12)) : "");

export const REPORT_CSV_HEADER = [
  "section",
  "arm",
  "metric",
  "value",
  "lower",
  "upper",
  "control",
  "difference",
  "ci_lower",
  "ci_upper",
  "relative_lift",
  "p_value",
  "adjusted_p_value",
  "sequential_lower",
  "sequential_upper",
  "sequential_p_value",
  "chance_to_be_better",
  "note",
] as const;

/** One row per (arm, metric) with its interval, then one per (treatment, metric) comparison. */
export function renderReportCsv(report: ExperimentReport): string {
  const rows: Cell[][] = [];
  const arm = (a: string, metric: string, value: Num, interval: Range = [null, null], note = "") =>
    rows.push([
      "arm",
      a,
      metric,
      raw(value),
      raw(interval[0]),
      raw(interval[1]),
      ...Array(11).fill(""),
      note,
    ]);
  for (const a of report.arms) {
    arm(a.arm, "decisions", a.decisions);
    arm(a.arm, "units", a.units);
    arm(a.arm, "automated", a.automated);
    arm(a.arm, "held", a.held);
    arm(a.arm, "audited", a.audited);
    arm(a.arm, "automation_rate", a.automationRate.value, a.automationRate.interval);
    qualityCsvRows(a, arm);
    arm(
      a.arm,
      "automated_accuracy",
      a.decisionQuality.automatedAccuracy.value,
      a.decisionQuality.automatedAccuracy.interval,
    );
    arm(a.arm, "override_rate", a.overrideRate.value, a.overrideRate.interval);
    arm(a.arm, "escalation_rate", a.escalationRate.value, a.escalationRate.interval);
    arm(a.arm, "sla_breach_rate", a.slaBreachRate.value, a.slaBreachRate.interval);
    arm(a.arm, "time_in_queue_seconds", a.timeInQueue.meanSeconds);
    for (const path of ["auto", "human"] as const)
      for (const q of ["p50Ms", "p95Ms", "p99Ms"] as const)
        arm(a.arm, `latency_${path}_${q.slice(0, 3)}_ms`, a.latency[path][q]);
    for (const c of ["model", "human", "infrastructure", "total"] as const)
      arm(a.arm, `cost_per_decision_${c}_usd`, a.cost.perDecision[c]);
    arm(a.arm, "spend_usd", a.cost.totalUsd);
    for (const stage of ["training", "evaluation", "deployed"] as const)
      arm(
        a.arm,
        `feedback_closure_${stage}`,
        a.feedback.stages[stage].value,
        a.feedback.stages[stage].interval,
      );
    arm(a.arm, "kappa", a.agreement.kappa, [null, null], `${a.agreement.pairs} pairs`);
    for (const r of a.typedFeedback ? typedFeedbackCsvRows(a.typedFeedback) : [])
      arm(a.arm, r.metric, r.value, r.interval, r.note);
  }
  for (const c of report.comparisons) {
    for (const m of c.metrics) {
      rows.push([
        "comparison",
        c.arm,
        m.metric,
        raw(m.treatment),
        "",
        "",
        raw(m.control),
        raw(m.difference),
        raw(m.fixedHorizon.ci[0]),
        raw(m.fixedHorizon.ci[1]),
        raw(m.relativeLift),
        raw(m.fixedHorizon.pValue),
        raw(m.fixedHorizon.adjustedPValue),
        raw(m.sequential.ci[0]),
        raw(m.sequential.ci[1]),
        raw(m.sequential.pValue),
        raw(m.bayesian.chanceToBeBetter),
        m.unavailable ?? "",
      ]);
    }
    const g = c.qualityGuardrail;
    rows.push([
      "guardrail",
      c.arm,
      "decision_quality_non_inferiority",
      raw(g.treatment),
      raw(g.fixedHorizon.lowerBound),
      "",
      raw(g.control),
      raw(g.difference),
      "",
      "",
      "",
      raw(g.fixedHorizon.pValue),
      "",
      raw(g.sequential.ci[0]),
      raw(g.sequential.ci[1]),
      "",
      "",
      `margin ${g.margin}; ${g.fixedHorizon.nonInferior ? "non-inferior" : "not shown non-inferior"}; guardrail ${g.guardrail}`,
    ]);
  }
  return renderCsv(REPORT_CSV_HEADER, rows);
}

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

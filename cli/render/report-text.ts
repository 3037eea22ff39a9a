/**
 * The experiment report (core/report) as a terminal table and Markdown. Every format shows the
 * same numbers: CSV in ./report-csv, the finance view in ./finance.
 */

import type {
  ArmReport,
  Comparison,
  ExperimentReport,
  LatencyReport,
  MetricComparison,
  Num,
  Range,
} from "../../core/report";
import { count, marginPp, pp, ppInterval, pValue, relPct, usd } from "../../core/report/words";
import { agreementFamilyTable, perLabelLine } from "./agreement-table";
import { typedFeedbackTables } from "./feedback-types";
import { finite, MISSING, rate, rateWithInterval } from "./format";
import { certificateLines, QUALITY_ROWS, qualityDefinitions } from "./report-quality";
import { renderMarkdownTable, renderTextTable, type Table } from "./table";

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

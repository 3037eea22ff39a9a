/** The experiment report as CSV: the same numbers as every format, raw (no units, no rounding). */
import type { ExperimentReport, Num, Range } from "../../core/report";
import { typedFeedbackCsvRows } from "./feedback-types";
import { finite } from "./format";
import { qualityCsvRows } from "./report-quality";
import { renderCsv } from "./table";

export type Cell = string | number | boolean;
/** Raw numbers for spreadsheets, without floating-point tails (72.00000000000001 → 72). */
export const raw = (x: Num | undefined): Cell => (finite(x) ? Number.parseFloat(x.toPrecision(12)) : "");

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

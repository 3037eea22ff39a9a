/**
 * The report's two qualities and what corrections added, as every format shows them: the arm-table
 * rows, the definitions in words, the CSV rows. Kept apart so report-text.ts stays one job.
 */

import type { ArmReport, ExperimentReport, Num, Range } from "../../core/report";
import { count, pct, pp, seconds } from "../../core/report/words";
import { MISSING } from "./format";

const finite = (x: Num | undefined): x is number => typeof x === "number" && Number.isFinite(x);

function withInterval(e: { value: Num; interval: Range }, digits: number): string {
  const [a, b] = e.interval;
  if (!finite(e.value)) return MISSING;
  return finite(a) && finite(b)
    ? `${pct(e.value, digits)} (${(a * 100).toFixed(digits)}–${(b * 100).toFixed(digits)}%)`
    : pct(e.value, digits);
}

/** "3 of 40 audits (7.5%), +0.42 pp, median 2.1 min": what the audits corrected in one arm. */
export function correctionsCell(a: ArmReport): string {
  const k = a.corrections;
  if (k.audited === 0) return MISSING;
  const time = k.corrected > 0 ? `, median ${seconds(k.timeToCorrection.p50Seconds)}` : "";
  return `${count(k.corrected)} of ${count(k.audited)} audits (${pct(k.shareOfAudits, 1)}), ${pp(k.qualityAdded, 2)}${time}`;
}

/** Rows of the per-arm table: decision-time quality first (what comparisons use), then after corrections. */
export const QUALITY_ROWS: [string, (a: ArmReport) => string][] = [
  ["quality at decision time", (a) => withInterval(a.decisionQuality, 2)],
  ["quality after corrections", (a) => withInterval(a.quality, 2)],
  ["corrections (errors, share, time)", correctionsCell],
  ["quality source", (a) => a.decisionQuality.source],
];

/** The two definitions in words, once per report (the arms share them). */
export function qualityDefinitions(report: ExperimentReport): string[] {
  const arm = report.arms[0];
  if (!arm) return [];
  return [
    `Quality at decision time = ${arm.decisionQuality.definition.replace(/^quality at decision time: /, "")}. Comparisons, the guardrail and the recommendation use it.`,
    `Quality after corrections = ${arm.quality.definition.replace(/^quality after corrections: /, "")}.`,
  ];
}

type Cell = string | number | boolean;

/** CSV rows (section "arm") of both qualities and the corrections, via the caller's row writer. */
export function qualityCsvRows(
  a: ArmReport,
  row: (arm: string, metric: string, value: Num, interval?: Range, note?: string) => void,
): void {
  row(
    a.arm,
    "decision_quality",
    a.decisionQuality.value,
    a.decisionQuality.interval,
    a.decisionQuality.description,
  );
  row(a.arm, "quality", a.quality.value, a.quality.interval, a.quality.description);
  row(a.arm, "corrected_errors", a.corrections.corrected, [null, null], `of ${a.corrections.audited} audits`);
  row(a.arm, "corrected_share_of_audits", a.corrections.shareOfAudits);
  row(a.arm, "corrected_share_of_automated", a.corrections.shareOfAutomated);
  row(a.arm, "quality_added_by_corrections", a.corrections.qualityAdded);
  row(a.arm, "time_to_correction_mean_seconds", a.corrections.timeToCorrection.meanSeconds);
  row(a.arm, "time_to_correction_p50_seconds", a.corrections.timeToCorrection.p50Seconds);
}

export type { Cell };

/** One line per arm with a live certificate: does its threshold hold, and what is certified below it. */
export function certificateLines(report: ExperimentReport): string[] {
  return report.arms.flatMap((a) => {
    const c = a.certificate;
    if (!c) return [];
    const status = c.holds ? "holds" : c.broken ? "NO LONGER HOLDS" : "not certified yet";
    const next = c.next !== null ? `; certified down to ${c.next} (proposed next level)` : "";
    return [
      `${a.arm}: threshold ${c.threshold} ${status} at ${pct(c.targetError, 1)} error, ${pct(c.confidence, 0)} confidence: ${c.own.summary}${next}`,
    ];
  });
}

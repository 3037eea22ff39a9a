/**
 * The report's answer in plain words: which automation level to ship and why, and the warnings that
 * say when not to trust the numbers yet.
 */

import { proposedLevel } from "./propose";
import type {
  ArmReport,
  Comparison,
  ExperimentReport,
  MetricComparison,
  MetricId,
  Recommendation,
  ReportWarning,
} from "./types";
import { count, marginPp, pct, pp, ppInterval, pValue, relPct, seconds, usd } from "./words";

type ReportBody = Omit<ExperimentReport, "recommendation" | "warnings">;

const metric = (c: Comparison, id: MetricId): MetricComparison | undefined =>
  c.metrics.find((m) => m.metric === id);

/** Significantly better (+1), worse (−1) or neither (0), on the adjusted fixed-horizon test. */
function direction(m: MetricComparison | undefined): -1 | 0 | 1 {
  if (!m?.fixedHorizon.significant || m.difference === null || m.difference === 0) return 0;
  const up = m.difference > 0;
  return up === (m.better === "higher") ? 1 : -1;
}

function warnings(report: ReportBody): ReportWarning[] {
  const out: ReportWarning[] = [];
  const { options, arms, srm, agreement, comparisons } = report;
  const totalDecisions = arms.reduce((s, a) => s + a.decisions, 0);
  if (totalDecisions === 0) return [{ code: "no-data", message: "no decisions counted yet" }];
  if (srm.mismatch) {
    const split = srm.arms.map((a) => `${a.arm} ${count(a.units)}`).join(" / ");
    const weights = srm.arms.map((a) => `${Math.round(a.expectedShare * 100)}`).join("/");
    out.push({
      code: "srm",
      message: `sample ratio mismatch: enrolled units ${split} against weights ${weights} (χ² = ${(srm.chiSquare ?? 0).toFixed(1)}, ${pValue(srm.pValue)}); assignment or counting is broken, so no comparison can be trusted until it is explained`,
    });
  }
  for (const arm of arms) {
    const q = arm.decisionQuality.outcomes;
    if (q.estimated > 0 && arm.decisionQuality.automatedAccuracy.audits < options.minAudits) {
      out.push({
        code: "too-few-audits",
        arm: arm.arm,
        message: `too few audits to judge quality in ${arm.arm}: ${count(arm.decisionQuality.automatedAccuracy.audits)} audits for ${count(q.estimated)} automated outcomes (at least ${options.minAudits} needed); raise auditRate or wait`,
      });
    }
    if (arm.paused) {
      out.push({
        code: "arm-paused",
        arm: arm.arm,
        message: `${arm.arm} was paused by the quality guardrail: new units get the control policy and are not enrolled; its numbers cover the units enrolled before the pause`,
      });
    }
    if (arm.cost.unpricedDecisions > 0) {
      out.push({
        code: "unpriced-decisions",
        arm: arm.arm,
        message: `${count(arm.cost.unpricedDecisions)} decisions of ${arm.arm} have a model version without a price (counted at $0): add it to modelPriceUsd`,
      });
    }
    if (q.unverifiedFallbacks > 0) {
      out.push({
        code: "unverified-fallbacks",
        arm: arm.arm,
        message: `${count(q.unverifiedFallbacks)} fallback outcomes of ${arm.arm} were never verified and are left out of its quality (see the SLA breach rate)`,
      });
    }
  }
  const control = arms.find((a) => a.control);
  if (control && control.decisions > control.enrolledDecisions) {
    out.push({
      code: "non-enrolled-in-control",
      arm: control.arm,
      message: `${count(control.decisions - control.enrolledDecisions)} of control's ${count(control.decisions)} decisions come from units outside the comparison (coverage below 1 or a paused arm) and are counted with control`,
    });
  }
  for (const c of comparisons) {
    const treatment = arms.find((a) => a.arm === c.arm);
    const small = [control, treatment].filter(
      (a): a is ArmReport => a !== undefined && a.decisions < options.minDecisions,
    );
    for (const arm of small) {
      if (out.some((w) => w.code === "underpowered" && w.arm === arm.arm)) continue;
      out.push({
        code: "underpowered",
        arm: arm.arm,
        message: `${arm.arm} has ${count(arm.decisions)} decisions (fewer than ${options.minDecisions}): differences are unlikely to be detected yet`,
      });
    }
    const g = c.qualityGuardrail;
    if (!g.fixedHorizon.nonInferior && g.difference !== null && g.fixedHorizon.lowerBound !== null) {
      const halfWidth = g.difference - g.fixedHorizon.lowerBound;
      if (halfWidth >= g.margin) {
        const factor = Math.ceil((halfWidth / g.margin) ** 2);
        out.push({
          code: "underpowered",
          arm: c.arm,
          message: `decision-time quality of ${c.arm} is measured to ±${(halfWidth * 100).toFixed(2)} pp, wider than the ${marginPp(g.margin)} margin: non-inferiority cannot be shown even if nothing changed; about ${factor}× the audits are needed`,
        });
      }
    }
    if (g.guardrail === "pause") {
      out.push({
        code: "guardrail-breach",
        arm: c.arm,
        message: `${c.arm}'s decision-time quality is worse than control's by more than the ${marginPp(g.margin)} margin with sequential confidence; the scheduled guardrail will pause it`,
      });
    }
  }
  const overall = agreement.overall;
  if (overall.pairs > 0 && overall.kappa !== null && overall.belowThreshold) {
    out.push({
      code: "low-agreement",
      message: `reviewers agree with Cohen's kappa ${overall.kappa.toFixed(2)} on ${count(overall.pairs)} double-reviewed items (below ${agreement.threshold}): the review task definition is read differently by different reviewers, so verdict-based quality is doubtful; fix the guidelines first`,
    });
  }
  return out;
}

const level = (alpha: number) => `${Math.round((1 - alpha) * 100)}% CI`;

/** "automation +18.2 pp (95% CI 16.9–19.5)". */
function automationWords(m: MetricComparison, alpha: number): string {
  return `automation ${pp(m.difference)} (${level(alpha)} ${ppInterval(m.fixedHorizon.ci)})`;
}

/** "cost per decision −$0.031 (−22%)". */
function costWords(m: MetricComparison): string {
  return `cost per decision ${usd(m.difference, true)} (${relPct(m.relativeLift)})`;
}

function sequentialNote(m: MetricComparison): string {
  return m.sequential.significant
    ? "also significant on the sequential test (safe to read every day)"
    : "not yet on the sequential test: if the report has been read daily, wait for it";
}

interface Verdict {
  comparison: Comparison;
  harmful: boolean;
  qualityOk: boolean;
  gain: boolean;
  loss: boolean;
  reasons: string[];
}

function judge(c: Comparison, alpha: number, paused: boolean): Verdict {
  const automation = metric(c, "automationRate");
  const cost = metric(c, "costPerDecision");
  const g = c.qualityGuardrail;
  const reasons: string[] = [];
  const harmful = paused || g.guardrail === "pause" || g.sequential.worseThanMargin;
  const qualityOk = !harmful && g.fixedHorizon.nonInferior;
  if (automation) {
    const d = direction(automation);
    reasons.push(
      automation.unavailable
        ? `${c.arm}: automation ${pct(automation.treatment)} vs ${pct(automation.control)}, not tested: ${automation.unavailable}`
        : d === 0
          ? `${c.arm}: automation ${pct(automation.treatment)} vs ${pct(automation.control)}, no significant difference (adjusted ${pValue(automation.fixedHorizon.adjustedPValue)})`
          : `${c.arm}: ${automationWords(automation, alpha)}, adjusted ${pValue(automation.fixedHorizon.adjustedPValue)}; ${sequentialNote(automation)}`,
    );
  }
  reasons.push(
    harmful
      ? `${c.arm}: decision-time quality ${pct(g.treatment, 2)} vs ${pct(g.control, 2)} (${pp(g.difference, 2)}) is worse than control by more than the ${marginPp(g.margin)} margin${paused ? "; the arm is paused" : ""}`
      : qualityOk
        ? `${c.arm}: decision-time quality non-inferior at a ${marginPp(g.margin)} margin (${pp(g.difference, 2)}, one-sided lower bound ${pp(g.fixedHorizon.lowerBound, 2)}, ${pValue(g.fixedHorizon.pValue)})`
        : `${c.arm}: decision-time quality not shown non-inferior at a ${marginPp(g.margin)} margin (${pp(g.difference, 2)}${g.fixedHorizon.lowerBound !== null ? `, lower bound ${pp(g.fixedHorizon.lowerBound, 2)}` : ""}${g.unavailable ? `; ${g.unavailable}` : ""})`,
  );
  if (cost) {
    const d = direction(cost);
    reasons.push(
      cost.unavailable
        ? `${c.arm}: cost per decision ${usd(cost.treatment)} vs ${usd(cost.control)}, not tested: ${cost.unavailable}`
        : d === 0
          ? `${c.arm}: cost per decision ${usd(cost.treatment)} vs ${usd(cost.control)}, no significant difference`
          : `${c.arm}: ${costWords(cost)} (model ${usd(c.cost.model.difference, true)}, human ${usd(c.cost.human.difference, true)}, infrastructure ${usd(c.cost.infrastructure.difference, true)})`,
    );
  }
  const gain = direction(automation) > 0 || direction(cost) > 0;
  const loss = direction(cost) < 0;
  return { comparison: c, harmful, qualityOk, gain, loss, reasons };
}

/** What an arm's audits corrected: the audit's own value, beside the decision-time comparison. */
function correctionWords(arm: ArmReport): string[] {
  const k = arm.corrections;
  if (k.audited === 0) return [];
  const time =
    k.corrected > 0 && k.timeToCorrection.p50Seconds !== null
      ? `, a median ${seconds(k.timeToCorrection.p50Seconds)} after the answer`
      : "";
  return [
    `${arm.arm}: audits corrected ${count(k.corrected)} of ${count(k.audited)} audited answers (${pct(k.shareOfAudits, 2)})${time}; quality after corrections ${pct(arm.quality.value, 2)}, at decision time ${pct(arm.decisionQuality.value, 2)} (${pp(k.qualityAdded, 2)} added by corrections)`,
  ];
}

function recommendation(report: ReportBody, found: readonly ReportWarning[]): Recommendation {
  const { experiment, comparisons, options, srm, arms } = report;
  const control = experiment.control;
  const paused = new Set(experiment.arms.filter((a) => a.paused).map((a) => a.id));
  if (arms.every((a) => a.decisions === 0))
    return {
      decision: "keep-running",
      arm: null,
      headline: "Keep running: no decisions counted yet",
      reasons: [],
    };
  if (comparisons.length === 0)
    return {
      decision: "keep-running",
      arm: null,
      headline: "Nothing to compare: the experiment has only the control arm",
      reasons: [],
    };
  const verdicts = comparisons.map((c) => judge(c, options.alpha, paused.has(c.arm)));
  const reasons = [...verdicts.flatMap((v) => v.reasons), ...arms.flatMap(correctionWords)];
  const caveats = found
    .filter((w) => w.code === "low-agreement" || w.code === "too-few-audits")
    .map((w) => `caution: ${w.message}`);
  if (srm.mismatch) {
    return {
      decision: "investigate",
      arm: null,
      headline: `Investigate before deciding: sample ratio mismatch in enrolled units (${pValue(srm.pValue)})`,
      reasons: [...reasons, ...caveats],
    };
  }
  const candidates = verdicts.filter((v) => v.qualityOk && v.gain && !v.loss);
  if (candidates.length > 0) {
    // The cheapest qualifying level; automation breaks ties.
    const value = (v: Verdict, id: MetricId, missing: number) =>
      metric(v.comparison, id)?.treatment ?? missing;
    const best = [...candidates].sort(
      (a, b) =>
        value(a, "costPerDecision", Number.POSITIVE_INFINITY) -
          value(b, "costPerDecision", Number.POSITIVE_INFINITY) ||
        value(b, "automationRate", 0) - value(a, "automationRate", 0),
    )[0] as Verdict;
    const c = best.comparison;
    const automation = metric(c, "automationRate");
    const cost = metric(c, "costPerDecision");
    const parts = [
      automation && direction(automation) !== 0 ? automationWords(automation, options.alpha) : "",
      `decision-time quality non-inferior at a ${marginPp(c.qualityGuardrail.margin)} margin`,
      cost && !cost.unavailable && cost.difference !== null ? costWords(cost) : "",
    ].filter(Boolean);
    return {
      decision: "ship",
      arm: c.arm,
      headline: `Ship ${c.arm}: ${parts.join(", ")}`,
      reasons: [...reasons, ...caveats],
    };
  }
  if (verdicts.every((v) => v.harmful)) {
    const why = verdicts.map((v) =>
      paused.has(v.comparison.arm)
        ? `${v.comparison.arm} is paused by the quality guardrail`
        : `${v.comparison.arm}'s decision-time quality is worse than control's by more than the ${marginPp(experiment.qualityMargin)} margin`,
    );
    return {
      decision: "keep-control",
      arm: control,
      headline: `Keep ${control}: ${why.join("; ")}`,
      reasons: [...reasons, ...caveats],
    };
  }
  const open = verdicts.filter((v) => !v.harmful);
  const unproven = open.filter((v) => !v.qualityOk).map((v) => v.comparison.arm);
  const headline =
    unproven.length > 0
      ? `Keep running: decision-time quality of ${unproven.join(", ")} is not yet shown non-inferior at the ${marginPp(experiment.qualityMargin)} margin`
      : open.some((v) => v.loss)
        ? `Keep ${control} or keep running: ${open.map((v) => v.comparison.arm).join(", ")} costs significantly more per decision`
        : `Keep running: no significant difference in automation or cost per decision yet`;
  return { decision: "keep-running", arm: null, headline, reasons: [...reasons, ...caveats] };
}

/** Warnings, then the recommendation (which cites some of them). */
export function recommend(report: ReportBody): { recommendation: Recommendation; warnings: ReportWarning[] } {
  const found = warnings(report);
  const base = recommendation(report, found);
  const proposed = proposedLevel(report.arms, base.arm);
  const broken = report.arms
    .filter((a) => a.certificate?.broken)
    .map(
      (a) =>
        `${a.arm}: the live certificate no longer holds at its threshold ${a.certificate?.threshold}: ${a.certificate?.own.summary}`,
    );
  const reasons = [...base.reasons, ...broken, ...(proposed ? [proposed.sentence] : [])];
  return { recommendation: { ...base, ...(proposed ? { proposed } : {}), reasons }, warnings: found };
}

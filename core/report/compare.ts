/**
 * One treatment arm against control: every metric with fixed-horizon, sequential and Bayesian
 * results, the quality guardrail (non-inferiority with the experiment's margin) and the cost split.
 */

import type { ArmGuardrail } from "../guardrails/check";
import type { ArmMetrics, CounterRow, ReadOptions } from "../metrics/read";
import {
  bayesianTest,
  frequentistTest,
  type InconclusiveReason,
  type MetricSums,
  nonInferiorityTest,
  ratioTest,
  sequentialTest,
} from "../stats";
import {
  type HourValues,
  hourlyCost,
  hourlyQueue,
  proportionSums,
  qualityIsCounted,
  qualitySums,
  ratioSums,
  type Sums,
} from "./sums";
import type {
  Comparison,
  CostComponentDiff,
  MetricComparison,
  MetricId,
  MetricKind,
  MetricUnit,
  Num,
  QualityGuardrailReport,
  Range,
  ReportOptions,
} from "./types";

/** NaN and ±Infinity become null (JSON has neither). */
export const num = (x: number): Num => (Number.isFinite(x) ? x : null);
export const range = ([a, b]: readonly [number, number]): Range => [num(a), num(b)];
const ratio = (a: number, b: number) => (b !== 0 ? a / b : Number.NaN);

/** An arm's data as the comparisons need it. */
export interface ArmData {
  metrics: ArmMetrics;
  /** Cost (dollars) and decisions of each hour with counters. */
  hourlyCost: readonly HourValues[];
  /** Seconds in queue and verdicts of each hour with counters. */
  hourlyQueue: readonly HourValues[];
}

/** Per-hour values of one arm, computed once (the cost model is the expensive part). */
export function armData(metrics: ArmMetrics, rows: readonly CounterRow[], read: ReadOptions): ArmData {
  return {
    metrics,
    hourlyCost: hourlyCost(rows, read, metrics.cost.totalUsd),
    hourlyQueue: hourlyQueue(rows),
  };
}

interface MetricSpec {
  label: string;
  kind: MetricKind;
  unit: MetricUnit;
  better: "higher" | "lower";
  value(arm: ArmData): number;
  sums(arm: ArmData): Sums<MetricSums>;
}

export const METRIC_SPECS: Readonly<Record<MetricId, MetricSpec>> = {
  automationRate: {
    label: "automation rate",
    kind: "proportion",
    unit: "rate",
    better: "higher",
    value: ({ metrics: m }) => m.automationRate,
    sums: ({ metrics: m }) => proportionSums(m.auto, m.decisions, "decisions"),
  },
  quality: {
    label: "quality",
    kind: "mean",
    unit: "rate",
    better: "higher",
    value: ({ metrics: m }) => m.quality.estimate,
    sums: ({ metrics: m }) => qualitySums(m),
  },
  costPerDecision: {
    label: "cost per decision",
    kind: "ratio",
    unit: "usd",
    better: "lower",
    value: ({ metrics: m }) => m.cost.perDecision.total,
    sums: (arm) => ratioSums(arm.hourlyCost, "cost per decision"),
  },
  overrideRate: {
    label: "override rate",
    kind: "proportion",
    unit: "rate",
    better: "lower",
    value: ({ metrics: m }) => m.overrideRate,
    sums: ({ metrics: m }) =>
      proportionSums(m.counters.overrides ?? 0, m.counters.verdicts ?? 0, "review verdicts"),
  },
  escalationRate: {
    label: "escalation rate",
    kind: "proportion",
    unit: "rate",
    better: "lower",
    value: ({ metrics: m }) => m.escalationRate,
    sums: ({ metrics: m }) => proportionSums(m.counters.escalations ?? 0, m.human, "held decisions"),
  },
  slaBreachRate: {
    label: "SLA breach rate",
    kind: "proportion",
    unit: "rate",
    better: "lower",
    value: ({ metrics: m }) => m.slaBreachRate,
    sums: ({ metrics: m }) => proportionSums(m.counters.slaBreaches ?? 0, m.human, "held decisions"),
  },
  timeInQueue: {
    label: "time in queue",
    kind: "ratio",
    unit: "seconds",
    better: "lower",
    value: ({ metrics: m }) => m.meanQueueSeconds,
    sums: (arm) => ratioSums(arm.hourlyQueue, "time in queue"),
  },
  feedbackClosure: {
    label: "feedback closure (training)",
    kind: "proportion",
    unit: "rate",
    better: "higher",
    value: ({ metrics: m }) => m.feedback.stages.training.closureRate,
    sums: ({ metrics: m }) =>
      proportionSums(m.feedback.stages.training.acknowledged, m.feedback.produced, "corrections"),
  },
};

const REASON_WORDS: Record<InconclusiveReason, string> = {
  "too-few-units": "an arm has fewer than 2 units",
  "zero-denominator": "an arm's denominator is 0",
  "zero-control-mean": "control's value is 0, so a relative lift is undefined",
  "zero-variance": "neither arm varies, so there is no noise estimate",
};

function emptyComparison(id: MetricId, control: number, treatment: number): MetricComparison {
  const spec = METRIC_SPECS[id];
  return {
    metric: id,
    label: spec.label,
    kind: spec.kind,
    unit: spec.unit,
    better: spec.better,
    control: num(control),
    treatment: num(treatment),
    difference: num(treatment - control),
    relativeLift: num(ratio(treatment - control, control)),
    fixedHorizon: {
      ci: [null, null],
      relativeCi: [null, null],
      pValue: null,
      adjustedPValue: null,
      significant: false,
    },
    sequential: { ci: [null, null], pValue: null, significant: false },
    bayesian: { chanceToBeBetter: null, riskOfTreatment: null },
  };
}

/** Compares one metric; `adjustedPValue` and `significant` are filled in once the family is known. */
export function compareMetric(
  id: MetricId,
  control: ArmData,
  treatment: ArmData,
  options: ReportOptions,
): MetricComparison {
  const spec = METRIC_SPECS[id];
  const out = emptyComparison(id, spec.value(control), spec.value(treatment));
  if (id === "quality" && qualityIsCounted(control.metrics) && qualityIsCounted(treatment.metrics)) {
    return { ...out, unavailable: "both arms' quality is counted, not estimated: no sampling error to test" };
  }
  const a = spec.sums(control);
  const b = spec.sums(treatment);
  if (!a.ok || !b.ok) {
    const reason = !a.ok ? `control: ${a.reason}` : !b.ok ? `${treatment.metrics.arm}: ${b.reason}` : "";
    return { ...out, unavailable: reason };
  }
  const { alpha, tuning } = options;
  const fixed =
    spec.kind === "ratio" && "sumNumerator" in a.sums && "sumNumerator" in b.sums
      ? ratioTest(a.sums, b.sums, { alpha })
      : frequentistTest(a.sums, b.sums, { alpha });
  if (fixed.reason) return { ...out, unavailable: `no test: ${REASON_WORDS[fixed.reason]}` };
  const relative = frequentistTest(a.sums, b.sums, { alpha, relative: true });
  const sequential = sequentialTest(a.sums, b.sums, { alpha, tuning });
  const bayes = bayesianTest(a.sums, b.sums, { alpha });
  const higher = spec.better === "higher";
  return {
    ...out,
    fixedHorizon: {
      ci: range(fixed.ci),
      relativeCi: range(relative.ci),
      pValue: num(fixed.pValue),
      adjustedPValue: null,
      significant: false,
    },
    sequential: {
      ci: range(sequential.ci),
      pValue: num(sequential.pValue),
      significant: sequential.pValue < alpha,
    },
    bayesian: {
      chanceToBeBetter: num(higher ? bayes.chanceToWin : 1 - bayes.chanceToWin),
      riskOfTreatment: num(higher ? bayes.risk[1] : bayes.risk[0]),
    },
  };
}

/**
 * Quality as a guardrail: the fixed-horizon one-sided non-inferiority test (the experiment's
 * absolute margin m is passed to `nonInferiorityTest` as m / control's quality, its relative form),
 * and the two-sided confidence sequence of the absolute difference, which is what the scheduled
 * guardrail acts on.
 */
export function qualityGuardrail(
  control: ArmMetrics,
  treatment: ArmMetrics,
  margin: number,
  check: ArmGuardrail | undefined,
  options: ReportOptions,
): QualityGuardrailReport {
  const qc = control.quality.estimate;
  const qt = treatment.quality.estimate;
  const diff = qt - qc;
  const out: QualityGuardrailReport = {
    margin,
    control: num(qc),
    treatment: num(qt),
    difference: num(diff),
    fixedHorizon: { lowerBound: null, pValue: null, nonInferior: false },
    sequential: { ci: [null, null], nonInferior: false, worseThanMargin: false },
    guardrail: check?.action ?? "insufficient-data",
  };
  if (qualityIsCounted(control) && qualityIsCounted(treatment) && Number.isFinite(diff)) {
    return {
      ...out,
      fixedHorizon: { lowerBound: diff, pValue: null, nonInferior: diff > -margin },
      sequential: { ci: [diff, diff], nonInferior: diff > -margin, worseThanMargin: diff < -margin },
    };
  }
  const a = qualitySums(control);
  const b = qualitySums(treatment);
  if (!a.ok || !b.ok) return { ...out, unavailable: !a.ok ? a.reason : !b.ok ? b.reason : "" };
  if (!(qc > 0)) return { ...out, unavailable: "control's quality is 0 or undefined" };
  const ni = nonInferiorityTest(a.sums, b.sums, {
    margin: margin / qc,
    direction: "increase",
    alpha: options.alpha,
  });
  const seq = sequentialTest(a.sums, b.sums, { alpha: options.alpha, tuning: options.tuning });
  if (ni.reason || seq.reason)
    return {
      ...out,
      unavailable: `no test: ${REASON_WORDS[(ni.reason ?? seq.reason) as InconclusiveReason]}`,
    };
  return {
    ...out,
    fixedHorizon: { lowerBound: num(ni.ci[0] * qc), pValue: num(ni.pValue), nonInferior: ni.nonInferior },
    sequential: {
      ci: range(seq.ci),
      nonInferior: seq.ci[0] > -margin,
      worseThanMargin: seq.ci[1] < -margin,
    },
  };
}

function componentDiff(control: number, treatment: number): CostComponentDiff {
  return {
    control: num(control),
    treatment: num(treatment),
    difference: num(treatment - control),
    relativeLift: num(ratio(treatment - control, control)),
  };
}

/** Every metric, the quality guardrail and the cost split of one treatment against control. */
export function compareArms(
  control: ArmData,
  treatment: ArmData,
  margin: number,
  check: ArmGuardrail | undefined,
  options: ReportOptions,
  metrics: readonly MetricId[],
): Comparison {
  const c = control.metrics.cost.perDecision;
  const t = treatment.metrics.cost.perDecision;
  return {
    arm: treatment.metrics.arm,
    control: control.metrics.arm,
    metrics: metrics.map((id) => compareMetric(id, control, treatment, options)),
    qualityGuardrail: qualityGuardrail(control.metrics, treatment.metrics, margin, check, options),
    cost: {
      model: componentDiff(c.model, t.model),
      human: componentDiff(c.human, t.human),
      infrastructure: componentDiff(c.infrastructure, t.infrastructure),
      total: componentDiff(c.total, t.total),
    },
  };
}

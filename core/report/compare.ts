/**
 * One treatment arm against control: every metric with fixed-horizon, sequential and Bayesian
 * results, the quality guardrail (non-inferiority with the experiment's margin) and the cost split.
 */

import type { ArmGuardrail } from "../guardrails/check";
import { automatedInterval } from "../metrics/quality";
import type { ArmMetrics, CounterRow, ReadOptions } from "../metrics/read";
import {
  bayesianTest,
  frequentistTest,
  type InconclusiveReason,
  type Interval,
  type MetricSums,
  nonInferiorityTest,
  ratioTest,
  type ScoreArm,
  scoreDifferenceTest,
  sequentialTest,
  wilsonArm,
} from "../stats";
import {
  estimatedOutcomes,
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
  // Quality at decision time: corrections made afterwards must not reward an arm that audits more.
  decisionQuality: {
    label: "quality at decision time",
    kind: "mean",
    unit: "rate",
    better: "higher",
    value: ({ metrics: m }) => m.decisionQuality.estimate,
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

/** Below this many units in an arm (or 5 events either way), a rate difference gets a score interval. */
export const SMALL_SAMPLE = 30;
const MIN_EVENTS = 5;

/** A difference of rates can only be in [−1, 1]; a valid interval cut there stays valid. */
const RATE_BOUNDS: Interval = [-1, 1];
const clampTo = ([lo, hi]: Interval, [min, max]: Interval): Interval => [
  Math.min(max, Math.max(min, lo)),
  Math.max(min, Math.min(max, hi)),
];

/**
 * Quality q = c + w·p is affine in the audit accuracy p (see `qualitySums`), so its interval at any
 * confidence is c + w·(Wilson interval of p); a counted quality is a constant.
 */
function qualityArm(m: ArmMetrics): ScoreArm {
  const q = m.decisionQuality;
  const estimated = estimatedOutcomes(m);
  if (estimated === 0 || q.automated.audited === 0)
    return { estimate: q.estimate, interval: () => [q.estimate, q.estimate] };
  const w = estimated / q.outcomes;
  const c = q.estimate - w * q.automated.estimate;
  return {
    estimate: q.estimate,
    interval: (confidence) => {
      const [lo, hi] = automatedInterval(q.automated, confidence);
      return [c + w * lo, c + w * hi];
    },
  };
}

/** Score arms of a rate metric when its sample is small, else undefined (Welch is then fine). */
function smallSampleArms(
  id: MetricId,
  control: ArmData,
  treatment: ArmData,
  a: MetricSums,
  b: MetricSums,
  welch: Interval,
): { arms: [ScoreArm, ScoreArm]; method: "newcombe" | "mover-wilson" } | undefined {
  const outside = welch[0] < -1 || welch[1] > 1;
  if (id === "decisionQuality") {
    const few = (m: ArmMetrics) => {
      const { audited, correct } = m.decisionQuality.automated;
      return (
        !qualityIsCounted(m) && (audited < SMALL_SAMPLE || Math.min(correct, audited - correct) < MIN_EVENTS)
      );
    };
    if (!outside && !few(control.metrics) && !few(treatment.metrics)) return undefined;
    return { arms: [qualityArm(control.metrics), qualityArm(treatment.metrics)], method: "mover-wilson" };
  }
  if (METRIC_SPECS[id].kind !== "proportion" || "sumSquares" in a || "sumSquares" in b) return undefined;
  if (!("sum" in a) || !("sum" in b)) return undefined;
  const few = (x: { n: number; sum: number }) =>
    x.n < SMALL_SAMPLE || Math.min(x.sum, x.n - x.sum) < MIN_EVENTS;
  if (!outside && !few(a) && !few(b)) return undefined;
  return { arms: [wilsonArm(a.sum, a.n), wilsonArm(b.sum, b.n)], method: "newcombe" };
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
  if (id === "decisionQuality" && qualityIsCounted(control.metrics) && qualityIsCounted(treatment.metrics)) {
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
  const rate = spec.unit === "rate";
  const small = rate ? smallSampleArms(id, control, treatment, a.sums, b.sums, fixed.ci) : undefined;
  const score = small ? scoreDifferenceTest(small.arms[0], small.arms[1], alpha) : undefined;
  const ci = score?.ci ?? fixed.ci;
  const pValue = score?.pValue ?? fixed.pValue;
  // The sequence may never be tighter than the fixed-horizon interval (sequentialTest's own guard),
  // and for a rate it is cut at ±100 pp, where the true difference must lie.
  const widened: Interval = [Math.min(sequential.ci[0], ci[0]), Math.max(sequential.ci[1], ci[1])];
  const sequentialCi = rate ? clampTo(widened, RATE_BOUNDS) : widened;
  const bounded = rate && (widened[0] < -1 || widened[1] > 1);
  const sequentialP = Math.max(sequential.pValue, pValue);
  return {
    ...out,
    fixedHorizon: {
      ci: range(ci),
      // A rate cannot fall by more than all of it: a relative lift is at least −100%.
      relativeCi: range(rate ? [Math.max(-1, relative.ci[0]), relative.ci[1]] : relative.ci),
      pValue: num(pValue),
      adjustedPValue: null,
      significant: false,
    },
    ...(small ? { scoreInterval: small.method } : {}),
    sequential: {
      ci: range(sequentialCi),
      pValue: num(sequentialP),
      significant: sequentialP < alpha,
      ...(bounded ? { bounded: true } : {}),
    },
    bayesian: {
      chanceToBeBetter: num(higher ? bayes.chanceToWin : 1 - bayes.chanceToWin),
      riskOfTreatment: num(higher ? bayes.risk[1] : bayes.risk[0]),
    },
  };
}

/**
 * Decision-time quality as a guardrail: the fixed-horizon one-sided non-inferiority test (the experiment's
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
  const qc = control.decisionQuality.estimate;
  const qt = treatment.decisionQuality.estimate;
  const diff = qt - qc;
  const out: QualityGuardrailReport = {
    measure: "decisionQuality",
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
  // Both bounds are of a difference of two qualities, which lies in [−1, 1]; cutting there keeps them valid.
  const seqCi = clampTo(seq.ci, RATE_BOUNDS);
  const bounded = seq.ci[0] < -1 || seq.ci[1] > 1;
  return {
    ...out,
    fixedHorizon: {
      lowerBound: num(Math.max(-1, ni.ci[0] * qc)),
      pValue: num(ni.pValue),
      nonInferior: ni.nonInferior,
    },
    sequential: {
      ci: range(seqCi),
      nonInferior: seqCi[0] > -margin,
      worseThanMargin: seqCi[1] < -margin,
      ...(bounded ? { bounded: true } : {}),
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

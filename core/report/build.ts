/**
 * The experiment report, built from the exactly-once counter rows and the experiment's config. Pure:
 * no I/O, so the HTTP handler, the CLI and the tests all get the same numbers. Its cost grows with
 * arms × hours (the counter rows), never with the number of decisions.
 */

import type { Experiment } from "../experiments/schema";
import { typedQuality } from "../feedback/types/quality";
import { checkGuardrails } from "../guardrails/check";
import { addCounters, type Counters, GT_CLASSES } from "../metrics/counters";
import {
  type ArmMetrics,
  armMetrics,
  type CounterRow,
  costOf,
  experimentMetrics,
  type QualityKind,
  type ReadOptions,
} from "../metrics/read";
import { benjaminiHochberg, holm, srm, wilson } from "../stats";
import { agreementFamily } from "./agreement-family";
import {
  type ArmCertificate,
  armCertificate,
  armCertificateReport,
  certificationTarget,
} from "./certificate";
import { type ArmData, armData, compareArms, num, range } from "./compare";
import { recommend } from "./recommend";
import { sequentialOverTime } from "./sequential-series";
import { hourlyMetrics } from "./series";
import { qualityOfArm, sumCounters } from "./sums";
import {
  type ArmReport,
  type Comparison,
  type CorrectionsReport,
  type CostReport,
  type DailyArmReport,
  DEFAULT_REPORT_OPTIONS,
  type ExperimentReport,
  type FinanceArm,
  type FinanceReport,
  METRIC_IDS,
  type QualityReport,
  type Range,
  REPORT_SCHEMA_VERSION,
  type ReportOptions,
  type SrmReport,
  type StageClosureReport,
} from "./types";
import { count, pct } from "./words";

export interface ReportInput {
  experiment: Experiment;
  rows: readonly CounterRow[];
  now: Date;
  options?: Partial<ReportOptions>;
  /** Price and assumption overrides of the cost model (defaults: core/cost). */
  read?: Pick<ReadOptions, "prices" | "assumptions">;
}

const RUN_WINDOW_HOURS = 168;
const DAYS_PER_MONTH = 30;
const HOUR_MS = 3_600_000;

/** Checks options a caller can get wrong; throws RangeError naming the option. */
export function reportOptions(partial: Partial<ReportOptions> = {}): ReportOptions {
  const options = { ...DEFAULT_REPORT_OPTIONS, ...partial };
  if (!(options.alpha > 0 && options.alpha < 0.5)) throw new RangeError("alpha must be in (0, 0.5)");
  if (!(options.tuning > 0)) throw new RangeError("tuning must be > 0");
  if (!(options.minAudits >= 0 && options.minDecisions >= 0)) throw new RangeError("minimums must be ≥ 0");
  if (!(options.kappaThreshold > -1 && options.kappaThreshold <= 1))
    throw new RangeError("kappaThreshold must be in (−1, 1]");
  if (options.targetError !== undefined && !(options.targetError > 0 && options.targetError < 1))
    throw new RangeError("targetError must be in (0, 1)");
  return options;
}

/** Wilson interval, or no interval when the "proportion" is not one (successes > n). */
function wilsonRange(successes: number, n: number, confidence: number): Range {
  return successes <= n ? range(wilson(successes, n, confidence)) : [null, null];
}

function costReport(m: Pick<ArmMetrics, "cost">): CostReport {
  const c = m.cost;
  return {
    modelUsd: c.modelUsd,
    humanUsd: c.humanUsd,
    infrastructureUsd: c.infrastructureUsd,
    totalUsd: c.totalUsd,
    perDecision: {
      model: num(c.perDecision.model),
      human: num(c.perDecision.human),
      infrastructure: num(c.perDecision.infrastructure),
      total: num(c.perDecision.total),
    },
    unpricedDecisions: c.unpricedDecisions,
  };
}

const ESTIMATOR_WORDS = {
  hajek: "Hájek estimator over uncertainty-weighted audits",
  "prediction-powered": "prediction-powered estimator over uncertainty-weighted audits",
  "horvitz-thompson": "Horvitz–Thompson estimator over uncertainty-weighted audits",
} as const;

/** The two qualities in words: the report, docs/metrics.md and docs/report.md say the same. */
export const QUALITY_DEFINITIONS: Readonly<Record<QualityKind, string>> = {
  decision:
    "quality at decision time: the share of answers that were correct when they were given; an audited automated decision counts as the model's answer, right or wrong",
  final:
    "quality after corrections: the share of final outcomes that are correct; an audited automated decision counts as correct, because its audit replaced the model's answer",
};

function qualityReport(m: ArmMetrics, kind: QualityKind): QualityReport {
  const q = qualityOfArm(m, kind);
  const estimated = q.estimated;
  const groundTruth = GT_CLASSES.reduce((s, cls) => s + q.groundTruth[cls].attached, 0);
  const reviewed = m.counters.humanOutcomes ?? 0;
  const counted = [
    reviewed > 0 ? `${count(reviewed)} reviewer verdicts` : "",
    kind === "final" && q.automated.audited > 0 ? `${count(q.automated.audited)} audited outcomes` : "",
    groundTruth > 0 ? `${count(groundTruth)} ground-truth labels` : "",
  ].filter(Boolean);
  const source = q.outcomes === 0 ? "none" : estimated > 0 ? "audit-sample" : "counted";
  const description =
    source === "none"
      ? "no outcomes yet"
      : source === "audit-sample"
        ? `${count(estimated)} automated outcomes estimated at the accuracy of ${count(q.automated.audited)} audits (${pct(q.automated.estimate)}${q.automated.estimator === "ratio" ? "" : `, ${ESTIMATOR_WORDS[q.automated.estimator]}`})${counted.length ? `; counted: ${counted.join(", ")}` : ""}`
        : `counted: ${counted.join(", ") || "nothing estimated"}`;
  return {
    value: num(q.estimate),
    interval: range(q.interval),
    definition: QUALITY_DEFINITIONS[kind],
    source,
    description,
    outcomes: {
      total: q.outcomes,
      estimated,
      audited: q.automated.audited,
      reviewed,
      groundTruth,
      unverifiedFallbacks: q.unverifiedFallbacks,
    },
    automatedAccuracy: {
      value: num(q.automated.estimate),
      interval: range(q.automated.interval),
      audits: q.automated.audited,
      correct: q.automated.correct,
      estimator: q.automated.estimator,
      ...(q.automated.reason ? { estimatorReason: q.automated.reason } : {}),
    },
  };
}

function correctionsReport(m: ArmMetrics): CorrectionsReport {
  const k = m.corrections;
  return {
    corrected: k.corrected,
    audited: k.audited,
    shareOfAudits: num(k.shareOfAudits),
    shareOfAutomated: num(k.shareOfAutomated),
    qualityAdded: num(k.qualityAdded),
    timeToCorrection: {
      meanSeconds: num(k.meanSeconds),
      p50Seconds: num(k.latency.p50Ms / 1000),
      p95Seconds: num(k.latency.p95Ms / 1000),
    },
  };
}

function stage(
  m: ArmMetrics,
  name: "training" | "evaluation" | "deployed",
  confidence: number,
): StageClosureReport {
  const s = m.feedback.stages[name];
  return {
    value: num(s.closureRate),
    interval: wilsonRange(s.acknowledged, m.feedback.produced, confidence),
    acknowledged: s.acknowledged,
    meanSeconds: num(s.meanSeconds),
    medianSeconds: num(s.medianSeconds),
  };
}

function latency(s: ArmMetrics["latency"]["auto"]) {
  return { count: s.count, p50Ms: num(s.p50Ms), p95Ms: num(s.p95Ms), p99Ms: num(s.p99Ms) };
}

function armReport(
  m: ArmMetrics,
  config: { control: boolean; paused: boolean; weight: number },
  confidence: number,
  certificate: ArmCertificate | undefined,
): ArmReport {
  const c = (name: string) => m.counters[name] ?? 0;
  return {
    arm: m.arm,
    ...config,
    decisions: m.decisions,
    enrolledDecisions: m.enrolledDecisions,
    units: m.units,
    automated: m.auto,
    held: m.human,
    audited: m.audit,
    automationRate: { value: num(m.automationRate), interval: wilsonRange(m.auto, m.decisions, confidence) },
    quality: qualityReport(m, "final"),
    decisionQuality: qualityReport(m, "decision"),
    corrections: correctionsReport(m),
    certificate: armCertificateReport(certificate),
    overrideRate: {
      value: num(m.overrideRate),
      interval: wilsonRange(c("overrides"), c("verdicts"), confidence),
      verdicts: c("verdicts"),
    },
    escalationRate: {
      value: num(m.escalationRate),
      interval: wilsonRange(c("escalations"), m.human, confidence),
    },
    slaBreachRate: {
      value: num(m.slaBreachRate),
      interval: wilsonRange(c("slaBreaches"), m.human, confidence),
    },
    timeInQueue: { meanSeconds: num(m.meanQueueSeconds), verdicts: c("verdicts") },
    latency: { auto: latency(m.latency.auto), human: latency(m.latency.human) },
    cost: costReport(m),
    feedback: {
      produced: m.feedback.produced,
      stages: {
        training: stage(m, "training", confidence),
        evaluation: stage(m, "evaluation", confidence),
        deployed: stage(m, "deployed", confidence),
      },
    },
    agreement: {
      pairs: m.agreement.pairs,
      observedAgreement: num(m.agreement.observedAgreement),
      kappa: num(m.agreement.kappa),
      belowThreshold: m.agreement.belowThreshold,
    },
  };
}

/** Adjusts every fixed-horizon p-value of the report as one family (in place). */
function adjust(comparisons: Comparison[], options: ReportOptions): void {
  const tests = comparisons.flatMap((c) => c.metrics).filter((m) => m.fixedHorizon.pValue !== null);
  const raw = tests.map((m) => m.fixedHorizon.pValue as number);
  const adjusted =
    options.correction === "holm"
      ? holm(raw)
      : options.correction === "benjamini-hochberg"
        ? benjaminiHochberg(raw)
        : raw;
  tests.forEach((m, i) => {
    const p = adjusted[i] ?? Number.NaN;
    m.fixedHorizon.adjustedPValue = num(p);
    m.fixedHorizon.significant = p < options.alpha;
  });
}

/**
 * Enrolled units per arm against the configured weights. A paused arm stops enrolling, so with one
 * the check counts only hours up to the last hour in which every paused arm still enrolled.
 */
function srmCheck(experiment: Experiment, rowsByArm: ReadonlyMap<string, readonly CounterRow[]>): SrmReport {
  const arms = experiment.arms;
  const paused = arms.filter((a) => a.paused);
  let until: string | null = null;
  if (paused.length > 0) {
    // Hours are ISO strings, so string order is time order.
    const lastEnrolled = paused.map(
      (a) =>
        (rowsByArm.get(a.id) ?? [])
          .filter((r) => (r.counters.enrolledDecisions ?? 0) > 0)
          .map((r) => r.hour)
          .sort()
          .pop() ?? "",
    );
    until = lastEnrolled.sort()[0] ?? "";
  }
  const units = arms.map((a) =>
    (rowsByArm.get(a.id) ?? [])
      .filter((r) => until === null || r.hour <= until)
      .reduce((s, r) => s + (r.counters.units ?? 0), 0),
  );
  const totalUnits = units.reduce((s, u) => s + u, 0);
  const totalWeight = arms.reduce((s, a) => s + a.weight, 0);
  const perArm = arms.map((a, i) => ({
    arm: a.id,
    units: units[i] ?? 0,
    expectedShare: totalWeight > 0 ? a.weight / totalWeight : 0,
    observedShare: num((units[i] ?? 0) / totalUnits),
  }));
  const note =
    until !== null ? `counted up to ${until}, the last hour the paused arm(s) enrolled units` : undefined;
  if (arms.length < 2 || totalUnits === 0 || until === "") {
    return {
      checked: false,
      arms: perArm,
      chiSquare: null,
      pValue: null,
      mismatch: false,
      until: until || null,
      note: arms.length < 2 ? "one arm: nothing to check" : "no enrolled units yet",
    };
  }
  const result = srm(
    units,
    arms.map((a) => a.weight),
  );
  return {
    checked: true,
    arms: perArm,
    chiSquare: num(result.chiSquare),
    pValue: num(result.pValue),
    mismatch: result.mismatch,
    until,
    ...(note ? { note } : {}),
  };
}

const hourMs = (hour: string) => Date.parse(`${hour}:00:00Z`);

function finance(
  armIds: readonly string[],
  arms: readonly ArmReport[],
  rows: readonly CounterRow[],
  read: ReadOptions,
  overallDecisionQuality: number | null,
): FinanceReport {
  const hours = rows.map((r) => hourMs(r.hour)).filter(Number.isFinite);
  const last = hours.length ? Math.max(...hours) : 0;
  const first = hours.length ? Math.min(...hours) : 0;
  const windowStart = Math.max(first, last - (RUN_WINDOW_HOURS - 1) * HOUR_MS);
  const windowHours = hours.length ? Math.round((last - windowStart) / HOUR_MS) + 1 : 0;
  const perDay = (x: number) => (windowHours > 0 ? (x / windowHours) * 24 : 0);
  const ratio = (a: number, b: number) => num(b > 0 ? a / b : Number.NaN);
  const line = (
    decisionQuality: number | null,
    decisions: number,
    cost: Pick<CostReport, "modelUsd" | "humanUsd" | "infrastructureUsd" | "totalUsd">,
    window: Counters,
  ): Omit<FinanceArm, "arm"> => {
    const w = costOf(window, read);
    const month = (usd: number) => perDay(usd) * DAYS_PER_MONTH;
    return {
      decisions,
      decisionQuality,
      modelUsd: cost.modelUsd,
      humanUsd: cost.humanUsd,
      infrastructureUsd: cost.infrastructureUsd,
      totalUsd: cost.totalUsd,
      perDecision: {
        model: ratio(cost.modelUsd, decisions),
        human: ratio(cost.humanUsd, decisions),
        infrastructure: ratio(cost.infrastructureUsd, decisions),
        total: ratio(cost.totalUsd, decisions),
      },
      projection: {
        decisionsPerDay: perDay(window.decisions ?? 0),
        decisionsPerMonth: perDay(window.decisions ?? 0) * DAYS_PER_MONTH,
        dailyUsd: perDay(w.totalUsd),
        monthly: {
          modelUsd: month(w.modelUsd),
          humanUsd: month(w.humanUsd),
          infrastructureUsd: month(w.infrastructureUsd),
          totalUsd: month(w.totalUsd),
        },
      },
    };
  };
  // One pass over the rows: each arm's counters within the window.
  const windows = new Map<string, Counters>(armIds.map((id) => [id, {}]));
  for (const row of rows) {
    const into = windows.get(row.arm);
    if (into && hourMs(row.hour) >= windowStart) addCounters(into, row.counters);
  }
  const financeArms = armIds.map((id, i) => {
    const arm = arms[i] as ArmReport;
    return { arm: id, ...line(arm.decisionQuality.value, arm.decisions, arm.cost, windows.get(id) ?? {}) };
  });
  const sum = (pick: (a: ArmReport) => number) => arms.reduce((s, a) => s + pick(a), 0);
  const total = line(
    overallDecisionQuality,
    sum((a) => a.decisions),
    {
      modelUsd: sum((a) => a.cost.modelUsd),
      humanUsd: sum((a) => a.cost.humanUsd),
      infrastructureUsd: sum((a) => a.cost.infrastructureUsd),
      totalUsd: sum((a) => a.cost.totalUsd),
    },
    sumCounters([...windows.values()].map((counters) => ({ counters }))),
  );
  return { currency: "USD", arms: financeArms, total, windowHours, daysPerMonth: DAYS_PER_MONTH };
}

function daily(metrics: readonly ArmMetrics[], confidence: number): DailyArmReport[] {
  return metrics.map((m) => ({
    day: m.period,
    arm: m.arm,
    decisions: m.decisions,
    automated: m.auto,
    automationRate: { value: num(m.automationRate), interval: wilsonRange(m.auto, m.decisions, confidence) },
    quality: { value: num(m.quality.estimate), interval: range(m.quality.interval) },
    decisionQuality: { value: num(m.decisionQuality.estimate), interval: range(m.decisionQuality.interval) },
    cost: costReport(m),
  }));
}

/** The whole report; see docs/report.md for every field. */
export function buildReport(input: ReportInput): ExperimentReport {
  const { experiment, rows } = input;
  const options = reportOptions(input.options);
  const confidence = 1 - options.alpha;
  const read: ReadOptions = { ...input.read, modelPriceUsd: experiment.modelPriceUsd, confidence };
  const metrics = experimentMetrics(experiment.id, rows, read);

  // Configured arms first (in config order), then arms only the counters know (a removed arm).
  const configured = new Map(experiment.arms.map((a) => [a.id, a]));
  const armIds = [
    ...experiment.arms.map((a) => a.id),
    ...[...new Set(rows.map((r) => r.arm))].filter((id) => !configured.has(id)).sort(),
  ];
  const rowsByArm = new Map<string, CounterRow[]>();
  for (const row of rows) {
    const list = rowsByArm.get(row.arm);
    if (list) list.push(row);
    else rowsByArm.set(row.arm, [row]);
  }
  const runOf = new Map(metrics.arms.map((m) => [m.arm, m]));
  const run = armIds.map((id) => runOf.get(id) ?? armMetrics(id, "run", {}, read));
  const target = certificationTarget(experiment, options.targetError);
  const certificates = new Map(
    run.map((m) => [m.arm, target ? armCertificate(m, configured.get(m.arm), target) : undefined]),
  );
  const arms = run.map((m) =>
    armReport(
      m,
      {
        control: m.arm === experiment.control,
        paused: configured.get(m.arm)?.paused ?? false,
        weight: configured.get(m.arm)?.weight ?? 0,
      },
      confidence,
      certificates.get(m.arm),
    ),
  );

  run.forEach((m, i) => {
    const arm = arms[i];
    const typed = typedQuality(m.counters, experiment.feedback, confidence);
    if (arm && Object.keys(typed).length > 0) arm.typedFeedback = typed;
  });

  // What the scheduled check does: the experiment's own certification target, not the report's option.
  const check = checkGuardrails(experiment, run, { alpha: options.alpha, tuning: options.tuning });
  const data = (m: ArmMetrics): ArmData => armData(m, rowsByArm.get(m.arm) ?? [], read);
  const control = run.find((m) => m.arm === experiment.control);
  const controlData = control ? data(control) : undefined;
  const comparisons = controlData
    ? run
        .filter((m) => m.arm !== experiment.control)
        .map((m) =>
          compareArms(
            controlData,
            data(m),
            experiment.qualityMargin,
            check.arms.find((a) => a.arm === m.arm),
            options,
            METRIC_IDS,
          ),
        )
    : [];
  adjust(comparisons, options);
  for (const c of comparisons)
    c.sequentialOverTime = sequentialOverTime({
      control: c.control,
      treatment: c.arm,
      rows,
      read,
      options,
    });

  const all = armMetrics("all", "run", sumCounters(run), read);
  const overall = all.agreement;
  const agreement = {
    threshold: options.kappaThreshold,
    overall: {
      pairs: overall.pairs,
      observedAgreement: num(overall.observedAgreement),
      kappa: num(overall.kappa),
      belowThreshold: overall.kappa < options.kappaThreshold,
    },
  };
  for (const arm of arms) arm.agreement.belowThreshold = (arm.agreement.kappa ?? 1) < options.kappaThreshold;
  const family = agreementFamily(new Map(armIds.map((id) => [id, sumCounters(rowsByArm.get(id) ?? [])])), {
    labels: experiment.labels,
    ordered: experiment.orderedLabels ?? false,
    threshold: options.kappaThreshold,
  });
  const srmReport = srmCheck(experiment, rowsByArm);
  const hoursSeen = [...new Set(rows.map((r) => r.hour))].sort();
  const report: Omit<ExperimentReport, "recommendation" | "warnings"> = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    experimentId: experiment.id,
    generatedAt: input.now.toISOString(),
    experiment: {
      version: experiment.version,
      status: experiment.status,
      control: experiment.control,
      qualityMargin: experiment.qualityMargin,
      coverage: experiment.coverage,
      arms: experiment.arms.map((a) => ({ id: a.id, weight: a.weight, paused: a.paused })),
    },
    options,
    period: {
      from: hoursSeen[0] ?? null,
      to: hoursSeen[hoursSeen.length - 1] ?? null,
      hours: hoursSeen.length,
      days: new Set(hoursSeen.map((h) => h.slice(0, 10))).size,
    },
    arms,
    comparisons,
    srm: srmReport,
    // NaN (too few items, one label only) becomes null, as everywhere in the report's JSON.
    agreement: { ...agreement, family: JSON.parse(JSON.stringify(family)) as typeof family },
    notTested: [
      {
        metric: "latency p50/p95/p99",
        reason:
          "quantiles come from merged log-bucket histograms (±1 %); the counters keep no per-decision latencies, so a difference of quantiles has no variance to test",
      },
      {
        metric: "cost components (model, human, infrastructure)",
        reason: "shown per decision for each arm; only their total is tested (as a ratio metric over hours)",
      },
    ],
    daily: daily(metrics.daily, confidence),
    hourly: daily(hourlyMetrics(rows, read), confidence).map(({ day, ...row }) => ({ hour: day, ...row })),
    finance: finance(armIds, arms, rows, read, num(all.decisionQuality.estimate)),
  };
  const { recommendation, warnings } = recommend(report);
  return { ...report, recommendation, warnings };
}

import type { TypedQuality } from "../feedback/types/quality";
import type { SequentialSeries } from "./sequential-series";

/**
 * The experiment report's JSON contract (`GET /v1/experiments/{id}/report`, `hitl report --format json`).
 * Documented field by field in docs/report.md. Every number that can be undefined (a rate over zero
 * decisions, a test the data cannot support, an open end of a one-sided interval) is `null`, never
 * NaN, so the JSON round-trips exactly.
 */

import type { AgreementFamily } from "./agreement-family";
/** A number, or null where it is undefined (x/0, an inconclusive test, an infinite bound). */
export type Num = number | null;
/** `[lower, upper]`; either end may be null. */
export type Range = [lower: Num, upper: Num];

export const REPORT_SCHEMA_VERSION = 1;

/** Adjustment of the fixed-horizon p-values across every (treatment arm, metric) comparison. */
export type Correction = "holm" | "benjamini-hochberg" | "none";
export const CORRECTIONS: readonly Correction[] = ["holm", "benjamini-hochberg", "none"];

export interface ReportOptions {
  /** Two-sided significance level; intervals have coverage 1 − alpha. Default 0.05. */
  alpha: number;
  /** Default "holm". */
  correction: Correction;
  /** N* of the sequential confidence sequences. Default 5000. */
  tuning: number;
  /** An arm whose quality is estimated from fewer audits than this gets a warning. Default 30. */
  minAudits: number;
  /** An arm with fewer decisions than this gets an "underpowered" warning. Default 100. */
  minDecisions: number;
  /** Cohen's kappa below this flags the review task definition. Default 0.6. */
  kappaThreshold: number;
  /** Certify each arm at this error among automated decisions; default the experiment's `certification`. */
  targetError?: number;
}

export const DEFAULT_REPORT_OPTIONS: Readonly<ReportOptions> = Object.freeze({
  alpha: 0.05,
  correction: "holm",
  tuning: 5000,
  minAudits: 30,
  minDecisions: 100,
  kappaThreshold: 0.6,
});

/** A value with its interval (Wilson for proportions). */
export interface Estimate {
  value: Num;
  interval: Range;
}

export interface LatencyReport {
  count: number;
  p50Ms: Num;
  p95Ms: Num;
  p99Ms: Num;
}

export interface CostPerDecision {
  model: Num;
  human: Num;
  infrastructure: Num;
  total: Num;
}

export interface CostReport {
  modelUsd: number;
  humanUsd: number;
  infrastructureUsd: number;
  totalUsd: number;
  perDecision: CostPerDecision;
  /** Decisions whose model version has no price in the experiment (counted at $0). */
  unpricedDecisions: number;
}

/** Where a quality number comes from. */
export type QualitySource =
  /** Part of it is estimated: unaudited automated outcomes at the audit sample's accuracy. */
  | "audit-sample"
  /** Every outcome is counted: reviewer verdicts (and ground truth); nothing is estimated. */
  | "counted"
  /** No outcome yet. */
  | "none";

export interface QualityReport extends Estimate {
  /** What this quality counts, in words (the same text as docs/metrics.md). */
  definition: string;
  source: QualitySource;
  /** The source in words, e.g. "estimated from 412 audits of 8,000 automated decisions". */
  description: string;
  /** Outcomes the estimate covers, by class. */
  outcomes: {
    total: number;
    /**
     * Estimated at the automated accuracy: after corrections, automated decisions neither audited nor
     * ground-truthed; at decision time, every automated decision not ground-truthed.
     */
    estimated: number;
    audited: number;
    reviewed: number;
    groundTruth: number;
    /** Fallback outcomes nobody verified: left out of the estimate. */
    unverifiedFallbacks: number;
  };
  /** Accuracy of the automated path, from the audit sample (Wilson interval, or the weighted estimator's). */
  automatedAccuracy: Estimate & {
    audits: number;
    correct: number;
    /** "ratio" (uniform audits) or the estimator of uncertainty-weighted audits: "hajek", "prediction-powered", "horvitz-thompson". */
    estimator: "ratio" | "hajek" | "prediction-powered" | "horvitz-thompson";
    /** Why that estimator, in words (weighted audits). */
    estimatorReason?: string;
  };
}

export interface CorrectionsReport {
  /** Audited automated decisions whose verdict differed from the model's answer (corrected afterwards). */
  corrected: number;
  audited: number;
  /** corrected / audited. */
  shareOfAudits: Num;
  /** corrected / automated decisions. */
  shareOfAutomated: Num;
  /** quality − decisionQuality (absolute): what corrections added to the share of correct outcomes. */
  qualityAdded: Num;
  /** Decision → corrected outcome: how long a wrong answer stood. */
  timeToCorrection: { meanSeconds: Num; p50Seconds: Num; p95Seconds: Num };
}

/** One threshold's evidence in a certificate. */
export interface CertificateTest {
  threshold: number;
  n: number;
  errors: number;
  errorRate: Num;
  pValue: Num;
  certified: boolean;
}

/** A Learn-Then-Test certificate as the report carries it (core/stats/certificate.ts). */
export interface CertificateReport {
  /** The lowest certified threshold, or null. */
  threshold: number | null;
  pValue: "binomial" | "hoeffding-bentkus";
  weighted: boolean;
  automationRate: Num;
  automationRateInterval: Range;
  tested: CertificateTest[];
  /** More labelled outcomes that would certify where the sequence stopped (null: more data cannot help). */
  needed: { threshold: number; atThreshold: number; overall: number | null } | null;
  summary: string;
}

/** An arm's live certificate from its audits (and, below its threshold, its held items' verdicts). */
export interface ArmCertificateReport {
  targetError: number;
  confidence: number;
  /** The arm's own threshold, as tested (hundredths, rounded up). */
  threshold: number;
  /** Its own threshold is certified from its audits. */
  holds: boolean;
  /** Not certified, and more audits would not help: the observed error rate is at least the target. */
  broken: boolean;
  own: CertificateReport;
  /** Over the whole grid, held verdicts included: the most automation certified. */
  proposal: CertificateReport;
  /** A certified threshold below the arm's own: the proposed next level; null when none. */
  next: number | null;
}

export interface AgreementReport {
  /** Double-reviewed items with two independent labels. */
  pairs: number;
  observedAgreement: Num;
  kappa: Num;
  belowThreshold: boolean;
}

export interface StageClosureReport extends Estimate {
  acknowledged: number;
  meanSeconds: Num;
  medianSeconds: Num;
}

export interface ArmReport {
  arm: string;
  control: boolean;
  /** Paused by the quality guardrail: new units that hash here get the control policy. */
  paused: boolean;
  weight: number;
  decisions: number;
  enrolledDecisions: number;
  /** Distinct enrolled units. */
  units: number;
  automated: number;
  held: number;
  audited: number;
  automationRate: Estimate;
  /** Quality after corrections: the share of final outcomes that are correct. */
  quality: QualityReport;
  /** Quality at decision time: the share of answers that were correct when given. */
  decisionQuality: QualityReport;
  /** What the audits corrected: the difference between the two qualities, and its cost in time. */
  corrections: CorrectionsReport;
  /** The live certificate (null without a target error or without audits). */
  certificate: ArmCertificateReport | null;
  overrideRate: Estimate & { verdicts: number };
  escalationRate: Estimate;
  slaBreachRate: Estimate;
  timeInQueue: { meanSeconds: Num; verdicts: number };
  latency: { auto: LatencyReport; human: LatencyReport };
  cost: CostReport;
  feedback: {
    produced: number;
    stages: { training: StageClosureReport; evaluation: StageClosureReport; deployed: StageClosureReport };
  };
  agreement: AgreementReport;
  /** Quality of each typed feedback (correction, rubric, pairwise, approval) the experiment declares. */
  typedFeedback?: TypedQuality;
}

/** Metrics compared between each treatment and control, in report order. */
export const METRIC_IDS = [
  "automationRate",
  "decisionQuality",
  "costPerDecision",
  "overrideRate",
  "escalationRate",
  "slaBreachRate",
  "timeInQueue",
  "feedbackClosure",
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

export type MetricKind = "proportion" | "mean" | "ratio";
export type MetricUnit = "rate" | "usd" | "seconds";

export interface TestResult {
  /** Interval of the absolute difference (treatment − control). */
  ci: Range;
  pValue: Num;
}

export interface MetricComparison {
  metric: MetricId;
  label: string;
  kind: MetricKind;
  unit: MetricUnit;
  /** Which way is an improvement. */
  better: "higher" | "lower";
  control: Num;
  treatment: Num;
  /** treatment − control. */
  difference: Num;
  /** (treatment − control) / control. */
  relativeLift: Num;
  /**
   * Welch t-test (gbstats semantics); for a rate with a small sample (an arm under 30 units or 5
   * events, or a Welch interval past ±100 pp) the score interval named by `scoreInterval` instead.
   */
  fixedHorizon: TestResult & {
    /** Interval of the relative lift (delta method). */
    relativeCi: Range;
    /** After the report's correction across every comparison in the report. */
    adjustedPValue: Num;
    /** adjustedPValue < alpha. */
    significant: boolean;
  };
  /**
   * When set, `fixedHorizon.ci` and its p-value come from a score interval that stays inside ±100 pp:
   * Newcombe's hybrid score interval (rates) or its MOVER form over the audit accuracy (quality).
   */
  scoreInterval?: "newcombe" | "mover-wilson";
  /** Asymptotic confidence sequence: valid however often the report is read. */
  sequential: TestResult & {
    significant: boolean;
    /** True when the sequence ran past what the quantity can be (±100 pp for a rate) and was cut there. */
    bounded?: boolean;
  };
  /** Flat prior on the effect. */
  bayesian: {
    /** Posterior probability that the treatment is better (in the metric's `better` direction). */
    chanceToBeBetter: Num;
    /** Expected loss of shipping the treatment, in the metric's units. */
    riskOfTreatment: Num;
  };
  /** Set when no test could be run, saying why (the values above are still shown). */
  unavailable?: string;
}

export type GuardrailAction =
  /** Quality is worse than control by more than the margin, with sequential confidence. */
  | "pause"
  /** Nothing shows quality worse by more than the margin. */
  | "keep"
  /** Already paused (the check never un-pauses). */
  | "paused"
  /** The data cannot support the check yet (no audits, too few outcomes, no variance). */
  | "insufficient-data";

export interface QualityGuardrailReport {
  /** The quality it judges: always decision-time quality (the answers as the product got them). */
  measure: "decisionQuality";
  /** The experiment's `qualityMargin`: largest acceptable absolute drop in decision-time quality. */
  margin: number;
  control: Num;
  treatment: Num;
  difference: Num;
  /** One-sided non-inferiority test, fixed horizon (margin passed relative to control's quality). */
  fixedHorizon: { lowerBound: Num; pValue: Num; nonInferior: boolean };
  /** Two-sided confidence sequence of the absolute difference, at level alpha (cut at ±100 pp, `bounded`). */
  sequential: { ci: Range; nonInferior: boolean; worseThanMargin: boolean; bounded?: boolean };
  /** What the scheduled guardrail check does on the same data. */
  guardrail: GuardrailAction;
  unavailable?: string;
}

export interface CostComponentDiff {
  control: Num;
  treatment: Num;
  difference: Num;
  relativeLift: Num;
}

export interface Comparison {
  arm: string;
  control: string;
  metrics: MetricComparison[];
  qualityGuardrail: QualityGuardrailReport;
  /**
   * Each metric's sequential interval at the end of every hour (data on at most two UTC days: the
   * last 48 hours) or day: the comparison on the data up to then (core/report/sequential-series.ts).
   */
  sequentialOverTime?: SequentialSeries;
  /** Cost per decision by component (values only; the total is tested in `metrics`). */
  cost: {
    model: CostComponentDiff;
    human: CostComponentDiff;
    infrastructure: CostComponentDiff;
    total: CostComponentDiff;
  };
}

export interface SrmReport {
  /** False with one arm or no enrolled units. */
  checked: boolean;
  arms: { arm: string; units: number; expectedShare: number; observedShare: Num }[];
  chiSquare: Num;
  pValue: Num;
  /** pValue < 0.001. */
  mismatch: boolean;
  /** Last UTC hour counted, when a paused arm limits the check to the time before its pause. */
  until: string | null;
  note?: string;
}

export type WarningCode =
  | "no-data"
  | "srm"
  | "too-few-audits"
  | "underpowered"
  | "low-agreement"
  | "arm-paused"
  | "guardrail-breach"
  | "non-enrolled-in-control"
  | "unpriced-decisions"
  | "unverified-fallbacks";

export interface ReportWarning {
  code: WarningCode;
  arm?: string;
  message: string;
}

/** The next automation level the certificates support, for `hitl experiments propose`. */
export interface ProposedLevel {
  /** The arm whose policy it starts from. */
  arm: string;
  /** Its threshold now, and the proposed one. */
  from: number;
  threshold: number;
  targetError: number;
  confidence: number;
  /** Labelled outcomes at or above the proposed threshold. */
  outcomes: number;
  automationRate: Num;
  automationRateInterval: Range;
  /** Expected change of cost per decision: the share moved from held to automated × a held item's human cost. */
  costPerDecisionChange: Num;
  sentence: string;
}

export interface Recommendation {
  decision: "ship" | "keep-control" | "keep-running" | "investigate";
  /** The certified next automation level, when the data support one. */
  proposed?: ProposedLevel;
  /** The arm to ship (or the control, for keep-control); null otherwise. */
  arm: string | null;
  /** One sentence, e.g. "Ship aggressive: automation +18.2 pp (95% CI 16.9–19.5), …". */
  headline: string;
  reasons: string[];
}

export interface DailyArmReport {
  /** UTC day, "2026-11-25". */
  day: string;
  arm: string;
  decisions: number;
  automated: number;
  automationRate: Estimate;
  quality: Estimate;
  decisionQuality: Estimate;
  cost: CostReport;
}

/** The same per arm, per UTC hour: the last `HOURLY_SERIES_HOURS` hours with data (young experiments read by hour). */
export interface HourlyArmReport extends Omit<DailyArmReport, "day"> {
  /** UTC hour, "2026-11-25T14". */
  hour: string;
}

export interface FinanceArm {
  arm: string;
  decisions: number;
  /** Share of answers correct when given (what the money bought); the total line's is over every arm. */
  decisionQuality: Num;
  modelUsd: number;
  humanUsd: number;
  infrastructureUsd: number;
  totalUsd: number;
  perDecision: CostPerDecision;
  /** At the volume and cost of the projection window (the last ≤ 168 hours with data). */
  projection: {
    decisionsPerDay: number;
    decisionsPerMonth: number;
    dailyUsd: number;
    monthly: { modelUsd: number; humanUsd: number; infrastructureUsd: number; totalUsd: number };
  };
}

export interface FinanceReport {
  currency: "USD";
  arms: FinanceArm[];
  total: Omit<FinanceArm, "arm">;
  /** Hours (≤ 168) the run rate is measured over, ending at the latest hour with data. */
  windowHours: number;
  /** Days per month of the projection. */
  daysPerMonth: number;
}

export interface ExperimentReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  experimentId: string;
  generatedAt: string;
  experiment: {
    version: number;
    status: string;
    control: string;
    qualityMargin: number;
    coverage: number;
    arms: { id: string; weight: number; paused: boolean }[];
  };
  options: ReportOptions;
  /** First and last UTC hour with counters. */
  period: { from: string | null; to: string | null; hours: number; days: number };
  arms: ArmReport[];
  comparisons: Comparison[];
  srm: SrmReport;
  /** `overall`: Cohen's kappa of the first two labels; `family`: Fleiss, Krippendorff and the rest (agreement-family.ts). */
  agreement: { threshold: number; overall: AgreementReport; family?: AgreementFamily };
  recommendation: Recommendation;
  warnings: ReportWarning[];
  /** Metrics compared without a test, and why. */
  notTested: { metric: string; reason: string }[];
  daily: DailyArmReport[];
  hourly: HourlyArmReport[];
  finance: FinanceReport;
}

/**
 * hitl-lab/stats: pure statistics for automation-level experiments with human review.
 *
 * No I/O and no dependencies. Every test takes sufficient statistics (counts and sums), never raw
 * rows, so a report over millions of decisions costs microseconds. Semantics follow GrowthBook's
 * gbstats engine; formulas and sources are in docs/statistics.md.
 *
 * Conventions: `a` is control and `b` treatment; effects are b − a (or (b − a)/a when relative).
 * Invalid arguments throw RangeError; valid data that cannot support a test returns NaN statistics
 * with a `reason`.
 *
 * @example
 * ```ts
 * import { frequentistTest, wilson } from "hitl-lab/stats";
 * wilson(81, 263); // ≈ [0.2553, 0.3662]
 * frequentistTest({ n: 1000, sum: 100 }, { n: 1000, sum: 130 }, { relative: true });
 * ```
 *
 * @packageDocumentation
 */

export {
  AGREEMENT_THRESHOLD,
  agreementWeights,
  cohenKappa,
  type KappaOptions,
  type KappaResult,
  type KappaWeights,
  kappaInference,
  weightedKappa,
} from "./agreement";
export { type AgreementSummary, type AgreementSummaryOptions, agreementSummary } from "./agreement-summary";
export {
  type AuditedDecision,
  type AuditSums,
  auditSums,
  automatedQuality,
  type ChosenQualityEstimate,
  hajek,
  horvitzThompson,
  type PowerSums,
  predictionPowered,
  type QualityEstimate,
  type QualityEstimator,
  qualityInterval,
} from "./audit-estimators";
export { type BayesianOptions, type BayesianResult, bayesianTest } from "./bayesian";
export { binomialLowerTailPValue, clopperPearsonUpper, hoeffdingBentkusPValue } from "./binomial";
export {
  type CalibrationSums,
  type CertificateOptions,
  type CertificatePValue,
  calibrationSums,
  certifyThreshold,
  certifyThresholds,
  formatPValue,
  type OutcomesNeeded,
  type ScoredOutcome,
  type StopReason,
  type ThresholdCertificate,
  type ThresholdSums,
  type ThresholdTest,
  type WeightSums,
} from "./certificate";
export {
  betaQuantile,
  binomialCdf,
  chiSquareCdf,
  chiSquareSf,
  lnBeta,
  lnGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTSf,
} from "./distributions";
export type { InconclusiveReason, Interval } from "./effect";
export {
  type FleissOptions,
  type FleissResult,
  fleiss,
  fleissKappa,
  type LabelAgreement,
  perLabelAgreement,
} from "./fleiss";
export { type FrequentistOptions, type FrequentistResult, frequentistTest } from "./frequentist";
export {
  type AlphaOptions,
  type AlphaResult,
  alpha,
  type BootstrapOptions,
  type CodedValue,
  krippendorffAlpha,
  type MeasurementLevel,
} from "./krippendorff";
export {
  type ArmMoments,
  armMoments,
  type MeanSums,
  type MetricSums,
  type ProportionSums,
  type RatioSums,
} from "./moments";
export { benjaminiHochberg, holm } from "./multiple-comparisons";
export {
  moverInterval,
  newcombe,
  type ScoreArm,
  type ScoreDifferenceResult,
  scoreDifferenceTest,
  wilsonArm,
} from "./newcombe";
export { type NonInferiorityOptions, type NonInferiorityResult, nonInferiorityTest } from "./noninferiority";
export { twoProportionZTest, wilson } from "./proportions";
export { type LabelCounts, profilesOf, type RatingProfile } from "./ratings";
export { ratioTest } from "./ratio";
export { type SequentialOptions, sequentialTest } from "./sequential";
export { SRM_THRESHOLD, type SrmResult, srm } from "./srm";

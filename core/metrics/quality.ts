import {
  type AuditSums,
  automatedQuality,
  type QualityEstimator,
  qualityInterval,
} from "../stats/audit-estimators";
import { wilson } from "../stats/proportions";
import { C, type Counters, type GroundTruthClass, GT_CLASSES, P } from "./counters";
import { LogHistogram } from "./histogram";

/**
 * The two qualities of an arm (definitions in words: docs/metrics.md §3):
 *
 * - `quality` (after corrections): the share of *final* outcomes that are correct. An audited
 *   automated decision counts as correct, because its audit replaced a wrong answer afterwards.
 * - `decisionQuality` (at decision time): the share of answers that were correct *when they were
 *   given*. An audited automated decision counts as the model's answer, right or wrong: the product
 *   received it before the audit. Comparisons, the guardrail and the recommendation use this one,
 *   because auditing more must not make an arm look better when its model is no better.
 *
 * Both are c + w·p, affine in the automated accuracy p measured on the audits (its interval is c +
 * w·[interval of p]); they differ in what is counted and what is estimated.
 */
export interface QualityMetrics {
  /** Share of counted outcomes that are correct (see docs/metrics.md). */
  estimate: number;
  /** With the automated accuracy at its interval's bounds. */
  interval: [number, number];
  /** Outcomes the estimate covers (automated, audited, human-decided, ground-truthed fallbacks). */
  outcomes: number;
  /** Outcomes whose correctness is estimated at the automated accuracy (w = estimated / outcomes). */
  estimated: number;
  /** Accuracy of automated decisions, estimated from the audit sample. */
  automated: AutomatedAccuracy;
  /** Share of human verdicts on held items that agreed with the model (model accuracy on held items). */
  modelAccuracyOnHeld: number;
  groundTruth: Record<GroundTruthClass, { attached: number; correct: number }>;
  /** Fallback outcomes nobody verified: not in the estimate. */
  unverifiedFallbacks: number;
}

export type QualityKind = "final" | "decision";

/** The automated path's accuracy p, from the audits: the plain ratio, or a weighted estimator. */
export interface AutomatedAccuracy {
  audited: number;
  correct: number;
  estimate: number;
  interval: [number, number];
  /** "ratio" (uniform audits: correct / audited, Wilson) or the weighted estimator the chooser took. */
  estimator: "ratio" | QualityEstimator;
  /** Why this estimator, in words (weighted audits only). */
  reason?: string;
  /** Weighted audits: the estimate's variance and the sums it came from. */
  variance?: number;
  sums?: AuditSums;
}

/** p's interval at another confidence (the score interval of a comparison). */
export function automatedInterval(a: AutomatedAccuracy, confidence: number): [number, number] {
  if (a.sums && a.variance !== undefined) return qualityInterval(a.estimate, a.variance, a.sums, confidence);
  return wilson(a.correct, a.audited, confidence);
}

function accuracyOf(
  audited: number,
  correct: number,
  sums: AuditSums | undefined,
  confidence: number,
): AutomatedAccuracy {
  if (!sums) {
    return {
      audited,
      correct,
      estimate: ratio(correct, audited),
      interval: wilson(correct, audited, confidence),
      estimator: "ratio",
    };
  }
  const chosen = automatedQuality(sums, confidence);
  return {
    audited,
    correct,
    estimate: chosen.estimate,
    interval: chosen.interval,
    estimator: chosen.estimator,
    reason: chosen.reason,
    variance: chosen.variance,
    sums,
  };
}

/** What the audits corrected: automated answers that were wrong when given and replaced afterwards. */
export interface CorrectionMetrics {
  /** Audits whose verdict differed from the model's answer. */
  corrected: number;
  /** Audited automated decisions with a verdict. */
  audited: number;
  /** corrected / audited: the audit sample's error rate. */
  shareOfAudits: number;
  /** corrected / automated decisions. */
  shareOfAutomated: number;
  /** quality − decisionQuality: what corrections added to the share of correct outcomes. */
  qualityAdded: number;
  /** Time from the decision to its corrected outcome: mean, and quantiles (±1 %). */
  meanSeconds: number;
  latency: { count: number; p50Ms: number; p95Ms: number; p99Ms: number };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

/** One quality of an arm from its summed counters. */
export function qualityOf(
  c: (name: string) => number,
  kind: QualityKind,
  confidence: number,
  auditSums?: AuditSums,
): QualityMetrics {
  const audited = c(C.auditedCount);
  const auditedCorrect = c(C.auditedCorrect);
  const automated = accuracyOf(audited, auditedCorrect, auditSums, confidence);
  const p = automated.estimate;
  const [pLow, pHigh] = automated.interval;
  const gt = Object.fromEntries(
    GT_CLASSES.map((cls) => [cls, { attached: c(`${P.gt}${cls}`), correct: c(`${P.gtCorrect}${cls}`) }]),
  ) as Record<GroundTruthClass, { attached: number; correct: number }>;
  const human = c(C.humanOutcomes);
  const humanKnown = gt.human.correct + (human - Math.min(gt.human.attached, human));
  const autoUnaudited = Math.max(0, c(C.auto) - audited);
  const gtAuto = Math.min(gt.auto.attached, autoUnaudited);
  const gtAudited = Math.min(gt.audited.attached, audited);

  // known: outcomes counted correct; estimated: outcomes whose correctness is p.
  let known: number;
  let estimated: number;
  if (kind === "final" && auditSums) {
    // Weighted audits over-represent uncertain decisions, so p (over every automated decision) is
    // not the accuracy of the unaudited ones: correct after corrections = p·N − (audited answers
    // that were right) + (every audited outcome, now the reviewer's).
    const nonGt = audited > 0 ? (audited - gtAudited) / audited : 0;
    known = gt.fallback.correct + gt.auto.correct + gt.audited.correct + (audited - gtAudited) + humanKnown;
    known -= auditedCorrect * nonGt;
    estimated = autoUnaudited - gtAuto + audited - gtAudited;
  } else if (kind === "final") {
    // A reviewer's verdict is the reference: audited and held outcomes are correct unless ground
    // truth says otherwise; unaudited automated ones are estimated at the audit accuracy.
    known = gt.fallback.correct + gt.auto.correct + gt.audited.correct + (audited - gtAudited) + humanKnown;
    estimated = autoUnaudited - gtAuto;
  } else {
    // The answer given: every automated decision is the model's answer, estimated at p (the audits
    // are the sample of that population; under uniform audits p·audited is exactly auditedCorrect),
    // except those ground truth judges, by the model's label.
    known = gt.fallback.correct + gt.auto.correct + c(C.gtAuditedModelCorrect) + humanKnown;
    estimated = autoUnaudited - gtAuto + audited - gtAudited;
  }
  const outcomes = autoUnaudited + audited + human + gt.fallback.attached;
  const at = (e: number) => ratio(known + (estimated > 0 ? e * estimated : 0), outcomes);
  const unknown = estimated > 0 && audited === 0;
  return {
    estimate: at(estimated > 0 ? p : 0),
    interval: [at(unknown ? 0 : pLow), at(unknown ? 1 : pHigh)],
    outcomes,
    estimated,
    automated,
    modelAccuracyOnHeld: ratio(c(C.humanModelCorrect), human),
    groundTruth: gt,
    unverifiedFallbacks: Math.max(0, c(C.fallbackOutcomes) - gt.fallback.attached),
  };
}

/** What the audits corrected, beside the two qualities. */
export function correctionsOf(
  counters: Counters,
  quality: QualityMetrics,
  decisionQuality: QualityMetrics,
): CorrectionMetrics {
  const c = (name: string) => counters[name] ?? 0;
  const audited = c(C.auditedCount);
  const corrected = audited - c(C.auditedCorrect);
  const h = LogHistogram.fromCounters(counters, P.correctionLatency);
  return {
    corrected,
    audited,
    shareOfAudits: ratio(corrected, audited),
    shareOfAutomated: ratio(corrected, c(C.auto)),
    qualityAdded: quality.estimate - decisionQuality.estimate,
    meanSeconds: ratio(c(C.correctionMs), corrected) / 1000,
    latency: { count: h.count, p50Ms: h.quantile(0.5), p95Ms: h.quantile(0.95), p99Ms: h.quantile(0.99) },
  };
}

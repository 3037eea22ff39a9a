/**
 * Counters for uncertainty-weighted audits and live certificates, counted from committed records
 * like every other counter (core/metrics/implied): the weighted power sums the audit estimators of
 * `hitl-lab/stats` need (`AuditSums`), and per-confidence-bucket calibration sums of labelled
 * outcomes (audits and held items' verdicts) that a threshold certificate needs (`CalibrationSums`).
 * Non-integer sums are kept in millionths, each event's term rounded on its own, so the totals are
 * exact sums of integers whatever the order (docs/metrics.md §2).
 */

import type { AuditSums } from "../stats/audit-estimators";
import type { CalibrationSums, ThresholdSums } from "../stats/certificate";
import type { Counters } from "./counters";
import type { DecisionOutcomeEvent, DecisionRoutedEvent } from "./events";

/** Non-integer sums are counted in millionths. */
export const MICRO = 1_000_000;
const micro = (x: number) => Math.round(x * MICRO);

export const A = {
  /** Automated decisions routed under an uncertainty-weighted audit policy (N of the estimators). */
  automated: "as:N",
  /** Σf over them (millionths): the model's confidences, for prediction-powered inference. */
  predictionTotal: "as:F",
  /** Audits with a recorded π (n). */
  audits: "as:n",
} as const;

/** `as:<g>:<f|yf><k>`: Σg·fᵏ or Σg·y·fᵏ over weighted audits, g = w (1/π, k ≤ 1) or v ((1 − π)/π², k ≤ 2). */
export const powerCounter = (g: "w" | "v", kind: "f" | "yf", k: number) => `as:${g}:${kind}${k}`;
const DEGREE = { w: 1, v: 2 } as const;

/** Calibration buckets are the confidence's hundredths: bucket b holds confidences in [b/100, (b+1)/100). */
export const bucketOf = (confidence: number) =>
  Math.min(100, Math.max(0, Math.floor(confidence * 100 + 1e-9)));
/** `cal:<a|h>:<stat>:<bucket>`: audits (a) or held items' verdicts (h). */
export const calCounter = (source: "a" | "h", stat: "n" | "e" | "w" | "w2" | "we", bucket: number) =>
  `cal:${source}:${stat}:${bucket}`;

type Add = (name: string, value?: number) => void;

/** What a routed automated decision adds under an uncertainty-weighted audit policy. */
export function routedAuditCounters(event: DecisionRoutedEvent, add: Add): void {
  if (event.route !== "auto" || event.inclusionProbability === undefined || event.confidence === undefined)
    return;
  add(A.automated);
  add(A.predictionTotal, micro(event.confidence));
}

/** What an audit verdict or a held item's verdict adds: weighted audit sums and calibration buckets. */
export function outcomeAuditCounters(event: DecisionOutcomeEvent, add: Add): void {
  if (event.source !== "reviewer" || event.confidence === undefined) return;
  const f = event.confidence;
  const y = event.correct ? 1 : 0;
  const b = bucketOf(f);
  if (!event.audited) {
    add(calCounter("h", "n", b));
    if (!event.correct) add(calCounter("h", "e", b));
    return;
  }
  add(calCounter("a", "n", b));
  if (!event.correct) add(calCounter("a", "e", b));
  const pi = event.inclusionProbability;
  if (pi === undefined) return;
  const w = 1 / pi;
  add(calCounter("a", "w", b), micro(w));
  add(calCounter("a", "w2", b), micro(w * w));
  if (!event.correct) add(calCounter("a", "we", b), micro(w));
  add(A.audits);
  const weights = { w, v: (1 - pi) / (pi * pi) };
  for (const g of ["w", "v"] as const) {
    let power = 1;
    for (let k = 0; k <= DEGREE[g]; k++) {
      add(powerCounter(g, "f", k), micro(weights[g] * power));
      if (y) add(powerCounter(g, "yf", k), micro(weights[g] * power));
      power *= f;
    }
  }
}

/**
 * The estimators' sums of an arm, when every audit of it carries π (an arm audited under an
 * uncertainty-weighted policy throughout); undefined otherwise (uniform audits: the plain ratio).
 */
export function auditSumsOf(counters: Readonly<Counters>, auditedCount: number): AuditSums | undefined {
  const c = (name: string) => counters[name] ?? 0;
  const audits = c(A.audits);
  if (audits === 0 || audits !== auditedCount) return undefined;
  const powers = (g: "w" | "v") => ({
    f: Array.from({ length: DEGREE[g] + 1 }, (_, k) => c(powerCounter(g, "f", k)) / MICRO),
    yf: Array.from({ length: DEGREE[g] + 1 }, (_, k) => c(powerCounter(g, "yf", k)) / MICRO),
  });
  const automated = Math.max(c(A.automated), audits);
  return {
    automated,
    audits,
    w: powers("w"),
    v: powers("v"),
    predictionTotal: c(A.predictionTotal) / MICRO,
  };
}

export interface CalibrationOptions {
  /** Thresholds to test (each a multiple of 0.01, so it falls on a bucket edge). */
  thresholds: readonly number[];
  /** Count held items' verdicts too (labelled outcomes below the arm's own threshold). */
  includeHeld: boolean;
  /**
   * Weights: undefined for none (equal-probability audits, alone); otherwise the weight of a
   * uniform audit (1 / auditRate) when the audits carry no π, and the largest weight any outcome can
   * have (1 / the smallest audit probability).
   */
  weights?: { uniformAuditWeight?: number; max: number };
}

/**
 * The calibration sums of a certificate from the bucket counters: for each threshold t, the
 * labelled outcomes with confidence ≥ t. Audits are the unbiased sample of automated decisions;
 * held items' verdicts (every held item is reviewed: weight 1) cover confidences below the arm's
 * threshold.
 */
export function calibrationFromCounters(
  counters: Readonly<Counters>,
  options: CalibrationOptions,
): CalibrationSums {
  const c = (name: string) => counters[name] ?? 0;
  const weighted = options.weights !== undefined;
  const uniform = options.weights?.uniformAuditWeight;
  const per = Array.from({ length: 101 }, (_, b) => {
    const an = c(calCounter("a", "n", b));
    const ae = c(calCounter("a", "e", b));
    const hn = options.includeHeld ? c(calCounter("h", "n", b)) : 0;
    const he = options.includeHeld ? c(calCounter("h", "e", b)) : 0;
    const aw = uniform !== undefined ? an * uniform : c(calCounter("a", "w", b)) / MICRO;
    const aw2 = uniform !== undefined ? an * uniform * uniform : c(calCounter("a", "w2", b)) / MICRO;
    const awe = uniform !== undefined ? ae * uniform : c(calCounter("a", "we", b)) / MICRO;
    return { n: an + hn, errors: ae + he, sum: aw + hn, squares: aw2 + hn, werrors: awe + he };
  });
  const from = (b: number) =>
    per.slice(b).reduce(
      (s, x) => ({
        n: s.n + x.n,
        errors: s.errors + x.errors,
        sum: s.sum + x.sum,
        squares: s.squares + x.squares,
        werrors: s.werrors + x.werrors,
      }),
      { n: 0, errors: 0, sum: 0, squares: 0, werrors: 0 },
    );
  const all = from(0);
  const thresholds: ThresholdSums[] = options.thresholds.map((t) => {
    const s = from(bucketOf(t));
    return {
      threshold: t,
      n: s.n,
      errors: s.errors,
      ...(weighted ? { weights: { sum: s.sum, squares: s.squares, errors: s.werrors } } : {}),
    };
  });
  return {
    n: all.n,
    ...(options.weights ? { weights: { sum: all.sum, squares: all.squares, max: options.weights.max } } : {}),
    thresholds,
  };
}

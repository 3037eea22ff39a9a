/**
 * Threshold certificates: the lowest confidence threshold (the most automation) whose error rate
 * among automated decisions is at most a target α with probability at least 1 − δ, by
 * Learn-Then-Test (Angelopoulos, Bates, Candès, Jordan & Lei 2021) with fixed-sequence testing from
 * the strictest threshold down. Formulas, the weighted bound and its derivation: docs/statistics.md,
 * "Threshold certificates".
 */

import { binomialLowerTailPValue, hoeffdingBentkusPValue } from "./binomial";
import type { Interval } from "./effect";
import { wilson } from "./proportions";
import { requireOpenUnit } from "./validate";

/** How each threshold's p-value is computed. */
export type CertificatePValue =
  /** Exact binomial P(X ≤ errors | n, α): the most powerful choice for unweighted 0/1 errors. */
  | "binomial"
  /** Hoeffding–Bentkus for losses in [0, 1]: required for weighted outcomes. */
  | "hoeffding-bentkus";

/** One labelled outcome: the model's confidence and whether its answer was right. */
export interface ScoredOutcome {
  confidence: number;
  correct: boolean;
  /** 1 / inclusion probability when the outcome comes from a non-uniform audit sample. */
  weight?: number;
}

/** Weighted sums over a set of outcomes (all of them, or those at or above one threshold). */
export interface WeightSums {
  /** Σw */
  sum: number;
  /** Σw² */
  squares: number;
  /** Σw over the wrong ones (thresholds only; 0 for the totals). */
  errors: number;
}

/** Outcomes at or above one threshold: the only data a certificate needs about it. */
export interface ThresholdSums {
  threshold: number;
  /** Labelled outcomes with confidence ≥ threshold. */
  n: number;
  /** Of those, how many were wrong. */
  errors: number;
  /** Present exactly when the calibration sums are weighted. */
  weights?: WeightSums;
}

/** Sufficient statistics of a calibration set, e.g. from counters; see {@link calibrationSums}. */
export interface CalibrationSums {
  /** All labelled outcomes, automated or not at any threshold. */
  n: number;
  /** Σw and Σw² over all outcomes, and the largest weight any outcome can have (1 / the audit floor). */
  weights?: { sum: number; squares: number; max: number };
  thresholds: ThresholdSums[];
}

export interface CertificateOptions {
  /** α: the highest acceptable error rate among automated decisions, in (0, 1). */
  targetError: number;
  /** 1 − δ, the probability that the certificate is right; default 0.95. */
  confidence?: number;
  /** Default "binomial" for unweighted outcomes, "hoeffding-bentkus" for weighted ones. */
  pValue?: CertificatePValue;
}

/** The evidence of one tested threshold. */
export interface ThresholdTest {
  threshold: number;
  n: number;
  errors: number;
  /** errors / n, or the weighted (Hájek) error rate Σw·error / Σw; NaN when n = 0. */
  errorRate: number;
  pValue: number;
  /** pValue ≤ δ: "error rate ≥ α" is rejected, so this threshold is certified. */
  certified: boolean;
}

export type StopReason =
  /** Every threshold of the grid was certified. */
  | "all-certified"
  /** A threshold's p-value was above δ; the thresholds below it are never tested. */
  | "not-rejected";

/** Labelled outcomes still needed to certify the threshold where the sequence stopped. */
export interface OutcomesNeeded {
  threshold: number;
  /** More outcomes at or above that threshold, if they keep its current error rate. */
  atThreshold: number;
  /** More labelled outcomes in all, at the current share of outcomes above the threshold; null when none are. */
  overall: number | null;
}

export interface ThresholdCertificate {
  /** The lowest certified threshold, or null when none is certified. */
  threshold: number | null;
  targetError: number;
  confidence: number;
  pValue: CertificatePValue;
  weighted: boolean;
  /** Share of the outcomes the certified threshold automates (Wilson interval at `confidence`); null without one. */
  automationRate: number | null;
  automationRateInterval: Interval | null;
  /** Every tested threshold, strictest first, up to and including the one that stopped the sequence. */
  tested: ThresholdTest[];
  /** Thresholds the sequence never reached. */
  untested: number[];
  stop: { reason: StopReason; threshold: number | null };
  /** How many more labelled outcomes would certify the stopping threshold; null when more data cannot help. */
  needed: OutcomesNeeded | null;
  /** One sentence: what is certified, or why nothing is and what would change that. */
  summary: string;
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const MAX_SEARCH = 1e12;

function requireSums(sums: CalibrationSums): void {
  const fn = "certifyThresholds";
  if (!Number.isInteger(sums.n) || sums.n < 0)
    throw new RangeError(`${fn}: n must be a whole number >= 0, got ${sums.n}`);
  if (sums.thresholds.length === 0) throw new RangeError(`${fn}: at least one threshold is needed`);
  const seen = new Set<number>();
  for (const t of sums.thresholds) {
    if (!(t.threshold >= 0 && t.threshold <= 1))
      throw new RangeError(`${fn}: threshold must be a number between 0 and 1, got ${t.threshold}`);
    if (seen.has(t.threshold)) throw new RangeError(`${fn}: threshold ${t.threshold} is listed twice`);
    seen.add(t.threshold);
    if (!Number.isInteger(t.n) || t.n < 0 || t.n > sums.n)
      throw new RangeError(
        `${fn}: threshold ${t.threshold}: n must be a whole number in [0, ${sums.n}], got ${t.n}`,
      );
    if (!Number.isInteger(t.errors) || t.errors < 0 || t.errors > t.n)
      throw new RangeError(
        `${fn}: threshold ${t.threshold}: errors must be a whole number in [0, n = ${t.n}], got ${t.errors}`,
      );
    if ((t.weights === undefined) !== (sums.weights === undefined))
      throw new RangeError(
        `${fn}: threshold ${t.threshold}: weights must be given for every threshold or none`,
      );
  }
  const w = sums.weights;
  if (w && !(Number.isFinite(w.max) && w.max > 0 && w.sum >= 0 && w.squares >= 0))
    throw new RangeError(`${fn}: weights need finite sums >= 0 and a max weight > 0`);
}

/**
 * Builds the sufficient statistics of {@link certifyThresholds} from labelled outcomes.
 *
 * @param maxWeight the largest weight an outcome can have (1 / the audit policy's floor); default
 *   the largest weight in the data. The weighted bound is valid for weights up to it.
 * @throws RangeError for a confidence outside [0, 1], a weight that is not a finite number > 0, a
 *   mix of weighted and unweighted outcomes, or a weight above `maxWeight`
 */
export function calibrationSums(
  outcomes: readonly ScoredOutcome[],
  thresholds: readonly number[],
  maxWeight?: number,
): CalibrationSums {
  const fn = "calibrationSums";
  const weighted = outcomes.some((o) => o.weight !== undefined);
  const sorted = [...thresholds].sort((a, b) => a - b);
  // Bucket k holds the outcomes that clear exactly the k lowest thresholds; each threshold's sums
  // are then a suffix sum over buckets, so building costs O(n log T + T).
  const buckets = Array.from({ length: sorted.length + 1 }, () => ({ n: 0, errors: 0, w: 0, w2: 0, we: 0 }));
  let sum = 0;
  let squares = 0;
  let largest = 0;
  outcomes.forEach((o, i) => {
    if (!(o.confidence >= 0 && o.confidence <= 1))
      throw new RangeError(
        `${fn}: outcome ${i}: confidence must be a number between 0 and 1, got ${o.confidence}`,
      );
    if (weighted && o.weight === undefined)
      throw new RangeError(`${fn}: outcome ${i} has no weight while others have one`);
    const w = o.weight ?? 1;
    if (!(Number.isFinite(w) && w > 0))
      throw new RangeError(`${fn}: outcome ${i}: weight must be a finite number > 0, got ${w}`);
    sum += w;
    squares += w * w;
    largest = Math.max(largest, w);
    const bucket = buckets[cleared(sorted, o.confidence)] as (typeof buckets)[number];
    bucket.n += 1;
    bucket.w += w;
    bucket.w2 += w * w;
    if (!o.correct) {
      bucket.errors += 1;
      bucket.we += w;
    }
  });
  if (maxWeight !== undefined && !(largest <= maxWeight))
    throw new RangeError(
      `${fn}: maxWeight ${maxWeight} is below the largest weight in the data (${largest})`,
    );
  const rows: ThresholdSums[] = [];
  const acc = { n: 0, errors: 0, w: 0, w2: 0, we: 0 };
  for (let k = sorted.length - 1; k >= 0; k--) {
    const b = buckets[k + 1] as (typeof buckets)[number];
    acc.n += b.n;
    acc.errors += b.errors;
    acc.w += b.w;
    acc.w2 += b.w2;
    acc.we += b.we;
    rows.unshift({
      threshold: sorted[k] as number,
      n: acc.n,
      errors: acc.errors,
      ...(weighted ? { weights: { sum: acc.w, squares: acc.w2, errors: acc.we } } : {}),
    });
  }
  return {
    n: outcomes.length,
    ...(weighted ? { weights: { sum, squares, max: maxWeight ?? largest } } : {}),
    thresholds: rows,
  };
}

/** Number of sorted thresholds t with t ≤ confidence. */
function cleared(sorted: readonly number[], confidence: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) <= confidence) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Mean of the normalised losses X = α + w·(error − α)/W, all in [0, 1] (see the docs). */
function normalisedMean(t: ThresholdSums, alpha: number, maxWeight: number): number {
  const w = t.weights as WeightSums;
  const mean = alpha + (w.errors - alpha * w.sum) / (t.n * maxWeight);
  return Math.min(1, Math.max(0, mean));
}

function pValueAt(n: number, meanLoss: number, alpha: number, method: CertificatePValue, errors?: number) {
  if (n === 0) return 1;
  if (method === "binomial") return binomialLowerTailPValue(n, errors ?? 0, alpha);
  return hoeffdingBentkusPValue(n, meanLoss, alpha);
}

/**
 * Smallest m > n whose p-value, at the same mean loss, is at most δ; null when the mean already
 * reaches α (no sample size can certify it) or m would be absurdly large.
 */
function outcomesFor(n: number, meanLoss: number, alpha: number, delta: number, method: CertificatePValue) {
  if (!(meanLoss < alpha)) return null;
  const p = (m: number) => pValueAt(m, meanLoss, alpha, method, Math.ceil(meanLoss * m - 1e-9));
  let hi = Math.max(1, n * 2);
  while (p(hi) > delta) {
    hi *= 2;
    if (hi > MAX_SEARCH) return null;
  }
  let lo = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (p(mid) <= delta) hi = mid;
    else lo = mid;
  }
  return hi;
}

function automationShare(
  sums: CalibrationSums,
  t: ThresholdSums,
  confidence: number,
): { share: number; interval: Interval } {
  if (!sums.weights || !t.weights) return { share: t.n / sums.n, interval: wilson(t.n, sums.n, confidence) };
  const total = sums.weights;
  const share = t.weights.sum / total.sum;
  // Linearised variance of the ratio Σw·a / Σw, and the Wilson interval at the effective sample
  // size that variance implies (Kish's (Σw)²/Σw² when the share is 0 or 1).
  const variance =
    (t.weights.squares * (1 - share) ** 2 + (total.squares - t.weights.squares) * share ** 2) /
    total.sum ** 2;
  const nEff = variance > 0 ? (share * (1 - share)) / variance : total.sum ** 2 / total.squares;
  return { share, interval: wilson(Math.min(nEff, share * nEff), nEff, confidence) };
}

/**
 * Certifies a confidence threshold from sufficient statistics (see {@link calibrationSums}, or the
 * counters of a live audit sample): tests H0 "error rate among automated decisions ≥ α" at each
 * threshold, strictest first, each at level δ = 1 − confidence, and stops at the first it cannot
 * reject (fixed-sequence testing, so the family-wise error is at most δ with no correction).
 *
 * Unweighted: p = P(Binomial(n, α) ≤ errors) (exact) or Hoeffding–Bentkus. Weighted (w = 1/π of
 * an audit design with weights at most W): the losses X = α + w·(error − α)/W lie in [0, 1] and
 * have mean ≥ α exactly when the weighted error rate is ≥ α, so Hoeffding–Bentkus applies to them.
 *
 * @returns the lowest certified threshold (or null), the automation rate there, the evidence per
 *   tested threshold, where and why the sequence stopped, and how many more labelled outcomes would
 *   certify the stopping threshold
 * @throws RangeError for α or confidence outside (0, 1), invalid sums, or "binomial" with weights
 *
 * @example
 * ```ts
 * import { calibrationSums, certifyThresholds } from "hitl-lab/stats";
 * const sums = calibrationSums(outcomes, [0.8, 0.85, 0.9, 0.95]);
 * certifyThresholds(sums, { targetError: 0.02, confidence: 0.95 }).threshold; // e.g. 0.85
 * ```
 */
export function certifyThresholds(sums: CalibrationSums, options: CertificateOptions): ThresholdCertificate {
  const fn = "certifyThresholds";
  const alpha = options.targetError;
  const confidence = options.confidence ?? 0.95;
  requireOpenUnit(fn, "targetError", alpha);
  requireOpenUnit(fn, "confidence", confidence);
  requireSums(sums);
  const weighted = sums.weights !== undefined;
  const method = options.pValue ?? (weighted ? "hoeffding-bentkus" : "binomial");
  if (method !== "binomial" && method !== "hoeffding-bentkus")
    throw new RangeError(`${fn}: pValue must be "binomial" or "hoeffding-bentkus", got ${String(method)}`);
  if (weighted && method === "binomial")
    throw new RangeError(
      `${fn}: weighted outcomes need pValue "hoeffding-bentkus" (the exact binomial assumes equal weights)`,
    );
  const delta = 1 - confidence;
  const maxWeight = sums.weights?.max ?? 1;

  const order = [...sums.thresholds].sort((a, b) => b.threshold - a.threshold);
  const tested: ThresholdTest[] = [];
  let certified: ThresholdSums | undefined;
  let stopped: { row: ThresholdSums; mean: number } | undefined;
  for (const row of order) {
    const mean = weighted
      ? row.n > 0
        ? normalisedMean(row, alpha, maxWeight)
        : 0
      : row.n > 0
        ? row.errors / row.n
        : 0;
    const p = pValueAt(row.n, mean, alpha, method, row.errors);
    const errorRate =
      row.n === 0 ? Number.NaN : row.weights ? row.weights.errors / row.weights.sum : row.errors / row.n;
    const ok = p <= delta;
    tested.push({
      threshold: row.threshold,
      n: row.n,
      errors: row.errors,
      errorRate,
      pValue: p,
      certified: ok,
    });
    if (!ok) {
      stopped = { row, mean };
      break;
    }
    certified = row;
  }
  const untested = order.slice(tested.length).map((row) => row.threshold);
  const automation = certified ? automationShare(sums, certified, confidence) : undefined;
  const needed = stopped ? neededFor(sums, stopped.row, stopped.mean, alpha, delta, method) : null;
  const result: ThresholdCertificate = {
    threshold: certified?.threshold ?? null,
    targetError: alpha,
    confidence,
    pValue: method,
    weighted,
    automationRate: automation?.share ?? null,
    automationRateInterval: automation?.interval ?? null,
    tested,
    untested,
    stop: stopped
      ? { reason: "not-rejected", threshold: stopped.row.threshold }
      : { reason: "all-certified", threshold: null },
    needed,
    summary: "",
  };
  return { ...result, summary: summarize(result, stopped?.row) };
}

function neededFor(
  sums: CalibrationSums,
  row: ThresholdSums,
  mean: number,
  alpha: number,
  delta: number,
  method: CertificatePValue,
): OutcomesNeeded | null {
  const m = outcomesFor(row.n, mean, alpha, delta, method);
  if (m === null) return null;
  const more = m - row.n;
  const share = sums.weights && row.weights ? row.weights.sum / sums.weights.sum : row.n / sums.n;
  return { threshold: row.threshold, atThreshold: more, overall: share > 0 ? Math.ceil(more / share) : null };
}

const count = (x: number) => x.toLocaleString("en-US");
/** Two significant digits; tiny p-values as a bound, since their digits mean nothing to a reader. */
export const formatPValue = (p: number) => (p < 1e-4 ? "p < 0.0001" : `p = ${Number(p.toPrecision(2))}`);

function summarize(c: ThresholdCertificate, stoppedAt: ThresholdSums | undefined): string {
  const level = `${Math.round(c.confidence * 1000) / 10}%`;
  const last = c.tested[c.tested.length - 1];
  if (c.threshold !== null) {
    const at = c.tested.find((t) => t.threshold === c.threshold) as ThresholdTest;
    const stop =
      stoppedAt && last ? ` The sequence stopped at ${last.threshold} (${formatPValue(last.pValue)}).` : "";
    return (
      `Certified: automate at confidence ≥ ${c.threshold}; error among automated decisions ≤ ${percent(c.targetError)} ` +
      `with ${level} confidence (${count(at.errors)} errors in ${count(at.n)} labelled outcomes, ${formatPValue(at.pValue)}).${stop}`
    );
  }
  if (!last) return "No threshold to test.";
  const delta = Number((1 - c.confidence).toPrecision(6));
  const why =
    last.n === 0
      ? `no labelled outcome has confidence ≥ ${last.threshold}`
      : `${count(last.errors)} errors in ${count(last.n)} labelled outcomes give ${formatPValue(last.pValue)} > ${delta}`;
  const fix = c.needed
    ? ` About ${count(c.needed.atThreshold)} more labelled outcomes at or above ${c.needed.threshold}` +
      (c.needed.overall !== null ? ` (about ${count(c.needed.overall)} more in all)` : "") +
      " at the same error rate would certify it."
    : ` Its error rate ${percent(last.errorRate)} is not below the target, so more outcomes alone will not certify it; raise the strictest threshold, relax the target or improve the model.`;
  return `No threshold certified at ${percent(c.targetError)} with ${level} confidence: the strictest, ${last.threshold}, is not certified (${why}).${fix}`;
}

/**
 * {@link certifyThresholds} on labelled outcomes: the convenience entry point.
 *
 * @param maxWeight for weighted outcomes, the largest weight the audit design can give (1 / its floor)
 */
export function certifyThreshold(
  outcomes: readonly ScoredOutcome[],
  thresholds: readonly number[],
  options: CertificateOptions & { maxWeight?: number },
): ThresholdCertificate {
  return certifyThresholds(calibrationSums(outcomes, thresholds, options.maxWeight), options);
}

/**
 * Quality of automated decisions from an audit sample drawn with unequal inclusion probabilities
 * (uncertainty-weighted audits): Horvitz–Thompson, Hájek (ratio) and prediction-powered (the
 * model's confidences as predictions, the audits as the rectifier), each with its variance and an
 * interval, and a chooser that says which it used. Every estimator needs only the weighted sums of
 * {@link AuditSums}, so counters can carry them. Formulas: docs/statistics.md, "Audit estimators".
 */

import { betaQuantile } from "./distributions";
import type { Interval } from "./effect";
import { requireNonNegative, requireOpenUnit } from "./validate";

/**
 * Power sums over the audited automated decisions, for one weight g: `f[k]` = Σ g·fᵏ and
 * `yf[k]` = Σ g·y·fᵏ, where y = 1 when the automated answer was right and f is the model's
 * confidence in it. Without predictions only k = 0 is kept.
 */
export interface PowerSums {
  f: number[];
  yf: number[];
}

/**
 * Everything the estimators need, as sums a counter can add one audit at a time. With πᵢ the
 * inclusion probability: w = 1/π (the weight) and v = (1 − π)/π² (its variance factor under
 * Poisson sampling).
 */
export interface AuditSums {
  /** N: automated decisions, audited or not. */
  automated: number;
  /** n: audited automated decisions with a verdict. */
  audits: number;
  /** Σw·fᵏ, Σw·y·fᵏ for k ≤ 1 (k = 0 only without predictions). */
  w: PowerSums;
  /** Σv·fᵏ, Σv·y·fᵏ for k ≤ 2. */
  v: PowerSums;
  /** Σf over all N automated decisions: present exactly when predictions are. */
  predictionTotal?: number;
}

/** One automated decision as the estimators see it. */
export interface AuditedDecision {
  /** πᵢ in (0, 1]: the probability it was audited. */
  inclusionProbability: number;
  audited: boolean;
  /** Whether the automated answer was right; required when audited. */
  correct?: boolean;
  /** The model's confidence in its answer, for prediction-powered inference. */
  prediction?: number;
}

export type QualityEstimator = "horvitz-thompson" | "hajek" | "prediction-powered";

export interface QualityEstimate {
  estimator: QualityEstimator;
  /** Estimated share of automated decisions whose answer was right. */
  estimate: number;
  /** Estimated variance of `estimate`. */
  variance: number;
  /** Inside [0, 1]; see {@link qualityInterval}. */
  interval: Interval;
  /** Prediction-powered only: the power-tuning weight λ ∈ [0, 1] on the predictions (0 = Hájek). */
  lambda?: number;
}

export interface ChosenQualityEstimate extends QualityEstimate {
  /** Every estimator the sums support, for a report to show beside the chosen one. */
  candidates: QualityEstimate[];
  /** Why this estimator, in words. */
  reason: string;
}

const fn = "automatedQuality";
const DEGREES = { w: 1, v: 2 } as const;

const emptyPowers = (degree: number): PowerSums => ({
  f: Array<number>(degree + 1).fill(0),
  yf: Array<number>(degree + 1).fill(0),
});

function addPowers(sums: PowerSums, g: number, y: number, f: number): void {
  let power = 1;
  for (let k = 0; k < sums.f.length; k++) {
    sums.f[k] = (sums.f[k] as number) + g * power;
    sums.yf[k] = (sums.yf[k] as number) + g * y * power;
    power *= f;
  }
}

/**
 * The sums of {@link AuditSums} from per-decision records (tests, rebuilds); counters add the
 * same terms one audit at a time.
 *
 * @throws RangeError for an inclusion probability outside (0, 1], an audited decision without
 *   `correct`, a prediction outside [0, 1], or predictions on some decisions only
 */
export function auditSums(decisions: readonly AuditedDecision[]): AuditSums {
  const withPredictions = decisions.some((d) => d.prediction !== undefined);
  const degree = (k: number) => (withPredictions ? k : 0);
  const sums: AuditSums = {
    automated: decisions.length,
    audits: 0,
    w: emptyPowers(degree(DEGREES.w)),
    v: emptyPowers(degree(DEGREES.v)),
    ...(withPredictions ? { predictionTotal: 0 } : {}),
  };
  decisions.forEach((d, i) => {
    const pi = d.inclusionProbability;
    if (!(pi > 0 && pi <= 1))
      throw new RangeError(`auditSums: decision ${i}: inclusionProbability must be in (0, 1], got ${pi}`);
    const f = d.prediction ?? 0;
    if (withPredictions && (d.prediction === undefined || !(f >= 0 && f <= 1)))
      throw new RangeError(
        `auditSums: decision ${i}: prediction must be a number in [0, 1] on every decision`,
      );
    if (sums.predictionTotal !== undefined) sums.predictionTotal += f;
    if (!d.audited) return;
    if (d.correct === undefined)
      throw new RangeError(`auditSums: decision ${i} is audited but has no verdict`);
    const y = d.correct ? 1 : 0;
    const v = (1 - pi) / (pi * pi);
    sums.audits += 1;
    addPowers(sums.w, 1 / pi, y, f);
    addPowers(sums.v, v, y, f);
  });
  return sums;
}

function requireAuditSums(s: AuditSums): void {
  requireNonNegative(fn, "automated", s.automated);
  requireNonNegative(fn, "audits", s.audits);
  if (s.audits > s.automated)
    throw new RangeError(`${fn}: audits (${s.audits}) must not exceed automated decisions (${s.automated})`);
  for (const [name, p] of [
    ["w", s.w],
    ["v", s.v],
  ] as const) {
    const total = p.f[0] ?? Number.NaN;
    const right = p.yf[0] ?? Number.NaN;
    if (!(total >= 0 && right >= 0 && right <= total * (1 + 1e-9) + 1e-12))
      throw new RangeError(`${fn}: ${name} sums need 0 <= Σ${name}·y <= Σ${name}, got ${right} and ${total}`);
    if (p.f.length !== p.yf.length)
      throw new RangeError(`${fn}: ${name}.f and ${name}.yf must have equal lengths`);
  }
}

const binomial = (m: number, k: number) => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (m - k + i)) / i;
  return c;
};

/**
 * Σ g·(y − a − b·f)^m from the power sums, using y ∈ {0, 1}: the term is (1 − a − bf)^m for a right
 * answer and (−a − bf)^m for a wrong one, each a polynomial in f.
 */
function residualPower(p: PowerSums, m: number, a: number, b: number): number {
  let total = 0;
  for (let k = 0; k <= m; k++) {
    const fk = p.f[k] ?? 0;
    const yfk = p.yf[k] ?? 0;
    if (k > 0 && b === 0) break;
    const shape = binomial(m, k) * (-b) ** k;
    const right = shape * (1 - a) ** (m - k);
    const wrong = shape * (-a) ** (m - k);
    total += right * yfk + wrong * (fk - yfk);
  }
  return total;
}

/**
 * The interval of an estimate (Korn & Graubard 1998): the Clopper–Pearson interval at the effective
 * sample size n* = θ(1 − θ)/variance, the number of simple random audits with the same variance.
 * Exact-binomial tails keep it honest when a few heavily weighted audits carry the variance (a rare
 * error among confident decisions skews the estimate); it stays in [0, 1] and does not collapse
 * when the audits found no error: with variance 0, n* is Kish's (Σw)²/Σw² = (Σw)²/(Σv + Σw).
 */
export function qualityInterval(
  estimate: number,
  variance: number,
  s: AuditSums,
  confidence = 0.95,
): Interval {
  requireOpenUnit("qualityInterval", "confidence", confidence);
  if (!Number.isFinite(estimate)) return [0, 1];
  const theta = Math.min(1, Math.max(0, estimate));
  const w = s.w.f[0] ?? 0;
  const kish = (w * w) / ((s.v.f[0] ?? 0) + w);
  const noisy = variance > 0 && theta > 0 && theta < 1;
  const n = noisy ? Math.min((theta * (1 - theta)) / variance, s.automated) : kish;
  if (!(n > 0)) return [0, 1];
  const x = theta * n;
  const tail = (1 - confidence) / 2;
  return [x > 0 ? betaQuantile(tail, x, n - x + 1) : 0, x < n ? betaQuantile(1 - tail, x + 1, n - x) : 1];
}

function estimate(
  estimator: QualityEstimator,
  s: AuditSums,
  confidence: number,
  theta: number,
  variance: number,
  lambda?: number,
): QualityEstimate {
  const v = Math.max(0, variance);
  return {
    estimator,
    estimate: theta,
    variance: v,
    interval: qualityInterval(theta, v, s, confidence),
    ...(lambda === undefined ? {} : { lambda }),
  };
}

const nothing = (estimator: QualityEstimator): QualityEstimate => ({
  estimator,
  estimate: Number.NaN,
  variance: Number.NaN,
  interval: [0, 1],
});

/** Horvitz–Thompson (1952): θ = Σw·y / N, var = Σv·y / N² (Poisson sampling, y² = y). */
export function horvitzThompson(s: AuditSums, confidence = 0.95): QualityEstimate {
  requireAuditSums(s);
  requireOpenUnit(fn, "confidence", confidence);
  const n = s.automated;
  if (n === 0 || s.audits === 0) return nothing("horvitz-thompson");
  const theta = (s.w.yf[0] ?? 0) / n;
  return estimate("horvitz-thompson", s, confidence, theta, (s.v.yf[0] ?? 0) / (n * n));
}

/**
 * Hájek (1971) ratio estimator θ = Σw·y / Σw, with the linearised variance Σv·(y − θ)² / (Σw)².
 */
export function hajek(s: AuditSums, confidence = 0.95): QualityEstimate {
  requireAuditSums(s);
  requireOpenUnit(fn, "confidence", confidence);
  if (s.audits === 0) return nothing("hajek");
  const w = s.w.f[0] as number;
  const theta = (s.w.yf[0] as number) / w;
  const variance = residualPower(s.v, 2, theta, 0) / (w * w);
  return estimate("hajek", s, confidence, theta, variance);
}

/**
 * Prediction-powered inference (Angelopoulos et al. 2023) with power tuning (PPI++, Angelopoulos,
 * Duchi & Zrnic 2023) and a Hájek rectifier: θ = λ·F/N + Σw·(y − λf)/Σw, the model's mean
 * confidence over every automated decision corrected by the audits. λ = S_yf/S_ff (clipped to
 * [0, 1]) minimises var = Σv·(y − λf − d̄)²/(Σw)², with S_ab = Σv·(a − ā)(b − b̄), ā = Σw·a/Σw and
 * d̄ = ȳ − λf̄. λ = 0 is Hájek; λ = 1 is classic PPI. F = Σf is known exactly (every automated
 * decision has a confidence), so the first term adds no variance.
 *
 * @throws RangeError when the sums carry no predictions
 */
export function predictionPowered(s: AuditSums, confidence = 0.95): QualityEstimate {
  requireAuditSums(s);
  requireOpenUnit(fn, "confidence", confidence);
  if (s.predictionTotal === undefined || s.w.f.length < 2 || s.v.f.length < 3)
    throw new RangeError(
      `${fn}: prediction-powered inference needs the prediction sums (Σf, Σw·f, Σv·f², …)`,
    );
  if (s.audits === 0 || s.automated === 0) return { ...nothing("prediction-powered"), lambda: 0 };
  const w = s.w.f[0] as number;
  const yBar = (s.w.yf[0] as number) / w;
  const fBar = (s.w.f[1] as number) / w;
  const [v0, v1, v2] = s.v.f as [number, number, number];
  const [vy0, vy1] = s.v.yf as [number, number];
  const sff = v2 - 2 * fBar * v1 + fBar * fBar * v0;
  const syf = vy1 - fBar * vy0 - yBar * v1 + yBar * fBar * v0;
  const lambda = sff > 0 ? Math.min(1, Math.max(0, syf / sff)) : 0;
  const dBar = yBar - lambda * fBar;
  const theta = lambda * (s.predictionTotal / s.automated) + dBar;
  const variance = residualPower(s.v, 2, dBar, lambda) / (w * w);
  return estimate("prediction-powered", s, confidence, theta, variance, lambda);
}

/**
 * Quality of the automated decisions from an audit sample, choosing the estimator: Hájek (stable
 * when the number of audits is random, as with Poisson sampling), or prediction-powered when the
 * sums carry predictions and it has the smaller estimated variance. Horvitz–Thompson is computed
 * too (unbiased, but it varies more because it ignores how many audits happened to be drawn).
 *
 * @param confidence coverage of the intervals (default 0.95)
 * @returns the chosen estimate with its interval, every candidate, and the reason for the choice
 * @throws RangeError for inconsistent sums or confidence outside (0, 1)
 *
 * @example
 * ```ts
 * import { auditSums, automatedQuality } from "hitl-lab/stats";
 * automatedQuality(auditSums(decisions)).estimator; // "prediction-powered" or "hajek"
 * ```
 */
export function automatedQuality(s: AuditSums, confidence = 0.95): ChosenQualityEstimate {
  const ht = horvitzThompson(s, confidence);
  const ratio = hajek(s, confidence);
  const ppi = s.predictionTotal === undefined ? undefined : predictionPowered(s, confidence);
  const candidates = [ht, ratio, ...(ppi ? [ppi] : [])];
  const audits = s.audits.toLocaleString("en-US");
  if (s.audits === 0) return { ...ratio, candidates, reason: "no audits yet: nothing to estimate from" };
  if (ppi && ppi.variance < ratio.variance) {
    const gain = ratio.variance > 0 ? 1 - Math.sqrt(ppi.variance / ratio.variance) : 0;
    return {
      ...ppi,
      candidates,
      reason:
        `prediction-powered (λ = ${(ppi.lambda ?? 0).toFixed(2)}): the model's confidences on all ` +
        `${s.automated.toLocaleString("en-US")} automated decisions, corrected by ${audits} audits, ` +
        `give a ${(gain * 100).toFixed(0)}% smaller standard error than the audits alone`,
    };
  }
  return {
    ...ratio,
    candidates,
    reason: ppi
      ? `Hájek (ratio) estimator over ${audits} audits: the model's confidences did not narrow the estimate`
      : `Hájek (ratio) estimator over ${audits} audits weighted by 1/inclusion probability`,
  };
}

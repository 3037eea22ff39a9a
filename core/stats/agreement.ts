/**
 * Inter-rater agreement between two raters from their contingency table: Cohen's kappa, weighted
 * kappa for ordered labels, and their large-sample standard errors. Is the review task defined
 * well enough that two reviewers give the same answer?
 */

import { normalQuantile, normalSf } from "./distributions";
import type { Interval } from "./effect";
import { requireNonNegative, requireOpenUnit } from "./validate";

/** Agreement below this (Fleiss' or Cohen's kappa, Krippendorff's alpha) flags a task definition that reviewers read differently. */
export const AGREEMENT_THRESHOLD = 0.6;

/**
 * Agreement weights for ordered labels: `"linear"` w_ij = 1 − |i − j|/(k − 1) (Cicchetti & Allison
 * 1971), `"quadratic"` w_ij = 1 − (i − j)²/(k − 1)² (Fleiss & Cohen 1973; close to the intraclass
 * correlation). `"none"` is the identity (Cohen's unweighted kappa). A matrix gives its own
 * agreement credit per cell (Cohen 1968): 1 on the diagonal, within [0, 1] elsewhere.
 */
export type KappaWeights = "none" | "linear" | "quadratic" | readonly (readonly number[])[];

export interface KappaOptions {
  weights?: KappaWeights;
  /** Coverage of `interval`, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
}

export interface KappaResult {
  /** κ (or κ_w); NaN when the table is empty or chance agreement is 1. */
  kappa: number;
  /** p_o = Σ w_ij p_ij. */
  observedAgreement: number;
  /** p_e = Σ w_ij p_i· p_·j. */
  chanceAgreement: number;
  items: number;
  /** Large-sample standard error of κ (Fleiss, Cohen & Everitt 1969). */
  standardError: number;
  /** κ ± z·SE, clipped to [−1, 1]. */
  interval: Interval;
  /** Test of κ = 0 with the variance under that hypothesis (Fleiss, Cohen & Everitt 1969). */
  null: { standardError: number; z: number; pValue: number };
}

/** The weights matrix for `k` ordered labels (see {@link KappaWeights}). */
export function agreementWeights(k: number, scheme: "none" | "linear" | "quadratic"): number[][] {
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`agreementWeights: k must be a whole number >= 1, got ${k}`);
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => {
      if (i === j) return 1;
      if (scheme === "none") return 0;
      const d = Math.abs(i - j) / (k - 1);
      return scheme === "linear" ? 1 - d : 1 - d * d;
    }),
  );
}

function weightsFor(fn: string, k: number, weights: KappaWeights): number[][] {
  if (typeof weights === "string") {
    if (weights !== "none" && weights !== "linear" && weights !== "quadratic") {
      throw new RangeError(
        `${fn}: weights must be none, linear, quadratic or a matrix, got ${String(weights)}`,
      );
    }
    return agreementWeights(k, weights);
  }
  if (weights.length !== k)
    throw new RangeError(`${fn}: weights must be ${k} × ${k}, got ${weights.length} rows`);
  return weights.map((row, i) => {
    if (row.length !== k)
      throw new RangeError(`${fn}: weights row ${i} has ${row.length} cells, expected ${k}`);
    return row.map((w, j) => {
      if (!(w >= 0 && w <= 1))
        throw new RangeError(`${fn}: weights[${i}][${j}] must be within [0, 1], got ${w}`);
      if (i === j && w !== 1)
        throw new RangeError(`${fn}: weights[${i}][${i}] must be 1 (full credit for agreement)`);
      return w;
    });
  });
}

/** Cell proportions and margins of a validated square table. */
function proportions(fn: string, table: readonly (readonly number[])[]) {
  const k = table.length;
  if (k === 0) throw new RangeError(`${fn}: table must have at least one category`);
  let total = 0;
  table.forEach((row, i) => {
    if (row.length !== k)
      throw new RangeError(`${fn}: table must be square; row ${i} has ${row.length} cells, expected ${k}`);
    row.forEach((cell, j) => {
      requireNonNegative(fn, `table[${i}][${j}]`, cell);
      total += cell;
    });
  });
  const p = table.map((row) => row.map((cell) => (total > 0 ? cell / total : 0)));
  const rows = p.map((row) => row.reduce((s, x) => s + x, 0));
  const cols = Array.from({ length: k }, (_, j) => p.reduce((s, row) => s + (row[j] ?? 0), 0));
  return { k, total, p, rows, cols };
}

/**
 * Cohen's kappa (Cohen 1960) or weighted kappa (Cohen 1968) with standard errors: the
 * non-null variance for the interval and the null variance for the test of κ = 0, both from
 * Fleiss, Cohen & Everitt (1969). With agreement weights w, w̄_i· = Σ_j p_·j w_ij and
 * w̄_·j = Σ_i p_i· w_ij:
 *
 *     Var(κ)  = [Σ p_ij (w_ij − (w̄_i· + w̄_·j)(1 − κ))² − (κ − p_e(1 − κ))²] / (N (1 − p_e)²)
 *     Var0(κ) = [Σ p_i· p_·j (w_ij − (w̄_i· + w̄_·j))² − p_e²] / (N (1 − p_e)²)
 *
 * @param table k × k contingency table, rows rater A, columns rater B, in label order (the order
 *   matters only for linear and quadratic weights)
 * @throws RangeError for a non-square table, negative or non-finite cells, bad weights or
 *   confidence outside (0, 1)
 *
 * @example
 * ```ts
 * import { kappaInference } from "hitl-lab/stats";
 * kappaInference([[0, 4, 1], [0, 8, 0], [0, 1, 5]]); // kappa 0.4842, standardError 0.1380
 * ```
 */
export function kappaInference(
  table: readonly (readonly number[])[],
  options: KappaOptions = {},
): KappaResult {
  const fn = "kappaInference";
  const confidence = options.confidence ?? 0.95;
  requireOpenUnit(fn, "confidence", confidence);
  const { k, total, p, rows, cols } = proportions(fn, table);
  const w = weightsFor(fn, k, options.weights ?? "none");
  const cell = (m: number[][], i: number, j: number) => m[i]?.[j] ?? 0;

  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      po += cell(w, i, j) * cell(p, i, j);
      pe += cell(w, i, j) * (rows[i] ?? 0) * (cols[j] ?? 0);
    }
  const undefinedResult = (kappa: number): KappaResult => ({
    kappa,
    observedAgreement: total > 0 ? po : Number.NaN,
    chanceAgreement: total > 0 ? pe : Number.NaN,
    items: total,
    standardError: Number.NaN,
    interval: [Number.NaN, Number.NaN],
    null: { standardError: Number.NaN, z: Number.NaN, pValue: Number.NaN },
  });
  // Rounding can leave p_e a hair below 1 when every rating is one label.
  if (total === 0 || pe >= 1 - 1e-12) return undefinedResult(Number.NaN);
  const kappa = (po - pe) / (1 - pe);

  const rowBar = rows.map((_, i) => cols.reduce((s, c, j) => s + c * cell(w, i, j), 0));
  const colBar = cols.map((_, j) => rows.reduce((s, r, i) => s + r * cell(w, i, j), 0));
  let sum = 0;
  let sum0 = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const bars = (rowBar[i] ?? 0) + (colBar[j] ?? 0);
      sum += cell(p, i, j) * (cell(w, i, j) - bars * (1 - kappa)) ** 2;
      sum0 += (rows[i] ?? 0) * (cols[j] ?? 0) * (cell(w, i, j) - bars) ** 2;
    }
  const scale = total * (1 - pe) ** 2;
  const variance = Math.max(0, (sum - (kappa - pe * (1 - kappa)) ** 2) / scale);
  const variance0 = Math.max(0, (sum0 - pe * pe) / scale);
  const se = Math.sqrt(variance);
  const se0 = Math.sqrt(variance0);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const zNull = se0 > 0 ? kappa / se0 : Number.NaN;
  return {
    kappa,
    observedAgreement: po,
    chanceAgreement: pe,
    items: total,
    standardError: se,
    interval: [Math.max(-1, kappa - z * se), Math.min(1, kappa + z * se)],
    null: {
      standardError: se0,
      z: zNull,
      pValue: Number.isNaN(zNull) ? Number.NaN : Math.min(1, 2 * normalSf(Math.abs(zNull))),
    },
  };
}

/**
 * Cohen's kappa for two raters (Cohen 1960): κ = (p_o − p_e)/(1 − p_e), where p_o is the share of
 * items on the diagonal and p_e = Σ_k (row_k/N)(col_k/N) the agreement expected by chance.
 *
 * @param table k × k contingency table: `table[i][j]` = items rater A put in category i and rater
 *   B in category j
 * @returns κ in [−1, 1]; NaN when the table is empty or chance agreement is 1 (both raters used a
 *   single, identical category, so κ is 0/0)
 * @throws RangeError when the table is not square or has negative or non-finite cells
 *
 * @example
 * ```ts
 * import { cohenKappa } from "hitl-lab/stats";
 * cohenKappa([[20, 5], [10, 15]]); // 0.4
 * ```
 */
export function cohenKappa(table: readonly (readonly number[])[]): number {
  return kappaInference(table).kappa;
}

/**
 * Weighted kappa (Cohen 1968) for ordered labels: κ_w = (p_o − p_e)/(1 − p_e) with
 * p_o = Σ w_ij p_ij and p_e = Σ w_ij p_i· p_·j, so near-misses earn partial credit.
 *
 * @param table k × k table with rows and columns in label order, lowest first
 * @param weights `"linear"` (default), `"quadratic"`, or a matrix (see {@link KappaWeights})
 *
 * @example
 * ```ts
 * import { weightedKappa } from "hitl-lab/stats";
 * weightedKappa([[0, 4, 1], [0, 8, 0], [0, 1, 5]], "linear"); // 0.4701
 * ```
 */
export function weightedKappa(
  table: readonly (readonly number[])[],
  weights: KappaWeights = "linear",
): number {
  return kappaInference(table, { weights }).kappa;
}

/**
 * Fleiss' kappa for any number of raters per item, from per-item label counts, with a standard
 * error for the interval and the classic test of κ = 0; and per-label agreement.
 */

import { normalSf, studentTQuantile } from "./distributions";
import type { Interval } from "./effect";
import { type RatingProfile, type RatingTable, ratingTable } from "./ratings";
import { requireNonNegative, requireOpenUnit } from "./validate";

export interface FleissOptions {
  /** Coverage of `interval`, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
}

export interface FleissResult {
  /** κ = (p_a − p_e)/(1 − p_e); NaN when no item has two ratings or every rating is one label. */
  kappa: number;
  /** p_a: the chance that two ratings of the same item agree, averaged over items with ≥ 2 ratings. */
  observedAgreement: number;
  /** p_e = Σ_k π_k²: the same chance for two ratings drawn at random. */
  chanceAgreement: number;
  /** Items with at least one rating (N). */
  items: number;
  /** Items with at least two ratings (the ones that show agreement). */
  pairedItems: number;
  /** Ratings per item when every item has the same number, else null. */
  ratersPerItem: number | null;
  /** Standard error of κ over items (Gwet 2008), conditional on the raters; NaN with fewer than 2 items. */
  standardError: number;
  /** κ ± t(N − 1)·SE, the upper end at most 1 (κ can fall below −1 when singly rated items shift p_e). */
  interval: Interval;
  /**
   * Test of κ = 0 with the variance of Fleiss, Nee & Landis (1979); only when every item has the
   * same number of ratings (that variance assumes it), else null.
   */
  null: { standardError: number; z: number; pValue: number } | null;
}

export interface LabelAgreement {
  /** Ratings with this label. */
  ratings: number;
  /**
   * Fleiss' kappa of the two-category table "this label vs any other" (Fleiss 1971's κ_j): how much
   * better than chance reviewers agree on whether an item is this label.
   */
  kappa: number;
  /** Its test of κ_j = 0 (Fleiss, Nee & Landis 1979), when every item has the same number of ratings. */
  z: number | null;
  /**
   * Specific agreement: given one rating of an item is this label, the chance another rating of the
   * same item is too, Σ_i r_ij(r_ij − 1) / Σ_i r_ij(r_i − 1). With two raters 2a/(2a + b + c), the
   * positive agreement of Spitzer & Fleiss (1974). NaN when the label never occurs on an item with
   * two ratings.
   */
  specificAgreement: number;
}

function fromTable(table: RatingTable, confidence: number): FleissResult {
  const rows = table.rows;
  const k = table.labels.length;
  let items = 0;
  let paired = 0;
  let sumPa = 0;
  const pi = new Array<number>(k).fill(0);
  const raterSet = new Set<number>();
  for (const row of rows) {
    items += row.items;
    raterSet.add(row.raters);
    row.counts.forEach((c, j) => {
      pi[j] = (pi[j] ?? 0) + (row.items * c) / row.raters;
    });
    if (row.raters >= 2) {
      paired += row.items;
      sumPa += row.items * agreementOf(row.counts, row.raters);
    }
  }
  for (let j = 0; j < k; j++) pi[j] = (pi[j] ?? 0) / items;
  const pa = paired > 0 ? sumPa / paired : Number.NaN;
  const pe = pi.reduce((s, p) => s + p * p, 0);
  const ratersPerItem = raterSet.size === 1 ? ([...raterSet][0] ?? null) : null;
  const base = {
    observedAgreement: pa,
    chanceAgreement: items > 0 ? pe : Number.NaN,
    items,
    pairedItems: paired,
    ratersPerItem,
  };
  if (paired === 0 || pe >= 1 - 1e-12) {
    return {
      ...base,
      kappa: Number.NaN,
      standardError: Number.NaN,
      interval: [Number.NaN, Number.NaN],
      null:
        ratersPerItem !== null && ratersPerItem >= 2
          ? { standardError: Number.NaN, z: Number.NaN, pValue: Number.NaN }
          : null,
    };
  }
  const kappa = (pa - pe) / (1 - pe);

  // Gwet (2008): linearize κ into per-item terms κ*_i, whose mean is κ; Var(κ) = Σ (κ*_i − κ)² / (N(N − 1)).
  let squares = 0;
  for (const row of rows) {
    const paItem = row.raters >= 2 ? agreementOf(row.counts, row.raters) : 0;
    const peShare = row.raters >= 2 ? pe : 0;
    const kappaItem = ((items / paired) * (paItem - peShare)) / (1 - pe);
    const peItem = row.counts.reduce((s, c, j) => s + (pi[j] ?? 0) * c, 0) / row.raters;
    const linear = kappaItem - (2 * (1 - kappa) * (peItem - pe)) / (1 - pe);
    squares += row.items * (linear - kappa) ** 2;
  }
  const se = items >= 2 ? Math.sqrt(squares / (items * (items - 1))) : Number.NaN;
  const t = items >= 2 ? studentTQuantile(1 - (1 - confidence) / 2, items - 1) : Number.NaN;
  const interval: Interval =
    Number.isFinite(se) && Number.isFinite(t)
      ? [kappa - t * se, Math.min(1, kappa + t * se)]
      : [Number.NaN, Number.NaN];

  return { ...base, kappa, standardError: se, interval, null: nullTest(kappa, pi, items, ratersPerItem) };
}

/** Share of agreeing ordered pairs among one item's ratings: Σ_k r_k(r_k − 1) / (r(r − 1)). */
function agreementOf(counts: readonly number[], raters: number): number {
  return counts.reduce((s, c) => s + c * (c - 1), 0) / (raters * (raters - 1));
}

/**
 * Fleiss, Nee & Landis (1979): under κ = 0 with n ratings on each of N items,
 * Var0(κ) = 2 / (N n (n − 1)) · ((Σ p_j q_j)² − Σ p_j q_j (q_j − p_j)) / (Σ p_j q_j)².
 */
function nullTest(
  kappa: number,
  pi: readonly number[],
  items: number,
  raters: number | null,
): FleissResult["null"] {
  if (raters === null || raters < 2) return null;
  const pq = pi.reduce((s, p) => s + p * (1 - p), 0);
  const skew = pi.reduce((s, p) => s + p * (1 - p) * (1 - 2 * p), 0);
  const variance = ((2 / (items * raters * (raters - 1))) * (pq * pq - skew)) / (pq * pq);
  const se = Math.sqrt(Math.max(0, variance));
  const z = se > 0 ? kappa / se : Number.NaN;
  return {
    standardError: se,
    z,
    pValue: Number.isNaN(z) ? Number.NaN : Math.min(1, 2 * normalSf(Math.abs(z))),
  };
}

function confidenceOf(fn: string, options: FleissOptions): number {
  const confidence = options.confidence ?? 0.95;
  requireOpenUnit(fn, "confidence", confidence);
  return confidence;
}

/**
 * Fleiss' kappa (Fleiss 1971) generalized to items with different numbers of ratings (Gwet 2014,
 * ch. 5): with r_ik ratings of label k on item i, r_i = Σ_k r_ik, N items rated at least once and
 * n' of them at least twice,
 *
 *     p_a = (1/n') Σ_{r_i ≥ 2} Σ_k r_ik(r_ik − 1) / (r_i(r_i − 1))
 *     π_k = (1/N) Σ_i r_ik / r_i,   p_e = Σ_k π_k²,   κ = (p_a − p_e)/(1 − p_e)
 *
 * With the same number of ratings per item this is exactly Fleiss' 1971 kappa. Who the raters are
 * does not matter (each item may have its own reviewers), which is hitl-lab's situation.
 *
 * @param profiles per-item label counts grouped into profiles (see {@link RatingProfile})
 * @throws RangeError for counts or items that are not whole numbers ≥ 0, or confidence outside (0, 1)
 *
 * @example
 * ```ts
 * import { fleiss } from "hitl-lab/stats";
 * fleiss([{ counts: { approve: 2 }, items: 40 }, { counts: { approve: 1, deny: 1 }, items: 8 }, { counts: { deny: 2 }, items: 12 }]);
 * ```
 */
export function fleiss(profiles: readonly RatingProfile[], options: FleissOptions = {}): FleissResult {
  const confidence = confidenceOf("fleiss", options);
  return fromTable(ratingTable("fleiss", profiles), confidence);
}

/**
 * Agreement label by label: Fleiss' κ_j of "this label vs the rest" and the specific agreement
 * (see {@link LabelAgreement}). Shows which label reviewers read differently.
 *
 * @param labels labels to report even when nobody used them (their numbers are NaN)
 */
export function perLabelAgreement(
  profiles: readonly RatingProfile[],
  labels: readonly string[] = [],
): Record<string, LabelAgreement> {
  const table = ratingTable("perLabelAgreement", profiles);
  const out: Record<string, LabelAgreement> = {};
  const all = [...table.labels, ...labels.filter((l) => !table.labels.includes(l))];
  for (const label of all) {
    const j = table.labels.indexOf(label);
    let ratings = 0;
    let same = 0;
    let pairs = 0;
    const rows = table.rows.map((row) => {
      const c = j >= 0 ? (row.counts[j] ?? 0) : 0;
      ratings += row.items * c;
      if (row.raters >= 2) {
        same += row.items * c * (c - 1);
        pairs += row.items * c * (row.raters - 1);
      }
      return { counts: [c, row.raters - c], raters: row.raters, items: row.items };
    });
    const binary = fromTable({ labels: [label, "other"], rows }, 0.95);
    out[label] = {
      ratings,
      kappa: binary.kappa,
      z: binary.null ? binary.null.z : null,
      specificAgreement: pairs > 0 ? same / pairs : Number.NaN,
    };
  }
  return out;
}

/**
 * Fleiss' kappa for a fixed number of raters per subject (Fleiss 1971), from a subjects ×
 * categories matrix. Same value as {@link fleiss}; kept for callers that hold a matrix.
 *
 * @param counts subjects × categories matrix of rater counts; every row must sum to the same n ≥ 2
 * @returns κ; NaN when there are no subjects or every rating falls in one category
 * @throws RangeError for ragged rows, negative or non-finite counts, unequal rater totals, or n < 2
 *
 * @example
 * ```ts
 * import { fleissKappa } from "hitl-lab/stats";
 * fleissKappa([[3, 0], [0, 3], [2, 1]]); // 3 reviewers, 3 items, 2 labels
 * ```
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number {
  if (counts.length === 0) return Number.NaN;
  const k = counts[0]?.length ?? 0;
  if (k === 0) throw new RangeError("fleissKappa: counts must have at least one category");
  const raters = (counts[0] ?? []).reduce((s, c) => s + c, 0);
  if (!(raters >= 2)) throw new RangeError(`fleissKappa: needs at least 2 raters per subject, got ${raters}`);
  const profiles = counts.map((row, i) => {
    if (row.length !== k)
      throw new RangeError(`fleissKappa: row ${i} has ${row.length} categories, expected ${k}`);
    row.forEach((c, j) => {
      requireNonNegative("fleissKappa", `counts[${i}][${j}]`, c);
    });
    const total = row.reduce((s, c) => s + c, 0);
    if (total !== raters) {
      throw new RangeError(
        `fleissKappa: every subject needs the same number of raters; row ${i} has ${total}, row 0 has ${raters}`,
      );
    }
    return { counts: Object.fromEntries(row.map((c, j) => [String(j), c])), items: 1 };
  });
  return fromTable(ratingTable("fleissKappa", profiles), 0.95).kappa;
}

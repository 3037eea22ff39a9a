/**
 * Inter-rater agreement for reviewer labels: is the review task defined well enough that two
 * reviewers give the same answer?
 */

import { requireNonNegative } from "./validate";

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
  const k = table.length;
  if (k === 0) throw new RangeError("cohenKappa: table must have at least one category");
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let total = 0;
  let diagonal = 0;
  table.forEach((row, i) => {
    if (row.length !== k)
      throw new RangeError(
        `cohenKappa: table must be square; row ${i} has ${row.length} cells, expected ${k}`,
      );
    row.forEach((cell, j) => {
      requireNonNegative("cohenKappa", `table[${i}][${j}]`, cell);
      rows[i] = (rows[i] ?? 0) + cell;
      cols[j] = (cols[j] ?? 0) + cell;
      total += cell;
      if (i === j) diagonal += cell;
    });
  });
  if (total === 0) return Number.NaN;
  const observed = diagonal / total;
  let chance = 0;
  for (let i = 0; i < k; i++) chance += ((rows[i] ?? 0) / total) * ((cols[i] ?? 0) / total);
  if (chance >= 1) return Number.NaN;
  return (observed - chance) / (1 - chance);
}

/**
 * Fleiss' kappa for a fixed number of raters per subject (Fleiss 1971). With N subjects, n raters
 * per subject and n_ij raters putting subject i in category j:
 * P_i = (Σ_j n_ij² − n)/(n(n − 1)), P̄ = mean P_i, p_j = Σ_i n_ij/(N·n), P̄e = Σ_j p_j²,
 * κ = (P̄ − P̄e)/(1 − P̄e).
 *
 * @param counts subjects × categories matrix of rater counts; every row must sum to the same n ≥ 2
 * @returns κ (1 = perfect agreement, ≤ 0 = no better than chance); NaN when there are no subjects
 *   or every rating falls in one category (P̄e = 1)
 * @throws RangeError for ragged rows, negative or non-finite counts, unequal rater totals, or n < 2
 *
 * @example
 * ```ts
 * import { fleissKappa } from "hitl-lab/stats";
 * fleissKappa([[3, 0], [0, 3], [2, 1]]); // 3 reviewers, 3 items, 2 labels
 * ```
 */
export function fleissKappa(counts: readonly (readonly number[])[]): number {
  const subjects = counts.length;
  if (subjects === 0) return Number.NaN;
  const k = counts[0]?.length ?? 0;
  if (k === 0) throw new RangeError("fleissKappa: counts must have at least one category");
  const raters = (counts[0] ?? []).reduce((s, c) => s + c, 0);
  if (!(raters >= 2)) throw new RangeError(`fleissKappa: needs at least 2 raters per subject, got ${raters}`);
  const categoryTotals = new Array<number>(k).fill(0);
  let sumP = 0;
  counts.forEach((row, i) => {
    if (row.length !== k)
      throw new RangeError(`fleissKappa: row ${i} has ${row.length} categories, expected ${k}`);
    let rowTotal = 0;
    let squares = 0;
    row.forEach((c, j) => {
      requireNonNegative("fleissKappa", `counts[${i}][${j}]`, c);
      rowTotal += c;
      squares += c * c;
      categoryTotals[j] = (categoryTotals[j] ?? 0) + c;
    });
    if (rowTotal !== raters) {
      throw new RangeError(
        `fleissKappa: every subject needs the same number of raters; ` +
          `row ${i} has ${rowTotal}, row 0 has ${raters}`,
      );
    }
    sumP += (squares - raters) / (raters * (raters - 1));
  });
  const meanP = sumP / subjects;
  const chance = categoryTotals.reduce((s, t) => s + (t / (subjects * raters)) ** 2, 0);
  if (chance >= 1) return Number.NaN;
  return (meanP - chance) / (1 - chance);
}

/** Level of measurement for {@link krippendorffAlpha}; it picks the difference function δ². */
export type MeasurementLevel = "nominal" | "ordinal" | "interval" | "ratio";

/** A coder's value for a unit: a number, a label (nominal only), or null when missing. */
export type CodedValue = number | string | null;

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
 * α = 1 − D_o/D_e from the coincidence matrix o_ck of pairable values (units with ≥ 2 values;
 * each unit's m_u(m_u − 1) ordered pairs weighted 1/(m_u − 1)), n_c = Σ_k o_ck, n = Σ n_c:
 * D_o = Σ o_ck·δ²_ck / n, D_e = Σ n_c·n_k·δ²_ck / (n(n − 1)).
 *
 * δ²: nominal 0/1; interval (c − k)²; ratio ((c − k)/(c + k))²;
 * ordinal (Σ_{g from c to k} n_g − (n_c + n_k)/2)² over the ranked distinct values.
 *
 * @param data coders × units; `null` for a missing value. Labels may be strings for "nominal".
 * @param level "nominal" (default), "ordinal", "interval" or "ratio"
 * @returns α (1 = perfect reliability, 0 = chance); NaN when fewer than 2 pairable values exist or
 *   all pairable values are equal (D_e = 0)
 * @throws RangeError for ragged rows, non-finite numbers, strings with a non-nominal level, or
 *   negative values with "ratio"
 *
 * @example
 * ```ts
 * import { krippendorffAlpha } from "hitl-lab/stats";
 * krippendorffAlpha([[1, 2, 3, null], [1, 2, 2, 4]], "nominal");
 * ```
 */
export function krippendorffAlpha(
  data: readonly (readonly CodedValue[])[],
  level: MeasurementLevel = "nominal",
): number {
  const fn = "krippendorffAlpha";
  if (!["nominal", "ordinal", "interval", "ratio"].includes(level)) {
    throw new RangeError(`${fn}: level must be nominal, ordinal, interval or ratio, got ${String(level)}`);
  }
  const units = data[0]?.length ?? 0;
  data.forEach((row, i) => {
    if (row.length !== units)
      throw new RangeError(`${fn}: coder ${i} has ${row.length} units, expected ${units}`);
    row.forEach((v, u) => {
      if (v === null) return;
      if (typeof v === "string") {
        if (level !== "nominal")
          throw new RangeError(`${fn}: string values need level "nominal" (coder ${i}, unit ${u})`);
        return;
      }
      if (!Number.isFinite(v))
        throw new RangeError(`${fn}: value at coder ${i}, unit ${u} must be finite, got ${v}`);
      if (level === "ratio" && v < 0)
        throw new RangeError(`${fn}: ratio values must be >= 0 (coder ${i}, unit ${u})`);
    });
  });

  // Distinct values, sorted so ordinal ranks follow numeric order.
  const distinct: (number | string)[] = [];
  const indexOf = new Map<number | string, number>();
  for (const row of data)
    for (const v of row) if (v !== null && !indexOf.has(v)) indexOf.set(v, distinct.push(v) - 1);
  distinct.sort((x, y) =>
    typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)),
  );
  for (const [i, v] of distinct.entries()) indexOf.set(v, i);
  const k = distinct.length;

  const coincidence = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let u = 0; u < units; u++) {
    const values: number[] = [];
    for (const row of data) {
      const v = row[u];
      if (v !== null && v !== undefined) values.push(indexOf.get(v) ?? 0);
    }
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        const row = coincidence[values[i] ?? 0];
        const c = values[j] ?? 0;
        if (row) row[c] = (row[c] ?? 0) + 1 / (m - 1);
      }
    }
  }
  const marginals = coincidence.map((row) => row.reduce((s, x) => s + x, 0));
  const n = marginals.reduce((s, x) => s + x, 0);
  if (n < 2) return Number.NaN;

  const delta2 = (c: number, kk: number): number => {
    if (c === kk) return 0;
    const vc = distinct[c];
    const vk = distinct[kk];
    switch (level) {
      case "nominal":
        return 1;
      case "interval":
        return (Number(vc) - Number(vk)) ** 2;
      case "ratio": {
        const sum = Number(vc) + Number(vk);
        return sum === 0 ? 0 : ((Number(vc) - Number(vk)) / sum) ** 2;
      }
      case "ordinal": {
        const lo = Math.min(c, kk);
        const hi = Math.max(c, kk);
        let between = 0;
        for (let g = lo; g <= hi; g++) between += marginals[g] ?? 0;
        return (between - ((marginals[c] ?? 0) + (marginals[kk] ?? 0)) / 2) ** 2;
      }
    }
  };

  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let kk = 0; kk < k; kk++) {
      const d = delta2(c, kk);
      observed += (coincidence[c]?.[kk] ?? 0) * d;
      expected += (marginals[c] ?? 0) * (marginals[kk] ?? 0) * d;
    }
  }
  observed /= n;
  expected /= n * (n - 1);
  if (expected === 0) return Number.NaN;
  return 1 - observed / expected;
}

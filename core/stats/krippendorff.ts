/**
 * Krippendorff's alpha from per-item label counts, for nominal, ordinal, interval and ratio
 * labels, items with any number of ratings, and a seeded bootstrap interval over items.
 */

import { seededRandom } from "../simulation/random";
import type { Interval } from "./effect";
import { type RatingProfile, type RatingRow, ratingTable } from "./ratings";
import { multinomial, sortedQuantile } from "./resample";
import { requireOpenUnit } from "./validate";

/** Level of measurement; it picks the difference function δ². */
export type MeasurementLevel = "nominal" | "ordinal" | "interval" | "ratio";

/** A coder's value for a unit: a number, a label (nominal only), or null when missing. */
export type CodedValue = number | string | null;

export interface BootstrapOptions {
  /** Resamples of the items (default 1000). */
  samples?: number;
  /** Seed of the generator: the same data and seed give the same interval (default 1). */
  seed?: number;
  /** Coverage of the percentile interval, strictly between 0 and 1 (default 0.95). */
  confidence?: number;
}

export interface AlphaOptions {
  level?: MeasurementLevel;
  /**
   * Labels from lowest to highest, for ordinal, interval and ratio data: a label's value is its
   * position (1, 2, …), so interval alpha assumes equal steps. Labels in `order` that nobody used
   * still count for ordinal distances.
   */
  order?: readonly string[];
  /** A numeric value per label, for interval and ratio data with unequal steps (instead of `order`). */
  values?: Readonly<Record<string, number>>;
  /** A percentile bootstrap interval over items; `false` for none (default 1000 samples, seed 1). */
  bootstrap?: BootstrapOptions | false;
}

export interface AlphaResult {
  /** α = 1 − D_o/D_e; NaN when fewer than 2 pairable values exist or all of them are equal. */
  alpha: number;
  observedDisagreement: number;
  expectedDisagreement: number;
  /** Ratings on items with at least two ratings (n, the only ones alpha uses). */
  pairableValues: number;
  /** Items with at least two ratings. */
  pairableItems: number;
  /** Percentile bootstrap interval, or null when not asked for or not defined. */
  interval: Interval | null;
  bootstrap: { samples: number; seed: number; confidence: number; undefinedSamples: number } | null;
}

const LEVELS: readonly MeasurementLevel[] = ["nominal", "ordinal", "interval", "ratio"];

/** What one profile adds to the coincidence matrix per item: r_c(r_k − [c = k])/(r − 1). */
interface Contribution {
  cells: { c: number; k: number; value: number }[];
}

function contributionOf(row: RatingRow): Contribution {
  const cells: Contribution["cells"] = [];
  row.counts.forEach((rc, c) => {
    if (rc === 0) return;
    row.counts.forEach((rk, k) => {
      const pairs = rc * (c === k ? rk - 1 : rk);
      if (pairs > 0) cells.push({ c, k, value: pairs / (row.raters - 1) });
    });
  });
  return { cells };
}

/** δ²(c, j) between ranked labels c and j; ordinal distances depend on the marginals n_g. */
function distance(
  level: MeasurementLevel,
  c: number,
  j: number,
  values: readonly number[],
  marginals: readonly number[],
): number {
  if (c === j) return 0;
  const vc = values[c] ?? 0;
  const vj = values[j] ?? 0;
  switch (level) {
    case "nominal":
      return 1;
    case "interval":
      return (vc - vj) ** 2;
    case "ratio":
      return vc + vj === 0 ? 0 : ((vc - vj) / (vc + vj)) ** 2;
    default: {
      let between = 0;
      for (let g = Math.min(c, j); g <= Math.max(c, j); g++) between += marginals[g] ?? 0;
      return (between - ((marginals[c] ?? 0) + (marginals[j] ?? 0)) / 2) ** 2;
    }
  }
}

/** The δ² matrix; rebuilt per bootstrap sample because ordinal distances move with the marginals. */
function distances(
  level: MeasurementLevel,
  values: readonly number[],
  marginals: readonly number[],
): number[][] {
  return values.map((_, c) => values.map((_, j) => distance(level, c, j, values, marginals)));
}

function alphaOf(
  level: MeasurementLevel,
  values: readonly number[],
  contributions: readonly Contribution[],
  multiplicity: readonly number[],
) {
  const k = values.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  contributions.forEach((contribution, r) => {
    const m = multiplicity[r] ?? 0;
    if (m === 0) return;
    for (const { c, k: j, value } of contribution.cells) {
      const row = o[c];
      if (row) row[j] = (row[j] ?? 0) + m * value;
    }
  });
  const marginals = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = marginals.reduce((s, x) => s + x, 0);
  const d = distances(level, values, marginals);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++)
    for (let j = 0; j < k; j++) {
      const dist = d[c]?.[j] ?? 0;
      observed += (o[c]?.[j] ?? 0) * dist;
      expected += (marginals[c] ?? 0) * (marginals[j] ?? 0) * dist;
    }
  const dObserved = n > 0 ? observed / n : Number.NaN;
  const dExpected = n > 1 ? expected / (n * (n - 1)) : Number.NaN;
  const alpha = n >= 2 && dExpected > 0 ? 1 - dObserved / dExpected : Number.NaN;
  return { alpha, dObserved, dExpected, n };
}

/** Label order and numeric values for the level; ordinal needs ranks, interval and ratio numbers. */
function scaleOf(fn: string, level: MeasurementLevel, options: AlphaOptions, used: readonly string[]) {
  if (options.order !== undefined && options.values !== undefined) {
    throw new RangeError(`${fn}: give order or values, not both`);
  }
  if (level === "nominal") return { order: options.order, numberOf: () => 0 };
  if (options.order !== undefined) {
    const position = new Map(options.order.map((label, i) => [label, i + 1]));
    return { order: options.order, numberOf: (label: string) => position.get(label) ?? 0 };
  }
  const given = options.values;
  const numberOf = (label: string): number => {
    const v = given ? given[label] : label.trim() === "" ? Number.NaN : Number(label);
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(
        given
          ? `${fn}: values has no finite number for label "${label}"`
          : `${fn}: ${level} data needs numeric labels, an order or values; label "${label}" is not a number`,
      );
    }
    if (level === "ratio" && v < 0)
      throw new RangeError(`${fn}: ratio values must be >= 0, label "${label}" is ${v}`);
    return v;
  };
  const labels = given ? [...new Set([...used, ...Object.keys(given)])] : [...used];
  const seen = new Map<number, string>();
  for (const label of labels) {
    const v = numberOf(label);
    const other = seen.get(v);
    if (other !== undefined)
      throw new RangeError(`${fn}: labels "${other}" and "${label}" have the same value ${v}`);
    seen.set(v, label);
  }
  return { order: [...labels].sort((a, b) => numberOf(a) - numberOf(b)), numberOf };
}

function bootstrapOptions(fn: string, options: AlphaOptions) {
  if (options.bootstrap === false) return null;
  const { samples = 1000, seed = 1, confidence = 0.95 } = options.bootstrap ?? {};
  if (!Number.isInteger(samples) || samples < 1 || samples > 100_000) {
    throw new RangeError(
      `${fn}: bootstrap.samples must be a whole number between 1 and 100000, got ${samples}`,
    );
  }
  if (!Number.isInteger(seed))
    throw new RangeError(`${fn}: bootstrap.seed must be a whole number, got ${seed}`);
  requireOpenUnit(fn, "bootstrap.confidence", confidence);
  return { samples, seed, confidence };
}

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability") from
 * per-item label counts. Only pairable values count: items with m_u ≥ 2 ratings, each ordered pair
 * of ratings weighted 1/(m_u − 1). From the coincidences o_ck, n_c = Σ_k o_ck and n = Σ n_c:
 *
 *     α = 1 − D_o/D_e,   D_o = Σ o_ck δ²_ck / n,   D_e = Σ n_c n_k δ²_ck / (n(n − 1))
 *
 * δ²: nominal 1 if c ≠ k; ordinal (Σ_{g=c..k} n_g − (n_c + n_k)/2)²; interval (v_c − v_k)²;
 * ratio ((v_c − v_k)/(v_c + v_k))².
 *
 * The interval is a percentile bootstrap over the pairable items (Efron's nonparametric bootstrap,
 * as Zapf et al. 2016 recommend for alpha): each sample draws as many items with replacement,
 * drawn as one multinomial over the distinct profiles, so its cost does not grow with the items.
 * Deterministic: the profiles are put in a canonical order and the generator is seeded. Samples
 * where alpha is undefined (no variation) are left out and counted in `undefinedSamples`.
 *
 * @param profiles per-item label counts grouped into profiles (see {@link RatingProfile})
 * @throws RangeError for invalid counts, an unknown level, labels without a value for a numeric
 *   level, two labels with the same value, negative ratio values or bad bootstrap options
 *
 * @example
 * ```ts
 * import { alpha } from "hitl-lab/stats";
 * alpha([{ counts: { low: 2 }, items: 30 }, { counts: { low: 1, high: 1 }, items: 4 }, { counts: { high: 2 }, items: 20 }],
 *   { level: "ordinal", order: ["low", "medium", "high"] });
 * ```
 */
export function alpha(profiles: readonly RatingProfile[], options: AlphaOptions = {}): AlphaResult {
  const fn = "alpha";
  const level = options.level ?? "nominal";
  if (!LEVELS.includes(level)) {
    throw new RangeError(`${fn}: level must be nominal, ordinal, interval or ratio, got ${String(level)}`);
  }
  const used = ratingTable(fn, profiles).labels;
  const scale = scaleOf(fn, level, options, used);
  const table = ratingTable(fn, profiles, scale.order);
  const values = table.labels.map((label) => scale.numberOf(label));
  const pairable = table.rows.filter((row) => row.raters >= 2);
  const contributions = pairable.map(contributionOf);
  const items = pairable.map((row) => row.items);
  const point = alphaOf(level, values, contributions, items);
  const pairableItems = items.reduce((s, x) => s + x, 0);
  const result: AlphaResult = {
    alpha: point.alpha,
    observedDisagreement: point.dObserved,
    expectedDisagreement: point.dExpected,
    pairableValues: point.n,
    pairableItems,
    interval: null,
    bootstrap: null,
  };
  const boot = bootstrapOptions(fn, options);
  if (!boot) return result;

  const random = seededRandom(boot.seed);
  const draws: number[] = [];
  for (let s = 0; s < boot.samples; s++) {
    const sample = alphaOf(level, values, contributions, multinomial(random, pairableItems, items)).alpha;
    if (Number.isFinite(sample)) draws.push(sample);
  }
  draws.sort((a, b) => a - b);
  const tail = (1 - boot.confidence) / 2;
  result.bootstrap = { ...boot, undefinedSamples: boot.samples - draws.length };
  result.interval =
    Number.isFinite(point.alpha) && draws.length > 0
      ? [sortedQuantile(draws, tail), sortedQuantile(draws, 1 - tail)]
      : null;
  return result;
}

/**
 * Krippendorff's alpha from a reliability data matrix (coders × units), as Krippendorff (2011)
 * lays it out; the same value as {@link alpha} on the per-unit counts, without an interval.
 *
 * @param data coders × units; `null` for a missing value. Labels may be strings for "nominal".
 * @param level "nominal" (default), "ordinal", "interval" or "ratio"
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
  if (!LEVELS.includes(level)) {
    throw new RangeError(`${fn}: level must be nominal, ordinal, interval or ratio, got ${String(level)}`);
  }
  const units = data[0]?.length ?? 0;
  const values: Record<string, number> = {};
  const perUnit = Array.from({ length: units }, () => ({}) as Record<string, number>);
  data.forEach((row, i) => {
    if (row.length !== units)
      throw new RangeError(`${fn}: coder ${i} has ${row.length} units, expected ${units}`);
    row.forEach((v, u) => {
      if (v === null) return;
      if (typeof v === "string") {
        if (level !== "nominal")
          throw new RangeError(`${fn}: string values need level "nominal" (coder ${i}, unit ${u})`);
      } else if (!Number.isFinite(v)) {
        throw new RangeError(`${fn}: value at coder ${i}, unit ${u} must be finite, got ${v}`);
      } else if (level === "ratio" && v < 0) {
        throw new RangeError(`${fn}: ratio values must be >= 0 (coder ${i}, unit ${u})`);
      } else {
        values[String(v)] = v;
      }
      const counts = perUnit[u];
      if (counts) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
    });
  });
  const profiles = perUnit.map((counts) => ({ counts, items: 1 }));
  const scale = level === "nominal" ? {} : { values };
  return alpha(profiles, { level, ...scale, bootstrap: false }).alpha;
}

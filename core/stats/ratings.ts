/**
 * The input of the multi-rater agreement statistics: per-item label counts. Fleiss' kappa,
 * nominal Krippendorff's alpha and per-label agreement depend only on how many reviewers gave
 * each label to each item, never on who they were, so items with the same counts can be stored
 * as one integer counter ("12 items got approve ×2", "3 items got approve + deny"). A
 * {@link RatingProfile} is that counter.
 */

/** One item's ratings: label → how many reviewers gave it (a whole number ≥ 0). */
export type LabelCounts = Readonly<Record<string, number>>;

/** `items` items that each received exactly `counts`: the shape a counter store keeps. */
export interface RatingProfile {
  readonly counts: LabelCounts;
  /** A whole number ≥ 0. */
  readonly items: number;
}

/** Validated profiles over a fixed label order (internal to the agreement modules). */
export interface RatingTable {
  labels: string[];
  /** Sorted canonically and merged, so results never depend on the order of the input. */
  rows: RatingRow[];
}

export interface RatingRow {
  /** Count per label, in the order of `labels`. */
  counts: number[];
  /** Ratings of each of these items: Σ counts. */
  raters: number;
  items: number;
}

function requireWhole(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a whole number >= 0, got ${String(value)}`);
  }
  return value;
}

/** A canonical text for a count vector: equal counts give equal keys whatever the key order. */
function profileKey(counts: LabelCounts): string {
  const entries = Object.entries(counts)
    .filter(([, c]) => c !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}

/**
 * Groups per-item label counts into profiles (equal counts merged), in a canonical order.
 *
 * @example
 * ```ts
 * profilesOf([{ approve: 2 }, { approve: 1, deny: 1 }, { approve: 2 }]);
 * // [{ counts: { approve: 1, deny: 1 }, items: 1 }, { counts: { approve: 2 }, items: 2 }]
 * ```
 */
export function profilesOf(items: readonly LabelCounts[]): RatingProfile[] {
  const groups = new Map<string, { counts: Record<string, number>; items: number }>();
  items.forEach((counts, i) => {
    for (const [label, c] of Object.entries(counts)) requireWhole("profilesOf", `items[${i}]["${label}"]`, c);
    const key = profileKey(counts);
    const group = groups.get(key);
    if (group) group.items += 1;
    else groups.set(key, { counts: Object.fromEntries(JSON.parse(key) as [string, number][]), items: 1 });
  });
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

/**
 * Validates profiles and lays them out over one label order. With `order`, every label that
 * occurs must be in it (labels in `order` that never occur still count, e.g. for ordinal
 * distances); without it, labels are sorted. Profiles with no items or no ratings are dropped.
 *
 * @throws RangeError for counts or items that are not whole numbers ≥ 0, a label outside `order`,
 *   or a label listed twice in `order`
 */
export function ratingTable(
  fn: string,
  profiles: readonly RatingProfile[],
  order?: readonly string[],
): RatingTable {
  if (!Array.isArray(profiles as unknown))
    throw new RangeError(`${fn}: profiles must be a list of { counts, items }`);
  if (order !== undefined && new Set(order).size !== order.length) {
    throw new RangeError(`${fn}: order lists a label twice (${order.join(", ")})`);
  }
  const seen = new Set<string>(order ?? []);
  profiles.forEach((p, i) => {
    requireWhole(fn, `profiles[${i}].items`, p?.items);
    if (p.counts === null || typeof p.counts !== "object") {
      throw new RangeError(`${fn}: profiles[${i}].counts must be an object of label → count`);
    }
    for (const [label, c] of Object.entries(p.counts)) {
      requireWhole(fn, `profiles[${i}].counts["${label}"]`, c);
      if (c === 0) continue;
      if (order !== undefined && !seen.has(label)) {
        throw new RangeError(
          `${fn}: profiles[${i}] has label "${label}", which is not in order (${order.join(", ")})`,
        );
      }
      seen.add(label);
    }
  });
  const labels = order ? [...order] : [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map(labels.map((l, i) => [l, i]));

  const merged = new Map<string, RatingRow>();
  for (const p of profiles) {
    const counts = new Array<number>(labels.length).fill(0);
    for (const [label, c] of Object.entries(p.counts)) if (c > 0) counts[index.get(label) ?? 0] = c;
    const raters = counts.reduce((s, c) => s + c, 0);
    if (p.items === 0 || raters === 0) continue;
    const key = counts.join(",");
    const row = merged.get(key);
    if (row) row.items += p.items;
    else merged.set(key, { counts, raters, items: p.items });
  }
  const rows = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  return { labels, rows };
}

import type { LabelCounts } from "../../../core/stats/ratings";
import { randomInt } from "./random";

/**
 * Items with a true label drawn from `prevalence`, each rated by `raters` reviewers who are right
 * with probability `accuracy` and otherwise pick any label at random. `trueKappa` is the population
 * value both Fleiss' kappa and alpha tend to: P_a = (a + m)² + (L − 1)m² with m = (1 − a)/L,
 * P_e = Σ (π_k a + m)², κ = (P_a − P_e)/(1 − P_e).
 */
export function simulatedRaters(
  random: () => number,
  { prevalence, accuracy, raters }: { prevalence: readonly number[]; accuracy: number; raters: number },
) {
  const labels = prevalence.length;
  const miss = (1 - accuracy) / labels;
  const pa = (accuracy + miss) ** 2 + (labels - 1) * miss ** 2;
  const pe = prevalence.reduce((s, p) => s + (p * accuracy + miss) ** 2, 0);
  const truthOf = () => {
    let u = random();
    for (let i = 0; i < labels; i++) {
      u -= prevalence[i] ?? 0;
      if (u < 0) return i;
    }
    return labels - 1;
  };
  const items = (n: number): LabelCounts[] =>
    Array.from({ length: n }, () => {
      const truth = truthOf();
      const counts: Record<string, number> = {};
      for (let r = 0; r < raters; r++) {
        const label = String(random() < accuracy ? truth : randomInt(random, 0, labels - 1));
        counts[label] = (counts[label] ?? 0) + 1;
      }
      return counts;
    });
  const trueKappa = (pa - pe) / (1 - pe);
  /** Share of `replications` simulated sets of `size` items whose interval covers the true kappa. */
  const coverage = (
    replications: number,
    size: number,
    intervalOf: (items: LabelCounts[], replication: number) => readonly [number, number] | null,
  ) => {
    let covered = 0;
    for (let rep = 0; rep < replications; rep++) {
      const [lower, upper] = intervalOf(items(size), rep) ?? [Number.NaN, Number.NaN];
      if (lower <= trueKappa && trueKappa <= upper) covered++;
    }
    return covered / replications;
  };
  return { trueKappa, items, coverage };
}

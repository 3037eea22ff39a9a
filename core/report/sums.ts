/**
 * Sufficient statistics for the tests of `core/stats`, built from the exactly-once counters. The
 * counters hold sums, not per-decision values, so each metric says what its "unit" is:
 *
 * - rates (automation, override, escalation, SLA breach, closure): one decision / verdict / held
 *   item / correction is one Bernoulli unit;
 * - quality (either kind): one audit is one unit (the audit sample is where its sampling error comes from);
 * - cost per decision and time in queue: ratio metrics whose units are the arm's hours (the
 *   smallest pieces the counters keep separately), by the delta method.
 */

import { C, type Counters } from "../metrics/counters";
import {
  type ArmMetrics,
  type CounterRow,
  costOf,
  type QualityKind,
  type QualityMetrics,
  type ReadOptions,
} from "../metrics/read";
import type { MeanSums, ProportionSums, RatioSums } from "../stats";

export type Sums<T> = { ok: true; sums: T } | { ok: false; reason: string };

/** successes/n as a proportion, or why not (successes can exceed n, e.g. two escalations of one item). */
export function proportionSums(successes: number, n: number, what: string): Sums<ProportionSums> {
  if (n === 0) return { ok: false, reason: `no ${what}` };
  if (successes > n)
    return { ok: false, reason: `${successes} events over ${n} ${what}: not a proportion (repeats)` };
  return { ok: true, sums: { n, sum: successes } };
}

/** Which quality of an arm: decision-time (what comparisons and the guardrail judge) or after corrections. */
export const qualityOfArm = (arm: ArmMetrics, kind: QualityKind = "decision"): QualityMetrics =>
  kind === "decision" ? arm.decisionQuality : arm.quality;

/** The outcomes whose correctness the quality estimates from the audits (automated, not ground-truthed). */
export function estimatedOutcomes(arm: ArmMetrics, kind: QualityKind = "decision"): number {
  return qualityOfArm(arm, kind).estimated;
}

/**
 * Quality q = c + w·p, where p is the automated accuracy measured on the audits, w the share of
 * outcomes estimated at p, and c the share of outcomes known correct (verdicts, ground truth). Only
 * p is sampled, so quality behaves as the mean of one value per audit: mean q, n = audits, per-audit
 * variance w²·p̃(1 − p̃). p̃ = (correct + ½)/(audits + 1) adds half an agreeing and half a
 * disagreeing audit (Agresti–Caffo style), so a sample that is all right or all wrong still carries
 * sampling error instead of claiming certainty. An arm with nothing to estimate has quality without
 * sampling error: a constant over its outcomes. Decision-time quality by default.
 */
export function qualitySums(arm: ArmMetrics, kind: QualityKind = "decision"): Sums<MeanSums> {
  const q = qualityOfArm(arm, kind);
  if (q.outcomes === 0) return { ok: false, reason: `arm ${arm.arm} has no outcomes yet` };
  const estimated = q.estimated;
  if (estimated === 0) {
    const n = q.outcomes;
    return { ok: true, sums: { n, sum: n * q.estimate, sumSquares: n * q.estimate * q.estimate } };
  }
  const audits = q.automated.audited;
  if (audits === 0)
    return {
      ok: false,
      reason: `arm ${arm.arm} has ${estimated} automated outcomes and no audit to estimate their accuracy`,
    };
  const w = estimated / q.outcomes;
  const smoothed = (q.automated.correct + 0.5) / (audits + 1);
  // Weighted audits: the estimator's own variance of p, as n audits' per-audit variance.
  const perAudit =
    q.automated.variance !== undefined && q.automated.variance > 0
      ? audits * q.automated.variance
      : smoothed * (1 - smoothed);
  const variance = w * w * perAudit;
  // Sums whose sample mean is q and sample variance is `variance`.
  return {
    ok: true,
    sums: {
      n: audits,
      sum: audits * q.estimate,
      sumSquares: (audits - 1) * variance + audits * q.estimate ** 2,
    },
  };
}

/** True when the quality has no sampling error (no estimated outcomes). */
export const qualityIsCounted = (arm: ArmMetrics, kind: QualityKind = "decision") =>
  estimatedOutcomes(arm, kind) === 0;

/** Per-hour numerator and denominator of one arm, from its counter rows. */
export interface HourValues {
  numerator: number;
  denominator: number;
}

/** Ratio sums over hours (the units), or why not. */
export function ratioSums(hours: readonly HourValues[], what: string): Sums<RatioSums> {
  const used = hours.filter((h) => h.numerator !== 0 || h.denominator !== 0);
  if (used.length < 2)
    return {
      ok: false,
      reason: `${what} needs at least 2 hours with data per arm (the counters keep hours, not single decisions); this arm has ${used.length}`,
    };
  const sums: RatioSums = {
    n: used.length,
    sumNumerator: 0,
    sumNumeratorSquares: 0,
    sumDenominator: 0,
    sumDenominatorSquares: 0,
    sumCross: 0,
  };
  for (const { numerator: x, denominator: y } of used) {
    sums.sumNumerator += x;
    sums.sumNumeratorSquares += x * x;
    sums.sumDenominator += y;
    sums.sumDenominatorSquares += y * y;
    sums.sumCross += x * y;
  }
  if (sums.sumDenominator === 0) return { ok: false, reason: `no ${what} denominator in this arm` };
  return { ok: true, sums };
}

/**
 * Cost (dollars) and decisions of each hour of one arm. The cost model is linear in the counters, so
 * each counter's price is found once (the cost of one unit of it) and an hour costs Σ counter × price:
 * a thousand hours cost a few dollar-sums instead of a thousand cost-model runs. Should the model ever
 * stop being linear, the hours would no longer add up to `expectedTotal`, and every hour is priced by
 * the model itself instead.
 */
export function hourlyCost(
  rows: readonly CounterRow[],
  options: ReadOptions,
  expectedTotal?: number,
): HourValues[] {
  const prices = new Map<string, number>();
  const priceOf = (name: string) => {
    let price = prices.get(name);
    if (price === undefined) {
      price = costOf({ [name]: 1 }, options).totalUsd;
      prices.set(name, price);
    }
    return price;
  };
  const linear = rows.map((row) => {
    let cost = 0;
    for (const [name, value] of Object.entries(row.counters)) cost += value * priceOf(name);
    return { numerator: cost, denominator: row.counters[C.decisions] ?? 0 };
  });
  if (expectedTotal === undefined) return linear;
  const total = linear.reduce((s, h) => s + h.numerator, 0);
  if (Math.abs(total - expectedTotal) <= 1e-9 * Math.max(1, Math.abs(expectedTotal))) return linear;
  return rows.map((row) => ({
    numerator: costOf(row.counters, options).totalUsd,
    denominator: row.counters[C.decisions] ?? 0,
  }));
}

/** Seconds in queue and verdicts of each hour of one arm. */
export function hourlyQueue(rows: readonly CounterRow[]): HourValues[] {
  return rows.map((row) => ({
    numerator: (row.counters[C.queueMs] ?? 0) / 1000,
    denominator: row.counters[C.verdicts] ?? 0,
  }));
}

/** Sums counters of several rows (e.g. every arm, for the agreement over all reviewers). */
export function sumCounters(rows: readonly { counters: Counters }[]): Counters {
  const out: Counters = {};
  for (const row of rows)
    for (const [name, value] of Object.entries(row.counters)) out[name] = (out[name] ?? 0) + value;
  return out;
}

/**
 * Each arm's live certificate, from its counters: Learn-Then-Test (core/stats/certificate.ts) on
 * the arm's audits, which are the only unbiased sample of its automated decisions, and, for the
 * thresholds below the arm's own, on its held items' verdicts too (every held item is reviewed, so
 * they carry weight 1 beside an audit's 1/π). Two answers:
 *
 * - `own`: does the arm's own threshold still hold (error among automated ≤ α with confidence
 *   1 − δ), tested from the strictest threshold down to it on the audits alone;
 * - `proposal`: the most automation certified over the whole grid, the proposed next level when it
 *   automates more than the arm does now.
 */

import type { Arm, Policy } from "../experiments/schema";
import { calibrationFromCounters } from "../metrics/audit-counters";
import type { ArmMetrics } from "../metrics/read";
import { binomialLowerTailPValue } from "../stats/binomial";
import { certifyThresholds, formatPValue, type ThresholdCertificate } from "../stats/certificate";
import { wilson } from "../stats/proportions";
import type { ArmCertificateReport, CertificateReport } from "./types";

export interface CertificationTarget {
  targetError: number;
  confidence: number;
}

export interface ArmCertificate {
  targetError: number;
  confidence: number;
  /** The arm's own threshold as tested (rounded up to the grid's hundredths). */
  threshold: number;
  /** The certificate of the arm's own threshold, from its audits. */
  own: ThresholdCertificate;
  /** Whether `own` certifies the arm's threshold. */
  holds: boolean;
  /** Not certified although more audits would not help: the observed error rate is at least α. */
  broken: boolean;
  /** The lowest certified threshold over the whole grid (audits and held verdicts). */
  proposal: ThresholdCertificate;
  /** The proposed next level: a threshold below the arm's own that is certified, else null. */
  next: number | null;
}

/** Thresholds 0.99, 0.98, …, 0.50: hundredths, so each falls on a calibration bucket's edge. */
const GRID = Array.from({ length: 50 }, (_, i) => Math.round((0.99 - i * 0.01) * 100) / 100);
const hundredthUp = (x: number) => Math.min(1, Math.ceil(x * 100 - 1e-9) / 100);

/**
 * Below the arm's threshold T under uniform audits: every held item in [t, T) is reviewed, so its
 * errors e_h of n_h are known, and the N automated decisions are sampled by m audits with x errors.
 * R(t) = (e_h + q·N)/(n_h + N) ≥ α ⟺ q ≥ q₀ = (α(n_h + N) − e_h)/N, tested exactly by
 * P(Bin(m, q₀) ≤ x) (1 when q₀ ≤ 0, 0 when q₀ ≥ 1). Thresholds at or above T are the audit-only
 * binomial tests of `own`. Fixed-sequence testing continues from where `own` left off.
 */
function splitCertificate(
  metrics: ArmMetrics,
  ownThreshold: number,
  grid: readonly number[],
  own: ThresholdCertificate,
  target: CertificationTarget,
): ThresholdCertificate {
  const delta = 1 - target.confidence;
  const held = calibrationFromCounters(metrics.counters, {
    thresholds: grid.filter((t) => t < ownThreshold),
    includeHeld: true,
  });
  const audits = calibrationFromCounters(metrics.counters, { thresholds: [0], includeHeld: false });
  const m = audits.thresholds[0]?.n ?? 0;
  const x = audits.thresholds[0]?.errors ?? 0;
  const N = metrics.auto;
  const tested = [...own.tested];
  let certified = own.threshold !== null && own.threshold <= ownThreshold ? own.threshold : null;
  let stopped = certified === null;
  for (const row of held.thresholds) {
    if (stopped) break;
    // Held verdicts in [t, T): the calibration sums with held items minus the audits (all ≥ T).
    const nh = row.n - m;
    const eh = row.errors - x;
    const q0 = N > 0 ? (target.targetError * (nh + N) - eh) / N : Number.NaN;
    const pValue = !(m > 0 && N > 0) || !(q0 > 0) ? 1 : q0 >= 1 ? 0 : binomialLowerTailPValue(m, x, q0);
    const ok = pValue <= delta;
    tested.push({
      threshold: row.threshold,
      n: nh + m,
      errors: eh + x,
      errorRate: nh + N > 0 ? (eh + (m > 0 ? (x / m) * N : 0)) / (nh + N) : Number.NaN,
      pValue,
      certified: ok,
    });
    if (!ok) stopped = true;
    else certified = row.threshold;
  }
  const untested = grid.filter((t) => !tested.some((r) => r.threshold === t));
  const last = tested[tested.length - 1];
  const automated =
    certified === null ? 0 : N + Math.max(0, (tested.find((r) => r.threshold === certified)?.n ?? m) - m);
  const share = metrics.decisions > 0 && certified !== null ? automated / metrics.decisions : null;
  const level = `${Math.round(target.confidence * 1000) / 10}%`;
  const at = tested.find((r) => r.threshold === certified);
  return {
    ...own,
    threshold: certified,
    automationRate: share,
    automationRateInterval: share === null ? null : wilson(automated, metrics.decisions, target.confidence),
    tested,
    untested,
    stop:
      stopped && last
        ? { reason: "not-rejected", threshold: last.threshold }
        : { reason: "all-certified", threshold: null },
    needed: null,
    summary:
      certified === null
        ? own.summary
        : `Certified: automate at confidence ≥ ${certified}; error among automated decisions ≤ ${(target.targetError * 100).toFixed(2)}% with ${level} confidence (${at?.n ?? 0} labelled outcomes: held verdicts below ${ownThreshold}, ${m} audits above, ${formatPValue(at?.pValue ?? 1)}).`,
  };
}

/** Weighted audits (uncertainty policy) beside held verdicts (weight 1): the largest weight is 1/floor. */
function weightsOf(policy: Policy) {
  return policy.auditPolicy ? { max: 1 / policy.auditPolicy.floor } : undefined;
}

/** The arm's certificates, or undefined when it has no audit policy to certify from. */
export function armCertificate(
  metrics: ArmMetrics,
  arm: Pick<Arm, "policy"> | undefined,
  target: CertificationTarget,
): ArmCertificate | undefined {
  const policy = arm?.policy;
  if (!policy || (!policy.auditPolicy && !(policy.auditRate > 0))) return undefined;
  const threshold = hundredthUp(policy.autoAcceptAbove);
  const options = { targetError: target.targetError, confidence: target.confidence };
  // Thresholds so sparse that even no error could not certify them are left out of the sequence
  // (a choice that depends on how many outcomes lie above each, never on their labels, so the
  // fixed-sequence guarantee stands); the arm's own threshold is always tested.
  const delta = 1 - target.confidence;
  const testable = (n: number) => binomialLowerTailPValue(n, 0, target.targetError) <= delta;
  const auditCounts = calibrationFromCounters(metrics.counters, { thresholds: GRID, includeHeld: false });
  const heldCounts = calibrationFromCounters(metrics.counters, { thresholds: GRID, includeHeld: true });
  const keep = (sums: typeof auditCounts) =>
    sums.thresholds.filter((t) => testable(t.n)).map((t) => t.threshold);
  const ownGrid = [...new Set([...keep(auditCounts).filter((t) => t > threshold), threshold])];
  const own = certifyThresholds(
    calibrationFromCounters(metrics.counters, {
      thresholds: ownGrid,
      includeHeld: false,
      ...(policy.auditPolicy ? { weights: { max: 1 / policy.auditPolicy.floor } } : {}),
    }),
    options,
  );
  const fullGrid = [...new Set([...ownGrid, ...keep(heldCounts).filter((t) => t < threshold)])].sort(
    (a, b) => b - a,
  );
  const weights = weightsOf(policy);
  const proposal = policy.auditPolicy
    ? certifyThresholds(
        calibrationFromCounters(metrics.counters, {
          thresholds: fullGrid,
          includeHeld: true,
          ...(weights ? { weights } : {}),
        }),
        options,
      )
    : splitCertificate(metrics, threshold, fullGrid, own, target);
  const holds = own.threshold !== null && own.threshold <= threshold;
  const last = own.tested[own.tested.length - 1];
  const broken = !holds && own.needed === null && (last?.n ?? 0) > 0;
  const next = proposal.threshold !== null && proposal.threshold < threshold ? proposal.threshold : null;
  return { ...target, threshold, own, holds, broken, proposal, next };
}

const orNull = (x: number | null | undefined) =>
  x !== null && x !== undefined && Number.isFinite(x) ? x : null;

function certificateReport(c: ThresholdCertificate): CertificateReport {
  return {
    threshold: c.threshold,
    pValue: c.pValue,
    weighted: c.weighted,
    automationRate: orNull(c.automationRate),
    automationRateInterval: c.automationRateInterval
      ? [orNull(c.automationRateInterval[0]), orNull(c.automationRateInterval[1])]
      : [null, null],
    tested: c.tested.map((t) => ({
      threshold: t.threshold,
      n: t.n,
      errors: t.errors,
      errorRate: orNull(t.errorRate),
      pValue: orNull(t.pValue),
      certified: t.certified,
    })),
    needed: c.needed,
    summary: c.summary,
  };
}

/** The JSON form of an arm's certificate (null stays null). */
export function armCertificateReport(c: ArmCertificate | undefined): ArmCertificateReport | null {
  if (!c) return null;
  return {
    targetError: c.targetError,
    confidence: c.confidence,
    threshold: c.threshold,
    holds: c.holds,
    broken: c.broken,
    own: certificateReport(c.own),
    proposal: certificateReport(c.proposal),
    next: c.next,
  };
}

/** The certification target of a report: its option, else the experiment's config; undefined for none. */
export function certificationTarget(
  experiment: { certification?: { targetError: number; confidence: number } | undefined },
  targetError: number | undefined,
): CertificationTarget | undefined {
  if (targetError !== undefined)
    return { targetError, confidence: experiment.certification?.confidence ?? 0.95 };
  return experiment.certification
    ? { targetError: experiment.certification.targetError, confidence: experiment.certification.confidence }
    : undefined;
}

/**
 * Uncertainty-weighted audits: automated decisions are audited with a probability that grows with
 * the model's uncertainty (lower confidence, i.e. nearer the arm's threshold, or a flat
 * distribution over its alternatives) and never falls below a floor, so every automated decision
 * can be audited and the estimators of `hitl-lab/stats` (Horvitz–Thompson, Hájek,
 * prediction-powered) stay unbiased. The draw is deterministic from the decision id, like the
 * uniform `auditRate` sample. Why this shape: docs/statistics.md, "Audit estimators".
 */

import { uncertaintyScore } from "../review/priority";
import { AUDIT_SEED } from "./audit";
import { hashV2 } from "./hash";

export interface UncertaintyAuditPolicy {
  /** Smallest inclusion probability, for the most certain decisions (> 0, so nothing is never audited). */
  floor: number;
  /** π = scale · uncertainty before the floor and the cap; see {@link scaleForBudget}. */
  scale: number;
  /** Largest inclusion probability (default 1). */
  cap?: number;
}

/** What the policy looks at: the confidence in the automated answer and, when given, the alternatives'. */
export interface AuditedPrediction {
  confidence: number;
  alternatives?: readonly { confidence: number }[];
}

/** Hash v2 has 10,000 buckets: a decision is sampled when its bucket is below π·10,000. */
const BUCKETS = 10_000;

/**
 * Uncertainty in [0, 1]: 2·√(c(1 − c)) for confidence c, the standard deviation of "the answer is
 * right" if the model is calibrated (scaled to 1 at c = ½), which falls from the threshold to 0 at
 * c = 1; or, when alternatives are given and it is larger, their normalised entropy (as in the
 * review queue's priority, `core/review/priority.ts`). Auditing in proportion to that standard
 * deviation is Neyman's allocation for estimating accuracy.
 */
export function auditUncertainty(prediction: AuditedPrediction, threshold: number): number {
  const c = Math.min(1, Math.max(0, prediction.confidence));
  const spread = 2 * Math.sqrt(c * (1 - c));
  if (!prediction.alternatives || prediction.alternatives.length === 0) return spread;
  return Math.max(spread, uncertaintyScore(prediction, threshold));
}

function requirePolicy(policy: UncertaintyAuditPolicy): number {
  const cap = policy.cap ?? 1;
  if (!(policy.floor > 0 && policy.floor <= 1))
    throw new RangeError(`audit policy: floor must be in (0, 1], got ${policy.floor}`);
  if (!(cap >= policy.floor && cap <= 1))
    throw new RangeError(`audit policy: cap must be in [floor, 1], got ${cap}`);
  if (!(Number.isFinite(policy.scale) && policy.scale >= 0))
    throw new RangeError(`audit policy: scale must be a finite number >= 0, got ${policy.scale}`);
  return cap;
}

/** min(cap, max(floor, scale·u)) before the hash grid. */
function rawProbability(uncertainty: number, policy: UncertaintyAuditPolicy, cap: number): number {
  return Math.min(cap, Math.max(policy.floor, policy.scale * uncertainty));
}

/**
 * The probability this decision is audited, exactly as {@link uncertaintyAuditDraw} samples it:
 * min(cap, max(floor, scale·uncertainty)) rounded up to the hash's 1/10,000 grid, so the recorded
 * probability is the true one (weights 1/π are then exact).
 *
 * @throws RangeError for a floor outside (0, 1], a cap outside [floor, 1] or a negative scale
 */
export function auditInclusionProbability(
  prediction: AuditedPrediction,
  threshold: number,
  policy: UncertaintyAuditPolicy,
): number {
  const cap = requirePolicy(policy);
  const p = rawProbability(auditUncertainty(prediction, threshold), policy, cap);
  // The tolerance keeps 0.05 at 0.05 when floating point gives 500.00000000000006 buckets.
  return Math.min(1, Math.ceil(p * BUCKETS - 1e-9) / BUCKETS);
}

/**
 * Whether an automated decision is audited under the policy, and with what probability (to record
 * on the decision): the same id always gives the same answer. It uses the uniform audit's hash, so
 * a decision sampled at probability π is also sampled at any larger probability.
 */
export function uncertaintyAuditDraw(
  decisionId: string,
  prediction: AuditedPrediction,
  threshold: number,
  policy: UncertaintyAuditPolicy,
): { audit: boolean; inclusionProbability: number } {
  const inclusionProbability = auditInclusionProbability(prediction, threshold, policy);
  return { audit: hashV2(AUDIT_SEED, decisionId) < inclusionProbability, inclusionProbability };
}

/**
 * The scale that makes the expected audit rate over `uncertainties` (e.g. last week's automated
 * decisions) equal `budget`, found by bisection (the rate grows with the scale). The budget must lie
 * between the floor (scale 0) and the cap.
 *
 * @throws RangeError for an empty list, a budget outside [floor, cap], or an invalid policy
 */
export function scaleForBudget(
  uncertainties: readonly number[],
  budget: number,
  policy: Omit<UncertaintyAuditPolicy, "scale">,
): number {
  const cap = requirePolicy({ ...policy, scale: 0 });
  if (uncertainties.length === 0) throw new RangeError("scaleForBudget: no uncertainties to budget over");
  if (!(budget >= policy.floor && budget <= cap))
    throw new RangeError(
      `scaleForBudget: budget must be in [floor ${policy.floor}, cap ${cap}], got ${budget}`,
    );
  const rate = (scale: number) =>
    uncertainties.reduce((sum, u) => sum + rawProbability(u, { ...policy, scale }, cap), 0) /
    uncertainties.length;
  let lo = 0;
  let hi = 1;
  while (rate(hi) < budget && hi < 1e12) hi *= 2;
  if (rate(hi) < budget)
    throw new RangeError(
      `scaleForBudget: a budget of ${budget} cannot be reached: too many decisions have no uncertainty`,
    );
  for (let i = 0; i < 100 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (rate(mid) < budget) lo = mid;
    else hi = mid;
  }
  return hi;
}

import { hashV2 } from "./hash";

/** Seeds keep the two samples independent of each other and of arm assignment. */
export const AUDIT_SEED = "hitl-audit";
export const DOUBLE_REVIEW_SEED = "hitl-double-review";

/** Hash v2 has 10,000 buckets, so rates are honoured to 1/10,000; 0 never samples and 1 always does. */
function sampled(seed: string, decisionId: string, rate: number): boolean {
  if (!(rate > 0)) return false;
  return hashV2(seed, decisionId) < rate;
}

/** Whether an automated decision is also sent to a person for audit; the same id always gives the same answer. */
export function isAuditSample(decisionId: string, auditRate: number): boolean {
  return sampled(AUDIT_SEED, decisionId, auditRate);
}

/** Whether a held decision is reviewed independently by two reviewers (for agreement metrics). */
export function isDoubleReviewSample(decisionId: string, doubleReviewRate: number): boolean {
  return sampled(DOUBLE_REVIEW_SEED, decisionId, doubleReviewRate);
}

import type { Hold } from "../review/hold";
import type { DecisionRequest, DecisionResponse, Prediction, Route } from "./schema";

export type DecisionStatus = "automated" | "held" | "decided" | "fallback" | "withdrawn";

/** The stored decision: the request, how it was routed, and (later) its final outcome. */
export interface DecisionRecord {
  decisionId: string;
  experimentId: string;
  configVersion: number;
  unitId: string;
  arm: string;
  enrolled: boolean;
  route: Route;
  audit: boolean;
  /** Automated decisions: the probability π they had of being audited (uniform: auditRate). */
  auditInclusionProbability?: number;
  reason: string;
  status: DecisionStatus;
  queue?: string;
  reviewId?: string;
  /** The review workflow input, kept so a retried request restarts exactly the same hold. */
  hold?: Hold;
  item: DecisionRequest["item"];
  prediction: Prediction;
  /** Final outcome: the model's label when automated, the human's after review. */
  outcome?: string;
  outcomeSource?: "model" | "reviewer" | "fallback" | "ground-truth";
  outcomeAt?: string;
  /** Fingerprint of the request, so a reused decision id with another body is refused. */
  requestHash: string;
  /** When the request reached hitl-lab: the automated answer's latency is measured from it. */
  receivedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function toResponse(record: DecisionRecord): DecisionResponse {
  return {
    decisionId: record.decisionId,
    experimentId: record.experimentId,
    arm: record.arm,
    enrolled: record.enrolled,
    route: record.route,
    ...(record.route === "auto" ? { outcome: record.prediction.label } : {}),
    ...(record.reviewId && record.route === "human" ? { reviewId: record.reviewId } : {}),
    audit: record.audit,
    reason: record.reason,
    configVersion: record.configVersion,
  };
}

/** What GET /v1/decisions/{id} shows: everything but internal bookkeeping. */
export function toView(record: DecisionRecord): Omit<DecisionRecord, "requestHash"> {
  const { requestHash: _hidden, ...view } = record;
  return view;
}

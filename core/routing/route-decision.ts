import { assignArm, isEnrolling } from "../assignment/assign";
import { decisionEntity } from "../audit/entry";
import type { DecisionRecord } from "../decisions/record";
import { toResponse } from "../decisions/record";
import type { DecisionRequest, DecisionResponse } from "../decisions/schema";
import { parseDecisionRequest } from "../decisions/validate";
import { conflict, DomainError, notFound, validationFailed } from "../errors";
import type { Experiment } from "../experiments/schema";
import { predictionErrors } from "../feedback/types/validate";
import { evaluatePolicy } from "../policy/evaluate";
import type { AuditLog, DecisionStore, ExperimentStore } from "../ports";
import { buildHold, type Hold } from "../review/hold";
import { fingerprint } from "../util/fingerprint";

export interface RouteDecisionDeps {
  experiments: Pick<ExperimentStore, "get">;
  decisions: DecisionStore;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
  newId: () => string;
  /** Told each new decision's model version, to confirm deployments (core/feedback/deployment.ts); never rejects. */
  modelVersions?: { seen(modelVersion: string, decisionId: string, at: string): Promise<void> };
}

export interface RouteDecisionInput {
  /** The request body as the producer sent it (already JSON-parsed). */
  request: unknown;
  /** When the request reached hitl-lab (ISO), for latency. */
  receivedAt?: string;
  /** Who sent it, for the audit trail. */
  actor?: string;
}

export type RouteDecisionResult =
  | { ok: true; response: DecisionResponse; hold?: Hold; replayed: boolean }
  | { ok: false; error: { status: number; code: string; message: string; details?: readonly unknown[] } };

/**
 * Routes one decision: validate, assign the unit to an arm, apply the arm's policy, record it once.
 * A repeated decision id returns the first answer (and its hold, so a crashed first attempt still
 * starts its review). No metric event is sent from here: the metrics count the record's one INSERT
 * on the decisions table's stream (functions/metrics-counter), which a retry cannot repeat.
 */
export async function routeDecision(
  deps: RouteDecisionDeps,
  input: RouteDecisionInput,
): Promise<RouteDecisionResult> {
  try {
    return await route(deps, input);
  } catch (error) {
    if (error instanceof DomainError) {
      return {
        ok: false,
        error: {
          status: error.status,
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      };
    }
    throw error;
  }
}

async function route(deps: RouteDecisionDeps, input: RouteDecisionInput): Promise<RouteDecisionResult> {
  const parsed = parseDecisionRequest(input.request);
  if (!parsed.ok) throw validationFailed("decision", parsed.errors);
  const request = parsed.value;

  const experiment = await deps.experiments.get(request.experimentId);
  if (!experiment) throw notFound("experiment", request.experimentId);
  const missing = predictionErrors(experiment, request.prediction);
  if (missing.length > 0) throw validationFailed("decision", missing);

  const requestHash = fingerprint({ ...request, decisionId: undefined });
  if (!isEnrolling(experiment)) {
    // A retry of a decision routed while the experiment ran still gets its first answer.
    const existing = request.decisionId ? await deps.decisions.get(request.decisionId) : undefined;
    if (existing) return replay(existing, requestHash);
    throw conflict(
      "experiment_not_running",
      `experiment "${experiment.id}" is ${experiment.status}; only running experiments take decisions`,
    );
  }

  const now = deps.now();
  const record = decide(experiment, request, request.decisionId ?? deps.newId(), requestHash, now);
  if (input.receivedAt) record.receivedAt = input.receivedAt;
  // Create first (conditional on the id being new) rather than read first: a retry is rare, and the
  // common path then costs one write and no read.
  if ((await deps.decisions.create(record)) === "exists") {
    const first = await deps.decisions.get(record.decisionId);
    if (first) return replay(first, requestHash);
  }
  await Promise.all([
    deps.audit.append([
      {
        entity: decisionEntity(record.decisionId),
        at: record.createdAt,
        actor: input.actor ?? "producer",
        action: "created",
        detail: {
          experimentId: record.experimentId,
          unitId: record.unitId,
          configVersion: record.configVersion,
        },
      },
      {
        entity: decisionEntity(record.decisionId),
        at: record.createdAt,
        actor: "router",
        action: "routed",
        detail: { arm: record.arm, route: record.route, reason: record.reason, audit: record.audit },
      },
    ]),
    ...(deps.modelVersions && record.prediction.modelVersion
      ? [deps.modelVersions.seen(record.prediction.modelVersion, record.decisionId, record.createdAt)]
      : []),
  ]);
  return {
    ok: true,
    response: toResponse(record),
    ...(record.hold ? { hold: record.hold } : {}),
    replayed: false,
  };
}

function replay(existing: DecisionRecord, requestHash: string): RouteDecisionResult {
  if (existing.requestHash !== requestHash) {
    throw conflict(
      "decision_id_reused",
      `decisionId "${existing.decisionId}" was already used for a different request; use a new id for a new decision`,
    );
  }
  const pending = existing.status === "held" || (existing.audit && existing.status === "automated");
  return {
    ok: true,
    response: toResponse(existing),
    ...(existing.hold && pending ? { hold: existing.hold } : {}),
    replayed: true,
  };
}

function decide(
  experiment: Experiment,
  request: DecisionRequest,
  decisionId: string,
  requestHash: string,
  now: Date,
): DecisionRecord {
  const assignment = assignArm(experiment, request.unitId);
  const arm = experiment.arms.find((a) => a.id === assignment.armId);
  if (!arm) throw new Error(`experiment ${experiment.id} has no arm ${assignment.armId}`);
  const policy = evaluatePolicy(arm.policy, {
    decisionId,
    item: request.item,
    prediction: request.prediction,
  });
  const held = policy.route === "human";
  const hold =
    held || policy.audit
      ? buildHold({
          decisionId,
          experimentId: experiment.id,
          arm: arm.id,
          policy: arm.policy,
          kind: held ? "review" : "audit",
          queue: policy.queue ?? arm.policy.queue,
          doubleReview: policy.doubleReview,
          now,
        })
      : undefined;
  const at = now.toISOString();
  return {
    decisionId,
    experimentId: experiment.id,
    configVersion: experiment.version,
    unitId: request.unitId,
    arm: arm.id,
    enrolled: assignment.enrolled,
    route: policy.route,
    audit: policy.audit,
    ...(policy.auditInclusionProbability !== undefined
      ? { auditInclusionProbability: policy.auditInclusionProbability }
      : {}),
    reason: assignment.pausedArm ? `${policy.reason} (arm ${assignment.pausedArm} is paused)` : policy.reason,
    status: held ? "held" : "automated",
    ...(policy.queue ? { queue: policy.queue } : {}),
    ...(hold ? { reviewId: hold.reviewId, hold } : {}),
    item: request.item,
    prediction: request.prediction,
    ...(held ? {} : { outcome: request.prediction.label, outcomeSource: "model" as const, outcomeAt: at }),
    requestHash,
    createdAt: at,
    updatedAt: at,
  };
}

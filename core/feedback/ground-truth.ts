import { z } from "zod";
import { type AuditEntry, decisionEntity } from "../audit/entry";
import { DomainError, notFound, validationFailed } from "../errors";
import type { AuditLog, Notifier, ReviewStore } from "../ports";
import { BUDGETS, parseStorable } from "../storage/dynamodb-limits";
import type { DecisionWithGroundTruth, GroundTruth, GroundTruthStore } from "./ports";
import { type FeedbackRecord, feedbackIdFor } from "./record";

export const GroundTruthSchema = z.strictObject({
  label: z.string().min(1).max(200),
  source: z.string().min(1).max(100),
});

export interface GroundTruthDeps {
  store: GroundTruthStore;
  reviews: Pick<ReviewStore, "get">;
  audit: Pick<AuditLog, "append">;
  notify: Pick<Notifier, "feedback">;
  now: () => Date;
}

export interface GroundTruthResult {
  decisionId: string;
  groundTruth: GroundTruth;
  /** The decision's final outcome, unchanged by ground truth. */
  outcome: string;
  /** Whether the final outcome matches the ground truth. */
  outcomeCorrect: boolean;
  /** Whether the model's prediction matches the ground truth. */
  modelCorrect: boolean;
  /** The correction it produced for the model, when the prediction was wrong. */
  feedbackId?: string;
  /** True when the same ground truth was already attached (nothing changed). */
  replayed: boolean;
}

/**
 * Attaches later ground truth (a chargeback, a complaint) to a settled decision. It is stored beside
 * the outcome, never instead of it, with what it judged (so the decision implies its
 * `ground-truth.attached` event, which lets quality use it). A prediction the ground truth
 * contradicts becomes feedback (source "ground-truth"), created in the same write. The same label
 * again is answered as before (200); another label is refused (409); nothing is written on errors.
 */
export async function attachGroundTruth(
  deps: GroundTruthDeps,
  decisionId: string,
  body: unknown,
  actor: string,
): Promise<GroundTruthResult> {
  if (body === undefined)
    throw new DomainError(400, "missing_body", 'request body is empty; send { "label": ..., "source": ... }');
  const parsed = parseStorable(GroundTruthSchema, body, "request body", BUDGETS.groundTruth);
  if (!parsed.ok) throw validationFailed("ground truth", parsed.errors);
  const { label, source } = parsed.value;

  const decision = await deps.store.get(decisionId);
  if (!decision) throw notFound("decision", decisionId);
  if (decision.groundTruth) return replay(decision, decision.groundTruth, label);
  if (decision.outcome === undefined || decision.status === "held" || decision.status === "withdrawn")
    throw new DomainError(
      409,
      "decision_not_settled",
      `decision "${decisionId}" is ${decision.status}; ground truth judges a final outcome, attach it once the decision is settled`,
    );

  const at = deps.now().toISOString();
  const judged = {
    outcome: decision.outcome,
    outcomeSource:
      decision.outcomeSource === "reviewer" || decision.outcomeSource === "fallback"
        ? decision.outcomeSource
        : ("model" as const),
    audited: await audited(deps, decision),
  };
  const groundTruth: GroundTruth = { label, source, at, actor, revision: 1, judged };
  const feedback = label === decision.prediction.label ? undefined : correction(decision, groundTruth);
  const stored = await deps.store.attach(decisionId, groundTruth, feedback);
  if (stored === "conflict") {
    // Another request attached ground truth first: answer as for a repeat (or refuse another label).
    const winner = await deps.store.get(decisionId);
    if (!winner?.groundTruth) throw notFound("decision", decisionId);
    return replay(winner, winner.groundTruth, label);
  }

  const entries: AuditEntry[] = [
    {
      entity: decisionEntity(decisionId),
      at,
      actor,
      action: "ground-truth",
      detail: {
        label,
        source,
        outcome: decision.outcome,
        predicted: decision.prediction.label,
        outcomeCorrect: label === decision.outcome,
      },
    },
  ];
  if (feedback)
    entries.push({
      entity: decisionEntity(decisionId),
      at,
      actor: "ground-truth",
      action: "feedback",
      detail: {
        feedbackId: feedback.feedbackId,
        predicted: decision.prediction.label,
        human: label,
        source: "ground-truth",
      },
    });
  await Promise.all([deps.audit.append(entries), ...(feedback ? [deps.notify.feedback(feedback)] : [])]);
  return resultOf(decision, groundTruth, feedback?.feedbackId, false);
}

function replay(decision: DecisionWithGroundTruth, existing: GroundTruth, label: string): GroundTruthResult {
  if (existing.label !== label)
    throw new DomainError(
      409,
      "ground_truth_conflict",
      `decision "${decision.decisionId}" already has ground truth "${existing.label}" (from ${existing.source}); another label "${label}" is refused`,
    );
  const feedbackId =
    existing.label === decision.prediction.label
      ? undefined
      : feedbackIdFor(decision.decisionId, "ground-truth");
  return resultOf(decision, existing, feedbackId, true);
}

function correction(decision: DecisionWithGroundTruth, groundTruth: GroundTruth): FeedbackRecord {
  return {
    feedbackId: feedbackIdFor(decision.decisionId, "ground-truth"),
    decisionId: decision.decisionId,
    experimentId: decision.experimentId,
    arm: decision.arm,
    enrolled: decision.enrolled,
    item: decision.item,
    prediction: {
      label: decision.prediction.label,
      confidence: decision.prediction.confidence,
      ...(decision.prediction.modelVersion ? { modelVersion: decision.prediction.modelVersion } : {}),
    },
    humanLabel: groundTruth.label,
    reviewers: [],
    source: "ground-truth",
    groundTruthSource: groundTruth.source,
    decidedAt: groundTruth.at,
    producedAt: groundTruth.at,
  };
}

/** An automated decision counts as audited once its audit verdict is in (quality's "audited" class). */
/** Whether an automated decision's audit is in: its outcome was then set (or confirmed) by a reviewer. */
export async function audited(deps: Pick<GroundTruthDeps, "reviews">, decision: DecisionWithGroundTruth) {
  if (decision.route !== "auto" || !decision.audit) return false;
  if (decision.outcomeSource === "reviewer") return true;
  if (!decision.reviewId) return false;
  return (await deps.reviews.get(decision.reviewId))?.status === "decided";
}

function resultOf(
  decision: DecisionWithGroundTruth,
  groundTruth: GroundTruth,
  feedbackId: string | undefined,
  replayed: boolean,
): GroundTruthResult {
  const outcome = decision.outcome ?? decision.prediction.label;
  return {
    decisionId: decision.decisionId,
    groundTruth,
    outcome,
    outcomeCorrect: groundTruth.label === outcome,
    modelCorrect: groundTruth.label === decision.prediction.label,
    ...(feedbackId ? { feedbackId } : {}),
    replayed,
  };
}

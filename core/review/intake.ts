import { reviewEntity } from "../audit/entry";
import { positionsFor } from "../feedback/types/measure";
import type { AuditLog, DecisionStore, ExperimentStore, ReviewStore } from "../ports";
import type { Hold } from "./hold";
import { priorityKeyOf, type ReviewItem } from "./item";
import { priorityScore } from "./priority";

export interface IntakeDeps {
  reviews: ReviewStore;
  decisions: Pick<DecisionStore, "get">;
  experiments: Pick<ExperimentStore, "get">;
  audit: Pick<AuditLog, "append">;
  now: () => Date;
  /** A real item entered a queue with gold: it absorbs one gold claim's shadow (core/reviewers/queue-stats.ts). */
  absorbShadow?: (queue: string) => Promise<void>;
}

export interface IntakeMessage {
  taskToken: string;
  hold: Hold;
}

/**
 * Stores a held item for reviewers: one message per hold round of the review workflow. Safe to
 * receive twice (the same round is stored once) and out of order (an older round never replaces a
 * newer one).
 */
export async function storeHeldItem(deps: IntakeDeps, message: IntakeMessage): Promise<"stored" | "stale"> {
  const { hold, taskToken } = message;
  const decision = await deps.decisions.get(hold.decisionId);
  if (!decision) throw new Error(`decision ${hold.decisionId} of review ${hold.reviewId} is not stored yet`);
  const [existing, experiment] = await Promise.all([
    deps.reviews.get(hold.reviewId),
    deps.experiments.get(hold.experimentId),
  ]);
  if (existing && existing.round === hold.round && existing.taskToken === taskToken) return "stale";

  const now = deps.now();
  const at = now.toISOString();
  const priority = priorityScore({
    secondsToDeadline: (Date.parse(hold.deadline) - now.getTime()) / 1000,
    item: decision.item,
    prediction: decision.prediction,
    threshold: hold.threshold,
    audit: hold.kind === "audit",
  });
  const verdicts = existing?.verdicts ?? [];
  const tier = hold.tiers[hold.tierIndex]?.name ?? "tier-1";
  const item: ReviewItem = {
    reviewId: hold.reviewId,
    decisionId: hold.decisionId,
    experimentId: hold.experimentId,
    arm: hold.arm,
    kind: hold.kind,
    status: "pending",
    queue: hold.queue,
    pendingQueue: hold.queue,
    priority,
    priorityKey: priorityKeyOf(priority, hold.createdAt, hold.reviewId),
    tier,
    tierIndex: hold.tierIndex,
    round: hold.round,
    deadline: hold.deadline,
    taskToken,
    leaseSeconds: hold.heartbeatSeconds,
    threshold: hold.threshold,
    enqueuedAt: at,
    requiredVerdicts: hold.requiredVerdicts,
    verdicts,
    excludedReviewers:
      hold.adjudication || hold.extraReview ? [...new Set(verdicts.map((v) => v.reviewer))] : [],
    ...(hold.extraReview ? { extraReview: true } : {}),
    reasons: [...(existing?.reasons ?? [decision.reason]), ...(hold.reason ? [hold.reason] : [])],
    context: { item: decision.item, prediction: decision.prediction, routingReason: decision.reason },
    labels: experiment?.labels ?? [],
    ...(experiment?.feedback ? { feedback: experiment.feedback } : {}),
    ...(decision.prediction.candidates
      ? { positions: existing?.positions ?? positionsFor(hold.reviewId, decision.prediction.candidates) }
      : {}),
    // The history carries over; this round's queue entry is its `review.enqueued` event.
    rounds: [
      ...(existing?.rounds ?? []).filter((r) => r.round < hold.round),
      { round: hold.round, queue: hold.queue, tier, enqueuedAt: at, deadline: hold.deadline },
    ],
    escalations: existing?.escalations ?? [],
    ...(existing?.breach ? { breach: existing.breach } : {}),
    ...(existing?.releases ? { releases: existing.releases } : {}),
    ...(existing?.leaseExpiries ? { leaseExpiries: existing.leaseExpiries } : {}),
    enrolled: decision.enrolled,
    decisionCreatedAt: decision.createdAt,
    ...(decision.auditInclusionProbability !== undefined && hold.kind === "audit"
      ? { auditInclusionProbability: decision.auditInclusionProbability }
      : {}),
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
  };
  const stored = await deps.reviews.putRound(item);
  if (stored === "stale") return stored;
  if (deps.absorbShadow && experiment?.queues?.[item.queue]?.gold) await deps.absorbShadow(item.queue);

  await deps.audit.append([
    {
      entity: reviewEntity(hold.reviewId),
      at,
      actor: "review-intake",
      action: "enqueued",
      detail: { queue: item.queue, tier: item.tier, round: item.round, deadline: item.deadline, priority },
    },
  ]);
  return stored;
}

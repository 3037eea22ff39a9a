import { type AuditEntry, decisionEntity, reviewEntity } from "../audit/entry";
import { type FeedbackRecord, feedbackIdFor } from "../feedback/record";
import { generatedParts, outcomeExtras, teachesAnyway } from "../feedback/types/outcome";
import type {
  AuditLog,
  DecisionStore,
  ExperimentStore,
  FeedbackStore,
  Notifier,
  ReviewStore,
} from "../ports";
import { nextReviewStep } from "../reviewers/overlap";
import { type Hold, tierQueue } from "./hold";
import {
  type Escalation,
  type ItemOutcome,
  OUT_OF_QUEUE,
  type ReviewItem,
  type ReviewStatus,
  type SlaBreach,
  type Verdict,
} from "./item";

export interface StepDeps {
  reviews: ReviewStore;
  decisions: DecisionStore;
  experiments: Pick<ExperimentStore, "get">;
  feedback: FeedbackStore;
  audit: Pick<AuditLog, "append">;
  notify: Notifier;
  now: () => Date;
}

/** What the reviews API hands the workflow when a round has all its verdicts (SendTaskSuccess output). */
export interface RoundResult {
  verdicts: Verdict[];
}

export const ADJUDICATION_QUEUE_SUFFIX = "adjudication";

/**
 * Ends the item's current round: out of its queue, lease dropped, with the round's final status and
 * what the round adds to the item's history (its verdicts, an escalation, the breach, the outcome).
 * The verdict API also stores the verdicts, but only after SendTaskSuccess and only while the item
 * is still claimed: when this step runs first, that write is refused, so they are written here.
 *
 * A step can be retried (Step Functions retries a failed Lambda): each step reads the item first and
 * reuses what an earlier attempt recorded, so a retry writes the same history (and the same times)
 * again, which changes nothing and, on DynamoDB, emits no stream record.
 */
function closeRound(
  deps: StepDeps,
  state: Hold,
  status: ReviewStatus,
  at: string,
  history: Pick<
    Partial<ReviewItem>,
    "verdicts" | "escalations" | "breach" | "outcome" | "leaseExpiries"
  > = {},
): Promise<boolean> {
  return deps.reviews.update(
    state.reviewId,
    state.round,
    { status, updatedAt: at, ...history },
    OUT_OF_QUEUE,
  );
}

/** The item's escalations with this round's, recorded once (a retry finds it and reuses it). */
function withEscalation(
  item: ReviewItem | undefined,
  change: Omit<Escalation, "at">,
  now: string,
): { escalations: Escalation[]; at: string } {
  const escalations = item?.escalations ?? [];
  const earlier = escalations.find((e) => e.round === change.round);
  if (earlier) return { escalations, at: earlier.at };
  return { escalations: [...escalations, { ...change, at: now }], at: now };
}

/** Ends the round as escalated, with the escalation in the item's history and an audit entry saying why. */
async function recordEscalation(
  deps: StepDeps,
  state: Hold,
  item: ReviewItem | undefined,
  change: { fromTier: string; toTier: string; reason: string; cause: Escalation["cause"] },
  verdicts?: readonly Verdict[],
): Promise<string> {
  const { escalations, at } = withEscalation(
    item,
    { round: state.round, fromTier: change.fromTier, toTier: change.toTier, cause: change.cause },
    deps.now().toISOString(),
  );
  await closeRound(deps, state, "escalated", at, {
    escalations,
    ...(verdicts ? { verdicts: [...verdicts] } : {}),
  });
  await deps.audit.append([
    {
      entity: reviewEntity(state.reviewId),
      at,
      actor: "review-workflow",
      action: "escalated",
      detail: { from: change.fromTier, to: change.toTier, reason: change.reason },
    },
  ]);
  return at;
}

/** A new hold round of the same item: a new token, a new deadline, one more round. */
function nextRound(state: Hold, changes: Partial<Hold>, now: Date): Hold {
  const slaSeconds = Math.max(1, Math.round(changes.slaSeconds ?? state.slaSeconds));
  const { verdict: _v, timeout: _t, ...rest } = state as Hold & { verdict?: unknown; timeout?: unknown };
  return {
    ...rest,
    ...changes,
    slaSeconds,
    heartbeatSeconds: Math.min(state.heartbeatSeconds, slaSeconds),
    deadline: changes.deadline ?? new Date(now.getTime() + slaSeconds * 1000).toISOString(),
    round: state.round + 1,
    next: "hold",
  };
}

/** The current tier's SLA ran out: move to the next tier, or take the fallback after the last. */
export async function escalate(deps: StepDeps, state: Hold): Promise<Hold> {
  const now = deps.now();
  const from = state.tiers[state.tierIndex];
  const to = state.tiers[state.tierIndex + 1];
  if (!to || !from) return { ...nextRound(state, {}, now), round: state.round, next: "fallback" };

  const reason = `${from.name} SLA of ${from.slaSeconds} s ran out; escalated to ${to.name}`;
  const next = nextRound(
    state,
    {
      tierIndex: state.tierIndex + 1,
      queue: tierQueue(state.baseQueue, state.tiers, state.tierIndex + 1),
      slaSeconds: to.slaSeconds,
      reason,
    },
    now,
  );
  const item = await deps.reviews.get(state.reviewId);
  await recordEscalation(deps, state, item, { fromTier: from.name, toTier: to.name, reason, cause: "sla" });
  return next;
}

/**
 * No heartbeat within HeartbeatSeconds: whoever held the lease abandoned it (or nobody claimed the
 * item yet). Put it back in its queue with a new token and what is left of the same SLA deadline.
 */
export async function leaseExpired(deps: StepDeps, state: Hold): Promise<Hold> {
  const now = deps.now();
  const at = now.toISOString();
  const left = (Date.parse(state.deadline) - now.getTime()) / 1000;
  if (left < 1) return escalate(deps, state);
  const item = await deps.reviews.get(state.reviewId);
  let leaseExpiries = item?.leaseExpiries;
  if (item?.leaseHolder) {
    await deps.audit.append([
      {
        entity: reviewEntity(state.reviewId),
        at,
        actor: "review-workflow",
        action: "lease-expired",
        detail: { reviewer: item.leaseHolder, leaseUntil: item.leaseUntil },
      },
    ]);
    // A reviewer-quality fact, once per round (a retried step finds it recorded).
    if (!(leaseExpiries ?? []).some((e) => e.round === state.round))
      leaseExpiries = [...(leaseExpiries ?? []), { round: state.round, reviewer: item.leaseHolder, at }];
  }
  await closeRound(deps, state, "escalated", at, leaseExpiries ? { leaseExpiries } : {});
  return nextRound(state, { slaSeconds: left, deadline: state.deadline }, now);
}

/** After the last tier: the policy's fallback, recorded as an SLA breach (once per item). */
export async function fallback(deps: StepDeps, state: Hold): Promise<Hold> {
  const now = deps.now();
  const decision = await deps.decisions.get(state.decisionId);
  if (!decision) throw new Error(`decision ${state.decisionId} not found`);
  const item = await deps.reviews.get(state.reviewId);
  const breach: SlaBreach = item?.breach ?? {
    round: state.round,
    at: now.toISOString(),
    action: state.fallback.action,
  };
  // A retry (or a later "keep holding" period) keeps the first breach's time.
  const at = item?.breach?.round === state.round ? breach.at : now.toISOString();
  await deps.audit.append([
    {
      entity: reviewEntity(state.reviewId),
      at,
      actor: "review-workflow",
      action: "fallback",
      detail: { fallback: state.fallback, kind: state.kind },
    },
  ]);
  if (state.fallback.action === "hold") {
    // Keep waiting in the last tier's queue, one more SLA period at a time: this round's token is
    // spent, so the item leaves the queue until the next round is stored. The breach counts once.
    await closeRound(deps, state, "escalated", at, { breach });
    const last = state.tiers[state.tiers.length - 1];
    return nextRound(
      state,
      { slaSeconds: last?.slaSeconds ?? state.slaSeconds, reason: "SLA breached; still held for a person" },
      now,
    );
  }
  if (state.kind === "audit") {
    // Nobody audited it: the automated outcome stands, nothing changes for the product.
    await closeRound(deps, state, "fallback", at, { breach });
    return { ...state, next: "done" };
  }
  const label = state.fallback.action === "label" ? state.fallback.label : decision.prediction.label;
  const outcome: ItemOutcome = item?.outcome ?? { label, source: "fallback", at };
  await closeRound(deps, state, "fallback", outcome.at, { breach, outcome });
  await deps.decisions.settle(state.decisionId, {
    status: "fallback",
    outcome: outcome.label,
    outcomeSource: "fallback",
    at: outcome.at,
  });
  await Promise.all([
    deps.audit.append([
      {
        entity: decisionEntity(state.decisionId),
        at: outcome.at,
        actor: "review-workflow",
        action: "outcome",
        detail: { outcome: outcome.label, source: "fallback" },
      },
    ]),
    deps.notify.outcome({
      type: "decision.outcome",
      decisionId: state.decisionId,
      experimentId: state.experimentId,
      arm: state.arm,
      outcome: outcome.label,
      source: "fallback",
      reviewId: state.reviewId,
      at: outcome.at,
    }),
  ]);
  return { ...state, next: "done" };
}

/**
 * A round has all its verdicts. Two reviewers who disagree send the item to an adjudicator (a new
 * round that excludes them); otherwise the label becomes the outcome. An audit that finds the
 * automated outcome wrong corrects it. Every label that differs from the model is feedback.
 *
 * Three records change, one after the other: the review item (its verdicts and outcome: every
 * metric event of the settlement), the decision and the feedback record. A crash between them is
 * retried by the workflow, which finds the item's outcome and writes the same records again.
 */
export async function settle(deps: StepDeps, state: Hold & { verdict: RoundResult }): Promise<Hold> {
  const now = deps.now();
  const all = state.verdict.verdicts;
  const verdicts = all.filter((v) => v.round === state.round);
  const last = verdicts[verdicts.length - 1];
  if (!last) throw new Error(`review ${state.reviewId} settled without a verdict`);
  const decision = await deps.decisions.get(state.decisionId);
  if (!decision) throw new Error(`decision ${state.decisionId} not found`);
  const item = await deps.reviews.get(state.reviewId);

  const labels = [...new Set(verdicts.map((v) => v.label))];
  // The multi-review share: settle, add one more blind review, or adjudicate (core/reviewers/overlap.ts).
  const multi = state.doubleReview && !state.adjudication && (state.reviewsPerItem ?? 0) >= 2;
  const step = multi
    ? nextReviewStep(
        all.filter((v) => !v.adjudication).map((v) => v.label),
        { reviewsPerItem: state.reviewsPerItem ?? 2, maxReviewsPerItem: state.maxReviewsPerItem },
      )
    : undefined;
  if (step?.step === "add-review") {
    const at = item?.rounds?.find((r) => r.round === state.round + 1)?.enqueuedAt ?? now.toISOString();
    await closeRound(deps, state, "escalated", at, { verdicts: [...all] });
    return nextRound(
      state,
      {
        requiredVerdicts: 1,
        extraReview: true,
        reason: `reviewers disagreed (${all.filter((v) => !v.adjudication).length} blind reviews); one more blind review`,
      },
      now,
    );
  }
  const disagreed = step ? step.step === "adjudicate" : state.requiredVerdicts >= 2 && labels.length > 1;
  if (disagreed) {
    const adjudicationTier = Math.min(state.tierIndex + 1, state.tiers.length - 1);
    const reason = `reviewers disagreed (${verdicts.map((v) => `${v.reviewer}: ${v.label}`).join(", ")}); adjudication needed`;
    await recordEscalation(
      deps,
      state,
      item,
      {
        fromTier: state.tiers[state.tierIndex]?.name ?? "tier-1",
        toTier: ADJUDICATION_QUEUE_SUFFIX,
        reason,
        cause: "disagreement",
      },
      all,
    );
    return nextRound(
      state,
      {
        tierIndex: adjudicationTier,
        queue: `${state.baseQueue}.${ADJUDICATION_QUEUE_SUFFIX}`,
        slaSeconds: state.tiers[adjudicationTier]?.slaSeconds ?? state.slaSeconds,
        requiredVerdicts: 1,
        adjudication: true,
        extraReview: false,
        reason,
      },
      now,
    );
  }

  const settled: ItemOutcome = item?.outcome ?? {
    // A multi-review settles on its majority (unanimous blind reviews, or a majority with extras).
    label: step?.step === "settle" ? step.label : last.label,
    source: "reviewer",
    at: now.toISOString(),
    ...(last.feedback ? { feedback: last.feedback } : {}),
  };
  const { label: outcome, at } = settled;
  await closeRound(deps, state, "decided", at, { verdicts: [...all], outcome: settled });

  const work: Promise<unknown>[] = [];
  const previous = decision.outcome;
  const changed = state.kind === "audit" ? outcome !== previous : true;
  if (state.kind === "review") {
    await deps.decisions.settle(state.decisionId, {
      status: "decided",
      outcome,
      outcomeSource: "reviewer",
      at,
    });
  } else if (changed) {
    await deps.decisions.settle(state.decisionId, {
      status: "automated",
      outcome,
      outcomeSource: "reviewer",
      at,
    });
  }
  if (changed) {
    work.push(
      deps.notify.outcome({
        type: state.kind === "audit" ? "decision.outcome-changed" : "decision.outcome",
        decisionId: state.decisionId,
        experimentId: state.experimentId,
        arm: state.arm,
        outcome,
        ...(state.kind === "audit" && previous ? { previousOutcome: previous } : {}),
        source: "reviewer",
        reviewId: state.reviewId,
        at,
        ...outcomeExtras(decision.prediction, settled.feedback),
      }),
    );
  }
  const entries: AuditEntry[] = [
    {
      entity: decisionEntity(state.decisionId),
      at,
      actor: last.reviewer,
      action: "outcome",
      detail: {
        outcome,
        source: "reviewer",
        kind: state.kind,
        ...(state.kind === "audit" ? { corrected: changed } : {}),
      },
    },
  ];
  if (outcome !== decision.prediction.label || teachesAnyway(settled.feedback)) {
    const feedback: FeedbackRecord = {
      feedbackId: feedbackIdFor(state.decisionId, state.kind),
      decisionId: state.decisionId,
      experimentId: state.experimentId,
      arm: state.arm,
      enrolled: decision.enrolled,
      item: decision.item,
      prediction: {
        label: decision.prediction.label,
        confidence: decision.prediction.confidence,
        ...(decision.prediction.modelVersion ? { modelVersion: decision.prediction.modelVersion } : {}),
        ...generatedParts(decision.prediction),
      },
      humanLabel: outcome,
      ...(settled.feedback ? { feedback: settled.feedback } : {}),
      reviewers: [...new Set(verdicts.map((v) => v.reviewer))],
      agreement: { verdicts: all.length, agreeing: all.filter((v) => v.label === outcome).length },
      source: state.kind,
      decidedAt: last.at,
      producedAt: at,
    };
    await deps.feedback.put(feedback);
    work.push(deps.notify.feedback(feedback));
    entries.push({
      entity: decisionEntity(state.decisionId),
      at,
      actor: "review-workflow",
      action: "feedback",
      detail: {
        feedbackId: feedback.feedbackId,
        predicted: decision.prediction.label,
        human: outcome,
        source: "reviewer",
        kind: state.kind,
      },
    });
  }
  work.push(deps.audit.append(entries));
  await Promise.all(work);
  return { ...state, next: "done" };
}

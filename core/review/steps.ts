import { type AuditEntry, decisionEntity, reviewEntity } from "../audit/entry";
import type { DecisionRecord } from "../decisions/record";
import { type FeedbackRecord, feedbackIdFor } from "../feedback/record";
import type { MetricEvent } from "../metrics/events";
import type {
  AuditLog,
  DecisionStore,
  EventPublisher,
  ExperimentStore,
  FeedbackStore,
  Notifier,
  ReviewStore,
} from "../ports";
import { type Hold, tierQueue } from "./hold";
import { OUT_OF_QUEUE, type ReviewStatus, type Verdict } from "./item";

export interface StepDeps {
  reviews: ReviewStore;
  decisions: DecisionStore;
  experiments: Pick<ExperimentStore, "get">;
  feedback: FeedbackStore;
  audit: Pick<AuditLog, "append">;
  events: EventPublisher;
  notify: Notifier;
  now: () => Date;
}

/** What the reviews API hands the workflow when a round has all its verdicts (SendTaskSuccess output). */
export interface RoundResult {
  verdicts: Verdict[];
}

export const ADJUDICATION_QUEUE_SUFFIX = "adjudication";

/**
 * Ends the item's current round: out of its queue, lease dropped, with the round's final status and,
 * when the round ended on verdicts, all of them. The verdict API also stores them, but only after
 * SendTaskSuccess and only while the item is still claimed: when this step runs first, that write
 * is refused, so the verdicts must be written here.
 */
function closeRound(
  deps: StepDeps,
  state: Hold,
  status: ReviewStatus,
  at: string,
  verdicts?: readonly Verdict[],
): Promise<boolean> {
  return deps.reviews.update(
    state.reviewId,
    state.round,
    { status, updatedAt: at, ...(verdicts ? { verdicts: [...verdicts] } : {}) },
    OUT_OF_QUEUE,
  );
}

/** Ends the round as escalated: out of its queue, with an audit entry and a metric event saying why. */
async function recordEscalation(
  deps: StepDeps,
  state: Hold,
  decision: DecisionRecord | undefined,
  at: string,
  change: { fromTier: string; toTier: string; reason: string; cause: "sla" | "disagreement" },
  verdicts?: readonly Verdict[],
): Promise<void> {
  await closeRound(deps, state, "escalated", at, verdicts);
  await Promise.all([
    deps.audit.append([
      {
        entity: reviewEntity(state.reviewId),
        at,
        actor: "review-workflow",
        action: "escalated",
        detail: { from: change.fromTier, to: change.toTier, reason: change.reason },
      },
    ]),
    deps.events.publish([
      {
        type: "review.escalated",
        id: `review.escalated:${state.reviewId}:${state.round}`,
        ...base(state, decision, at),
        reviewId: state.reviewId,
        fromTier: change.fromTier,
        toTier: change.toTier,
        reason: change.cause,
      },
    ]),
  ]);
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

function base(state: Hold, decision: DecisionRecord | undefined, at: string) {
  return { at, experimentId: state.experimentId, arm: state.arm, enrolled: decision?.enrolled ?? false };
}

/** The current tier's SLA ran out: move to the next tier, or take the fallback after the last. */
export async function escalate(deps: StepDeps, state: Hold): Promise<Hold> {
  const now = deps.now();
  const at = now.toISOString();
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
  const decision = await deps.decisions.get(state.decisionId);
  await recordEscalation(deps, state, decision, at, {
    fromTier: from.name,
    toTier: to.name,
    reason,
    cause: "sla",
  });
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
  }
  await closeRound(deps, state, "escalated", at);
  return nextRound(state, { slaSeconds: left, deadline: state.deadline }, now);
}

/** After the last tier: the policy's fallback, recorded as an SLA breach. */
export async function fallback(deps: StepDeps, state: Hold): Promise<Hold> {
  const now = deps.now();
  const at = now.toISOString();
  const decision = await deps.decisions.get(state.decisionId);
  if (!decision) throw new Error(`decision ${state.decisionId} not found`);
  const breach: MetricEvent = {
    type: "review.fallback",
    id: `review.fallback:${state.reviewId}:${state.round}`,
    ...base(state, decision, at),
    reviewId: state.reviewId,
    decisionId: state.decisionId,
    action: state.fallback.action,
  };
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
    // Keep waiting in the last tier's queue, one more SLA period at a time; the breach counts once.
    await deps.events.publish(state.round === 1 || !state.reason?.startsWith("SLA breached") ? [breach] : []);
    const last = state.tiers[state.tiers.length - 1];
    return nextRound(
      state,
      { slaSeconds: last?.slaSeconds ?? state.slaSeconds, reason: "SLA breached; still held for a person" },
      now,
    );
  }
  await closeRound(deps, state, "fallback", at);
  if (state.kind === "audit") {
    // Nobody audited it: the automated outcome stands, nothing changes for the product.
    await deps.events.publish([breach]);
    return { ...state, next: "done" };
  }
  const outcome = state.fallback.action === "label" ? state.fallback.label : decision.prediction.label;
  await deps.decisions.settle(state.decisionId, {
    status: "fallback",
    outcome,
    outcomeSource: "fallback",
    at,
  });
  await Promise.all([
    deps.audit.append([
      {
        entity: decisionEntity(state.decisionId),
        at,
        actor: "review-workflow",
        action: "outcome",
        detail: { outcome, source: "fallback" },
      },
    ]),
    deps.notify.outcome({
      type: "decision.outcome",
      decisionId: state.decisionId,
      experimentId: state.experimentId,
      arm: state.arm,
      outcome,
      source: "fallback",
      reviewId: state.reviewId,
      at,
    }),
    deps.events.publish([breach, outcomeEvent(state, decision, outcome, "fallback", at)]),
  ]);
  return { ...state, next: "done" };
}

function outcomeEvent(
  state: Hold,
  decision: DecisionRecord,
  outcome: string,
  source: "reviewer" | "fallback",
  at: string,
  extra: { audited?: boolean; pair?: [string, string] } = {},
): MetricEvent {
  return {
    type: "decision.outcome",
    id: `decision.outcome:${state.decisionId}:${state.kind}`,
    ...base(state, decision, at),
    decisionId: state.decisionId,
    route: decision.route,
    source,
    outcome,
    predictedLabel: decision.prediction.label,
    correct: outcome === decision.prediction.label,
    latencyMs: Math.max(0, Date.parse(at) - Date.parse(decision.createdAt)),
    ...extra,
  };
}

/**
 * A round has all its verdicts. Two reviewers who disagree send the item to an adjudicator (a new
 * round that excludes them); otherwise the label becomes the outcome. An audit that finds the
 * automated outcome wrong corrects it. Every label that differs from the model is feedback.
 */
export async function settle(deps: StepDeps, state: Hold & { verdict: RoundResult }): Promise<Hold> {
  const now = deps.now();
  const at = now.toISOString();
  const all = state.verdict.verdicts;
  const verdicts = all.filter((v) => v.round === state.round);
  const last = verdicts[verdicts.length - 1];
  if (!last) throw new Error(`review ${state.reviewId} settled without a verdict`);
  const decision = await deps.decisions.get(state.decisionId);
  if (!decision) throw new Error(`decision ${state.decisionId} not found`);

  const labels = [...new Set(verdicts.map((v) => v.label))];
  if (state.requiredVerdicts >= 2 && labels.length > 1) {
    const adjudicationTier = Math.min(state.tierIndex + 1, state.tiers.length - 1);
    const reason = `reviewers disagreed (${verdicts.map((v) => `${v.reviewer}: ${v.label}`).join(", ")}); adjudication needed`;
    await recordEscalation(
      deps,
      state,
      decision,
      at,
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
        reason,
      },
      now,
    );
  }

  const outcome = last.label;
  // The independent pair of a double review, from whichever round had two verdicts.
  const rounds = Map.groupBy(all, (v) => v.round);
  const doubled = [...rounds.values()].find((round) => round.length >= 2);
  const pair =
    doubled?.[0] && doubled[1] ? ([doubled[0].label, doubled[1].label] as [string, string]) : undefined;
  await closeRound(deps, state, "decided", at, all);

  const events: MetricEvent[] = [];
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
    events.push(outcomeEvent(state, decision, outcome, "reviewer", at, pair ? { pair } : {}));
  } else {
    if (changed)
      await deps.decisions.settle(state.decisionId, {
        status: "automated",
        outcome,
        outcomeSource: "reviewer",
        at,
      });
    events.push(outcomeEvent(state, decision, outcome, "reviewer", at, { audited: true }));
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
  if (outcome !== decision.prediction.label) {
    const feedback: FeedbackRecord = {
      feedbackId: feedbackIdFor(state.decisionId, state.kind),
      decisionId: state.decisionId,
      experimentId: state.experimentId,
      arm: state.arm,
      item: decision.item,
      prediction: {
        label: decision.prediction.label,
        confidence: decision.prediction.confidence,
        ...(decision.prediction.modelVersion ? { modelVersion: decision.prediction.modelVersion } : {}),
      },
      humanLabel: outcome,
      reviewers: [...new Set(verdicts.map((v) => v.reviewer))],
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
    events.push({
      type: "feedback.produced",
      id: `feedback.produced:${feedback.feedbackId}`,
      ...base(state, decision, at),
      feedbackId: feedback.feedbackId,
      decisionId: state.decisionId,
    });
  }
  work.push(deps.audit.append(entries), deps.events.publish(events));
  await Promise.all(work);
  return { ...state, next: "done" };
}

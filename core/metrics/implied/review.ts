import { feedbackGivenEvent } from "../../feedback/types/events";
import type { Escalation, HoldRound, ItemOutcome, ReviewItem, SlaBreach, Verdict } from "../../review/item";
import { blindVerdicts } from "../../reviewers/facts";
import type {
  DecisionOutcomeEvent,
  MetricEvent,
  ReviewEnqueuedEvent,
  ReviewEscalatedEvent,
  ReviewFallbackEvent,
  ReviewVerdictEvent,
} from "../events";

/**
 * The events a review item implies, from its history alone: each hold round that entered a queue,
 * each verdict, each escalation, the SLA breach and the outcome it settled. The first entry of an
 * id wins, so a history entry written twice (a retried step) still implies one event.
 */
export function reviewEvents(item: ReviewItem): MetricEvent[] {
  const events: MetricEvent[] = [];
  const seen = new Set<string>();
  const push = (event: MetricEvent) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    events.push(event);
  };
  const enqueuedAt = new Map<number, string>();
  for (const round of item.rounds ?? []) {
    if (!enqueuedAt.has(round.round)) enqueuedAt.set(round.round, round.enqueuedAt);
    push(enqueued(item, round));
  }
  for (const verdict of item.verdicts) push(verdictEvent(item, verdict, enqueuedAt.get(verdict.round)));
  for (const escalation of item.escalations ?? []) push(escalated(item, escalation));
  if (item.breach) push(breached(item, item.breach));
  if (item.outcome) push(outcomeEvent(item, item.outcome));
  const given = feedbackGivenEvent(item);
  if (given) push(given);
  return events;
}

const base = (item: ReviewItem, at: string) => ({
  at,
  experimentId: item.experimentId,
  arm: item.arm,
  enrolled: item.enrolled ?? false,
});

function enqueued(item: ReviewItem, round: HoldRound): ReviewEnqueuedEvent {
  return {
    ...base(item, round.enqueuedAt),
    type: "review.enqueued",
    id: `review.enqueued:${item.reviewId}:${round.round}`,
    reviewId: item.reviewId,
    kind: item.kind,
    queue: round.queue,
    tier: round.tier,
    round: round.round,
  };
}

export const verdictEventId = (reviewId: string, round: number, reviewer: string) =>
  `review.verdict:${reviewId}:${round}:${reviewer}`;

/** Time in queue runs from the round's queue entry to the reviewer's claim. */
function verdictEvent(
  item: ReviewItem,
  verdict: Verdict,
  enqueuedAt: string | undefined,
): ReviewVerdictEvent {
  const claimed = Date.parse(verdict.claimedAt ?? verdict.at);
  const queueSeconds = enqueuedAt ? Math.max(0, (claimed - Date.parse(enqueuedAt)) / 1000) : 0;
  const price = verdict.price ?? { hourlyRateUsd: 0 };
  return {
    ...base(item, verdict.at),
    type: "review.verdict",
    id: verdictEventId(item.reviewId, verdict.round, verdict.reviewer),
    reviewId: item.reviewId,
    decisionId: item.decisionId,
    kind: item.kind,
    reviewer: verdict.reviewer,
    label: verdict.label,
    predictedLabel: item.context.prediction.label,
    tier: verdict.tier,
    handlingSeconds: verdict.handlingSeconds,
    queueSeconds: Number.isFinite(queueSeconds) ? queueSeconds : 0,
    hourlyRateUsd: price.hourlyRateUsd,
    ...(price.perReviewUsd !== undefined ? { perReviewUsd: price.perReviewUsd } : {}),
  };
}

function escalated(item: ReviewItem, e: Escalation): ReviewEscalatedEvent {
  return {
    ...base(item, e.at),
    type: "review.escalated",
    id: `review.escalated:${item.reviewId}:${e.round}`,
    reviewId: item.reviewId,
    fromTier: e.fromTier,
    toTier: e.toTier,
    reason: e.cause,
  };
}

function breached(item: ReviewItem, breach: SlaBreach): ReviewFallbackEvent {
  return {
    ...base(item, breach.at),
    type: "review.fallback",
    id: `review.fallback:${item.reviewId}:${breach.round}`,
    reviewId: item.reviewId,
    decisionId: item.decisionId,
    action: breach.action,
  };
}

function outcomeEvent(item: ReviewItem, outcome: ItemOutcome): DecisionOutcomeEvent {
  const predicted = item.context.prediction.label;
  const audited = item.kind === "audit" && outcome.source === "reviewer";
  const byReviewer = item.kind === "review" && outcome.source === "reviewer";
  const pair = byReviewer ? pairOf(item.verdicts) : undefined;
  const blind = byReviewer ? blindVerdicts(item.verdicts) : [];
  const profile: Record<string, number> = {};
  for (const v of blind) profile[v.label] = (profile[v.label] ?? 0) + 1;
  const profileQueue = item.rounds?.find((r) => r.round === blind[0]?.round)?.queue ?? item.queue;
  const created = Date.parse(item.decisionCreatedAt ?? item.createdAt);
  return {
    ...base(item, outcome.at),
    type: "decision.outcome",
    id: `decision.outcome:${item.decisionId}:${item.kind}`,
    decisionId: item.decisionId,
    route: item.kind === "audit" ? "auto" : "human",
    source: outcome.source,
    outcome: outcome.label,
    predictedLabel: predicted,
    correct: outcome.label === predicted,
    latencyMs: Math.max(0, Date.parse(outcome.at) - created) || 0,
    ...(audited ? { audited } : {}),
    ...(pair ? { pair } : {}),
    ...(outcome.source === "reviewer" && Number.isFinite(item.context.prediction.confidence)
      ? { confidence: item.context.prediction.confidence }
      : {}),
    ...(audited && item.auditInclusionProbability !== undefined
      ? { inclusionProbability: item.auditInclusionProbability }
      : {}),
    ...(blind.length >= 2 ? { profile, profileQueue } : {}),
  };
}

/** The two independent labels of a double review: the first round with two non-adjudication verdicts. */
export function pairOf(verdicts: readonly Verdict[]): [string, string] | undefined {
  const byRound = Map.groupBy(
    verdicts.filter((v) => !v.adjudication),
    (v) => v.round,
  );
  for (const round of [...byRound.keys()].sort((a, b) => a - b)) {
    const [a, b] = byRound.get(round) ?? [];
    if (a && b) return [a.label, b.label];
  }
  return undefined;
}

import { tierPrice } from "../cost/human";
import type { DecisionRecord } from "../decisions/record";
import type { Experiment } from "../experiments/schema";
import type { FeedbackRecord } from "../feedback/record";
import type { ReviewItem, Verdict } from "../review/item";
import { aggregate, unitKeyOf } from "./aggregate";
import { feedbackAcknowledgedEvent, routedEvent, verdictEvent } from "./builders";
import { addCounters, C, type Counters, P } from "./counters";
import type { DecisionOutcomeEvent, MetricEvent } from "./events";
import type { CounterRow } from "./read";

/**
 * Recomputes counters from the stored records (decisions, review items, feedback), with the same
 * names and the same aggregation as the live pipeline: records → the events they imply → `aggregate`.
 * Comparing the result with the live counters proves (or disproves) exactly-once counting.
 */
export interface RebuildInput {
  decisions: readonly DecisionRecord[];
  reviews: readonly ReviewItem[];
  feedback: readonly FeedbackRecord[];
  /** The experiment as it was at a config version (tier prices of verdicts). */
  experimentVersion: (version: number) => Experiment | undefined;
}

/** Counters the records do not determine, with the reason; the rebuild leaves them out. */
export const NOT_REBUILDABLE: readonly { name: string; prefix: boolean; reason: string }[] = [
  {
    name: P.autoLatency,
    prefix: true,
    reason: "decisions routed before receivedAt was stored do not keep the request's receipt time",
  },
  { name: C.queueMs, prefix: false, reason: "a round's queue entry time is not kept once the round ends" },
  {
    name: C.auditQueueMs,
    prefix: false,
    reason: "a round's queue entry time is not kept once the round ends",
  },
  { name: C.escalations, prefix: false, reason: "the review item keeps only its current tier" },
  { name: C.slaBreaches, prefix: false, reason: "a 'keep holding' fallback leaves the records unchanged" },
  { name: C.events, prefix: false, reason: "it also counts the events above" },
  { name: P.gt, prefix: true, reason: "ground truth is not stored on decision records yet" },
  { name: P.gtCorrect, prefix: true, reason: "ground truth is not stored on decision records yet" },
];

export function isRebuildable(counter: string): boolean {
  return !NOT_REBUILDABLE.some((n) => (n.prefix ? counter.startsWith(n.name) : counter === n.name));
}

function outcome(
  d: DecisionRecord,
  kind: "review" | "audit",
  source: "reviewer" | "fallback",
  label: string,
  at: string,
  extra: { audited?: boolean; pair?: [string, string] },
): DecisionOutcomeEvent {
  return {
    type: "decision.outcome",
    id: `decision.outcome:${d.decisionId}:${kind}`,
    at,
    experimentId: d.experimentId,
    arm: d.arm,
    enrolled: d.enrolled,
    decisionId: d.decisionId,
    route: d.route,
    source,
    outcome: label,
    predictedLabel: d.prediction.label,
    correct: label === d.prediction.label,
    latencyMs: Math.max(0, Date.parse(at) - Date.parse(d.createdAt)),
    ...extra,
  };
}

/** Verdicts grouped by round, in round order. */
function rounds(verdicts: readonly Verdict[]): Verdict[][] {
  const byRound = new Map<number, Verdict[]>();
  for (const v of verdicts) byRound.set(v.round, [...(byRound.get(v.round) ?? []), v]);
  return [...byRound.entries()].sort(([a], [b]) => a - b).map(([, vs]) => vs);
}

/** The two independent labels of a double review: the first round with two non-adjudication verdicts. */
function pairOf(item: ReviewItem): [string, string] | undefined {
  for (const vs of rounds(item.verdicts)) {
    const independent = vs.filter((v) => !v.adjudication);
    if (independent.length >= 2 && independent[0] && independent[1])
      return [independent[0].label, independent[1].label];
  }
  return undefined;
}

/** The metric events the records imply (the ones the records determine). */
export function rebuildEvents(input: RebuildInput): MetricEvent[] {
  const reviews = new Map(input.reviews.map((r) => [r.reviewId, r]));
  const decisions = new Map(input.decisions.map((d) => [d.decisionId, d]));
  const events: MetricEvent[] = [];
  for (const d of input.decisions) {
    events.push(routedEvent(d, { latency: false }));
    const item = d.reviewId ? reviews.get(d.reviewId) : undefined;
    const base = { at: d.createdAt, experimentId: d.experimentId, arm: d.arm, enrolled: d.enrolled };
    if (d.route === "human" && d.outcomeAt && d.outcome !== undefined) {
      const pair = item ? pairOf(item) : undefined;
      if (d.status === "decided")
        events.push(outcome(d, "review", "reviewer", d.outcome, d.outcomeAt, pair ? { pair } : {}));
      if (d.status === "fallback") events.push(outcome(d, "review", "fallback", d.outcome, d.outcomeAt, {}));
    }
    if (!item) continue;
    for (let round = 1; round <= item.round; round++) {
      events.push({
        ...base,
        type: "review.enqueued",
        id: `review.enqueued:${item.reviewId}:${round}`,
        reviewId: item.reviewId,
        kind: item.kind,
        queue: item.queue,
        tier: item.tier,
        round,
      });
    }
    const arm = input.experimentVersion(d.configVersion)?.arms.find((a) => a.id === d.arm);
    for (const verdict of item.verdicts) {
      const price = arm ? tierPrice(arm.policy, verdict.tier) : { hourlyRateUsd: 0 };
      events.push(verdictEvent({ item, verdict, decision: d, price, queueSeconds: 0 }));
    }
    for (const vs of rounds(item.verdicts)) {
      if (vs.length >= 2 && new Set(vs.map((v) => v.label)).size > 1) {
        events.push({
          ...base,
          type: "review.escalated",
          id: `review.escalated:${item.reviewId}:${vs[0]?.round ?? 0}`,
          reviewId: item.reviewId,
          fromTier: item.tier,
          toTier: "adjudication",
          reason: "disagreement",
        });
      }
    }
    const last = item.verdicts[item.verdicts.length - 1];
    if (item.kind === "audit" && item.status === "decided" && last)
      events.push(outcome(d, "audit", "reviewer", last.label, item.updatedAt, { audited: true }));
    if (item.kind === "audit" && item.status === "fallback") {
      events.push({
        ...base,
        type: "review.fallback",
        id: `review.fallback:${item.reviewId}:${item.round}`,
        reviewId: item.reviewId,
        decisionId: d.decisionId,
        action: "model",
      });
    }
  }
  for (const f of input.feedback) {
    const enrolled = decisions.get(f.decisionId)?.enrolled ?? false;
    events.push({
      type: "feedback.produced",
      id: `feedback.produced:${f.feedbackId}`,
      at: f.producedAt,
      experimentId: f.experimentId,
      arm: f.arm,
      enrolled,
      feedbackId: f.feedbackId,
      decisionId: f.decisionId,
    });
    for (const ack of f.acks ?? [])
      events.push(
        feedbackAcknowledgedEvent({
          record: f,
          enrolled,
          stage: ack.stage,
          modelVersion: ack.modelVersion,
          at: ack.at,
        }),
      );
  }
  return events;
}

/** Only the counters the records determine. */
function rebuildableOnly(counters: Counters): Counters {
  return Object.fromEntries(Object.entries(counters).filter(([name]) => isRebuildable(name)));
}

/** Whole-run counters per arm, recomputed from the records. */
export function rebuildCounters(input: RebuildInput): Map<string, Counters> {
  const events = rebuildEvents(input).sort((a, b) => a.at.localeCompare(b.at));
  const seen = new Set<string>();
  const firstSeenUnits = new Set<string>();
  for (const event of events) {
    const unit = unitKeyOf(event);
    if (unit && !seen.has(unit)) {
      seen.add(unit);
      firstSeenUnits.add(event.id);
    }
  }
  const byArm = new Map<string, Counters>();
  for (const delta of aggregate(events, () => 0, 1, { firstSeenUnits })) {
    const into = byArm.get(delta.key.arm) ?? {};
    byArm.set(delta.key.arm, addCounters(into, rebuildableOnly(delta.counters)));
  }
  return byArm;
}

/** Live rows folded the same way: whole run, per arm, rebuildable counters only. */
export function liveCounters(rows: readonly CounterRow[]): Map<string, Counters> {
  const byArm = new Map<string, Counters>();
  for (const row of rows) {
    const into = byArm.get(row.arm) ?? {};
    byArm.set(row.arm, addCounters(into, rebuildableOnly(row.counters)));
  }
  return byArm;
}

export interface CounterDifference {
  arm: string;
  counter: string;
  live: number;
  rebuilt: number;
  /** live − rebuilt: positive = counted more than the records justify. */
  diff: number;
}

export function diffCounters(
  live: ReadonlyMap<string, Counters>,
  rebuilt: ReadonlyMap<string, Counters>,
): CounterDifference[] {
  const out: CounterDifference[] = [];
  for (const arm of [...new Set([...live.keys(), ...rebuilt.keys()])].sort()) {
    const l = live.get(arm) ?? {};
    const r = rebuilt.get(arm) ?? {};
    for (const counter of [...new Set([...Object.keys(l), ...Object.keys(r)])].sort()) {
      const a = l[counter] ?? 0;
      const b = r[counter] ?? 0;
      if (a !== b) out.push({ arm, counter, live: a, rebuilt: b, diff: a - b });
    }
  }
  return out;
}

import { fnv1a32 } from "../assignment/hash";
import { reviewCostUsd } from "../cost/human";
import { signalCounters, typedFeedbackCounters } from "../feedback/types/counters";
import { profileCounter } from "../reviewers/counters";
import { outcomeAuditCounters, routedAuditCounters } from "./audit-counters";
import {
  C,
  type Counters,
  closurePrefix,
  encodePart,
  type GroundTruthClass,
  hourOf,
  P,
  pairCounter,
  toMs,
  toNano,
} from "./counters";
import type { GroundTruthAttachedEvent, MetricEvent } from "./events";
import { bucketCounter } from "./histogram";

/** One counter item: an experiment's arm in one UTC hour, in one shard. */
export interface CounterKey {
  experimentId: string;
  arm: string;
  /** ISO hour bucket, e.g. "2026-11-25T12". */
  hour: string;
  shard: number;
}

export interface CounterDelta {
  key: CounterKey;
  counters: Counters;
}

export interface AggregateOptions {
  /** Ids of `decision.routed` events whose (experiment, arm, unit) was seen for the first time. */
  firstSeenUnits?: ReadonlySet<string>;
}

export const DEFAULT_SHARDS = 4;

/** The shard an event's counters go to: spreads one hot (experiment, arm, hour) over `shards` items. */
export function shardFor(eventId: string, shards: number): number {
  return fnv1a32(eventId) % shards;
}

/** Identity of a counter key, for maps. */
export function keyId(key: CounterKey): string {
  return `${key.experimentId}\u0000${key.shard}\u0000${key.hour}\u0000${key.arm}`;
}

/** The (experiment, arm, unit) whose first sighting counts a distinct enrolled unit, or undefined. */
export function unitKeyOf(event: MetricEvent): string | undefined {
  if (event.type !== "decision.routed" || !event.enrolled) return undefined;
  return `${event.experimentId}#${event.arm}#${event.unitId}`;
}

/** Unit key → id of the first event of the batch that routed a decision for that unit. */
export function firstEventPerUnit(events: readonly MetricEvent[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const event of events) {
    const unit = unitKeyOf(event);
    if (unit && !first.has(unit)) first.set(unit, event.id);
  }
  return first;
}

/** Audit review ids start with "au-" (see reviewIdFor in core/review/hold.ts). */
const isAuditReview = (reviewId: string) => reviewId.startsWith("au-");

export function groundTruthClass(event: GroundTruthAttachedEvent): GroundTruthClass {
  if (event.route === "auto") return event.audited ? "audited" : "auto";
  return event.outcomeSource === "fallback" ? "fallback" : "human";
}

/** What one event adds to its counter item. */
export function countersOf(event: MetricEvent, options: AggregateOptions = {}): Counters {
  const out: Counters = { [C.events]: 1 };
  const add = (name: string, value = 1) => {
    if (value !== 0) out[name] = (out[name] ?? 0) + value;
  };
  switch (event.type) {
    case "decision.routed":
      add(C.decisions);
      if (event.enrolled) add(C.enrolledDecisions);
      if (options.firstSeenUnits?.has(event.id)) add(C.units);
      add(event.route === "auto" ? C.auto : C.human);
      if (event.audit) add(C.audit);
      add(C.modelCostNanoUsd, toNano(event.modelCostUsd));
      if (event.modelCostUsd === 0 && event.modelVersion)
        add(`${P.unpriced}${encodePart(event.modelVersion)}`);
      if (event.route === "auto" && event.latencyMs !== undefined)
        add(bucketCounter(P.autoLatency, event.latencyMs));
      routedAuditCounters(event, add);
      break;
    case "review.enqueued":
      add(event.kind === "audit" ? C.auditEnqueued : C.enqueued);
      break;
    case "review.escalated":
      add(event.reason === "sla" ? C.escalations : C.disagreements);
      break;
    case "review.verdict":
      if (event.kind === "audit") {
        add(C.auditVerdicts);
        add(C.auditQueueMs, toMs(event.queueSeconds));
      } else {
        add(C.verdicts);
        if (event.label !== event.predictedLabel) add(C.overrides);
        add(C.queueMs, toMs(event.queueSeconds));
      }
      add(C.handlingMs, toMs(event.handlingSeconds));
      add(
        C.humanCostNanoUsd,
        toNano(
          reviewCostUsd(event.handlingSeconds, {
            hourlyRateUsd: event.hourlyRateUsd,
            ...(event.perReviewUsd !== undefined ? { perReviewUsd: event.perReviewUsd } : {}),
          }),
        ),
      );
      break;
    case "review.fallback":
      add(isAuditReview(event.reviewId) ? C.auditBreaches : C.slaBreaches);
      break;
    case "decision.outcome":
      // A ground-truth outcome is counted by its ground-truth.attached event, not twice.
      if (event.source === "ground-truth") break;
      if (event.audited) {
        add(C.auditedCount);
        if (event.correct) add(C.auditedCorrect);
        else {
          // The audit corrected an automated answer: how long the wrong answer stood.
          add(C.correctionMs, Math.round(event.latencyMs));
          add(bucketCounter(P.correctionLatency, event.latencyMs));
        }
      } else if (event.source === "reviewer") {
        add(C.humanOutcomes);
        if (event.correct) add(C.humanModelCorrect);
        add(bucketCounter(P.humanLatency, event.latencyMs));
      } else if (event.source === "fallback") {
        add(C.fallbackOutcomes);
        if (event.correct) add(C.fallbackModelCorrect);
        add(bucketCounter(P.humanLatency, event.latencyMs));
      } else add(C.modelOutcomes);
      outcomeAuditCounters(event, add);
      if (event.pair) {
        const [a, b] = event.pair;
        add(C.pairTotal);
        if (a === b) add(C.pairAgree);
        add(pairCounter(a, b));
      }
      // Per-item label counts, scoped by queue: what Fleiss' kappa and Krippendorff's alpha need.
      if (event.profile) add(profileCounter(event.profile, event.profileQueue));
      break;
    case "ground-truth.attached": {
      const cls = groundTruthClass(event);
      const right = event.label === event.outcome ? 1 : 0;
      if (event.revision <= 1) add(`${P.gt}${cls}`);
      const before = event.revision > 1 && event.previousLabel === event.outcome ? 1 : 0;
      add(`${P.gtCorrect}${cls}`, right - before);
      if (cls === "audited") {
        // The answer the product got was the model's; decision-time quality judges that one.
        const modelRight = event.label === event.predictedLabel ? 1 : 0;
        const modelBefore = event.revision > 1 && event.previousLabel === event.predictedLabel ? 1 : 0;
        add(C.gtAuditedModelCorrect, modelRight - modelBefore);
      }
      break;
    }
    case "feedback.produced":
      add(C.feedbackProduced);
      break;
    case "feedback.given":
      typedFeedbackCounters(event, add);
      break;
    case "reviewer.counts":
      for (const [name, value] of Object.entries(event.counters)) add(name, value);
      break;
    case "signal.received":
      signalCounters(event, add);
      break;
    case "feedback.acknowledged": {
      const ms = Math.max(0, Date.parse(event.at) - Date.parse(event.producedAt));
      add(`${P.feedbackAcked}${event.stage}`);
      add(`${P.closureMs}${event.stage}`, ms);
      add(bucketCounter(closurePrefix(event.stage), ms));
      break;
    }
  }
  return out;
}

export function keyOf(event: MetricEvent, shardOf: (eventId: string) => number, shards: number): CounterKey {
  return {
    experimentId: event.experimentId,
    arm: event.arm,
    hour: hourOf(event.at),
    shard: ((shardOf(event.id) % shards) + shards) % shards,
  };
}

/**
 * Pre-aggregates a batch: one delta per (experiment, arm, hour, shard) that any event touches,
 * summing every event's counters. Pure; the caller makes sure each event id appears once.
 */
export function aggregate(
  events: readonly MetricEvent[],
  shardOf: (eventId: string) => number,
  shards: number,
  options: AggregateOptions = {},
): CounterDelta[] {
  const deltas = new Map<string, CounterDelta>();
  for (const event of events) {
    const key = keyOf(event, shardOf, shards);
    const id = keyId(key);
    let delta = deltas.get(id);
    if (!delta) {
      delta = { key, counters: {} };
      deltas.set(id, delta);
    }
    for (const [name, value] of Object.entries(countersOf(event, options)))
      delta.counters[name] = (delta.counters[name] ?? 0) + value;
  }
  return [...deltas.values()];
}

/**
 * The counters of what a run of writes changed: the added events' counters minus the retracted
 * ones' (a record that dropped or changed an event it implied before), per counter item.
 */
export function aggregateChange(
  change: { added: readonly MetricEvent[]; retracted: readonly MetricEvent[] },
  shardOf: (eventId: string) => number,
  shards: number,
  options: AggregateOptions = {},
): CounterDelta[] {
  const deltas = new Map<string, CounterDelta>();
  const fold = (parts: CounterDelta[], sign: 1 | -1) => {
    for (const part of parts) {
      const id = keyId(part.key);
      const delta = deltas.get(id) ?? { key: part.key, counters: {} };
      for (const [name, value] of Object.entries(part.counters))
        delta.counters[name] = (delta.counters[name] ?? 0) + sign * value;
      deltas.set(id, delta);
    }
  };
  fold(aggregate(change.added, shardOf, shards, options), 1);
  // A retracted routing keeps its unit: distinct units are first sightings, never taken back.
  fold(aggregate(change.retracted, shardOf, shards), -1);
  return [...deltas.values()];
}

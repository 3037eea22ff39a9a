import type { DecisionWithGroundTruth } from "../feedback/ports";
import type { FeedbackRecord } from "../feedback/record";
import type { ReviewItem } from "../review/item";
import { aggregate, unitKeyOf } from "./aggregate";
import { addCounters, type Counters } from "./counters";
import { type MetricEvent, REVIEWERS_SCOPE } from "./events";
import { type CountedRecord, checkedEventsOf } from "./implied";
import type { CounterRow } from "./read";

/**
 * Recomputes counters from the stored records (decisions, review items, feedback) with the very
 * functions the live path counts with: each record → the events it implies (core/metrics/implied)
 * → `aggregate`. Comparing the result with the live counters proves (or disproves) exactly-once
 * counting, counter by counter.
 */
export interface RebuildInput {
  decisions: readonly DecisionWithGroundTruth[];
  reviews: readonly ReviewItem[];
  feedback: readonly FeedbackRecord[];
  /**
   * Which counters to rebuild: an experiment's (the default) or, with {@link REVIEWERS_SCOPE}, the
   * reviewer rows that every review item's facts count into.
   */
  scope?: "experiment" | typeof REVIEWERS_SCOPE;
}

/** Every counted record of the input. */
export function countedRecords(input: RebuildInput): CountedRecord[] {
  return [
    ...input.decisions.map((record) => ({ kind: "decision" as const, record })),
    ...input.reviews.map((record) => ({ kind: "review" as const, record })),
    ...input.feedback.map((record) => ({ kind: "feedback" as const, record })),
  ];
}

/** The metric events the records imply, in time order. */
export function rebuildEvents(input: RebuildInput): MetricEvent[] {
  const reviewers = input.scope === REVIEWERS_SCOPE;
  return countedRecords(input)
    .flatMap((counted) => checkedEventsOf(counted).events)
    .filter((event) => (event.experimentId === REVIEWERS_SCOPE) === reviewers)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

/** Per (arm, hour) counters the records imply: a unit counts in the hour it was first seen. */
export function rebuildRows(input: RebuildInput): CounterRow[] {
  const events = rebuildEvents(input);
  const seen = new Set<string>();
  const firstSeenUnits = new Set<string>();
  for (const event of events) {
    const unit = unitKeyOf(event);
    if (unit && !seen.has(unit)) {
      seen.add(unit);
      firstSeenUnits.add(event.id);
    }
  }
  return aggregate(events, () => 0, 1, { firstSeenUnits })
    .map((delta) => ({ arm: delta.key.arm, hour: delta.key.hour, counters: delta.counters }))
    .sort((a, b) => a.hour.localeCompare(b.hour) || a.arm.localeCompare(b.arm));
}

/** Rows folded to whole-run counters per arm. */
export function perArm(rows: readonly CounterRow[]): Map<string, Counters> {
  const byArm = new Map<string, Counters>();
  for (const row of rows) byArm.set(row.arm, addCounters(byArm.get(row.arm) ?? {}, row.counters));
  return byArm;
}

/** Whole-run counters per arm, recomputed from the records. */
export const rebuildCounters = (input: RebuildInput) => perArm(rebuildRows(input));

/** Live rows folded the same way. */
export const liveCounters = (rows: readonly CounterRow[]) => perArm(rows);

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

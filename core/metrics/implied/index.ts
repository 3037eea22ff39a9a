import type { DecisionWithGroundTruth } from "../../feedback/ports";
import type { FeedbackRecord } from "../../feedback/record";
import type { ReviewItem } from "../../review/item";
import type { MetricEvent } from "../events";
import { validateMetricEvent } from "../parse";
import { decisionEvents } from "./decision";
import { feedbackEvents } from "./feedback";
import { reviewEvents } from "./review";
import { reviewerEvents } from "./reviewer";

/**
 * Every metric event comes from a committed record: the record implies its events. One pure
 * function per record kind lists them, each with a stable id; the live path counts what a write
 * adds (`eventDelta` of the stream record's old and new image) and `hitl metrics rebuild` counts
 * what the final records imply, with the same functions, so the two agree by construction.
 *
 * To add an event: give its type in events.ts (and parse.ts, counters in aggregate.ts), then list it
 * in the implying record's function below. To add a record kind: add it to `CountedRecord`, to
 * `eventsOf`, to the stream decoder (adapters/dynamodb/record-stream.ts), to the rebuild loader and,
 * if its table is new, a stream mapping in lib/constructs/metrics-pipeline.ts.
 */
export type CountedRecord =
  | { kind: "decision"; record: DecisionWithGroundTruth }
  | { kind: "review"; record: ReviewItem }
  | { kind: "feedback"; record: FeedbackRecord };

/**
 * The events a record implies for its experiment (unchecked: see `checkedEventsOf`, which adds the
 * reviewer-quality events of a review item, core/metrics/implied/reviewer.ts).
 */
export function eventsOf(counted: CountedRecord): MetricEvent[] {
  switch (counted.kind) {
    case "decision":
      return decisionEvents(counted.record);
    case "review":
      // Gold and re-review items imply reviewer facts only: they are no experiment's metric.
      return counted.record.gold || counted.record.reReview ? [] : reviewEvents(counted.record);
    case "feedback":
      return feedbackEvents(counted.record);
  }
}

export interface InvalidEvent {
  id: string;
  reason: string;
}

/**
 * The valid events a record implies, and why the others are not: a record missing a field would
 * otherwise write NaN into counters, or fail its stream shard forever. Live and rebuild both use
 * this, so an invalid event is left out of both (and logged by the live path).
 */
export function checkedEventsOf(counted: CountedRecord | undefined): {
  events: MetricEvent[];
  invalid: InvalidEvent[];
} {
  const out = { events: [] as MetricEvent[], invalid: [] as InvalidEvent[] };
  if (!counted) return out;
  // Each producer on its own: a reviewer fact that cannot be read never costs the experiment its events.
  const producers: [string, () => MetricEvent[]][] = [[counted.kind, () => eventsOf(counted)]];
  if (counted.kind === "review") producers.push(["reviewer", () => reviewerEvents(counted.record)]);
  const implied: MetricEvent[] = [];
  for (const [name, produce] of producers) {
    try {
      implied.push(...produce());
    } catch (error) {
      const reason = `unreadable ${name} record: ${error instanceof Error ? error.message : String(error)}`;
      out.invalid.push({ id: `${name}:?`, reason });
    }
  }
  for (const event of implied) {
    const checked = validateMetricEvent(event);
    if (checked.ok) out.events.push(checked.event);
    else out.invalid.push({ id: String(event.id), reason: checked.reason });
  }
  return out;
}

/** What one write of a record changes in the counts. */
export interface EventDelta {
  /** Events the new image implies and the old one did not (or implied differently). */
  added: MetricEvent[];
  /** Events the old image implied that the new one no longer does (or implies differently). */
  retracted: MetricEvent[];
  invalid: InvalidEvent[];
}

/**
 * `eventsOf(new) − eventsOf(old)`, by id. Records only ever grow, so a write normally only adds;
 * should a write change or drop an event, its old version is retracted and the new one added, so
 * the sum over a record's writes is always what its final version implies (live = rebuild).
 */
export function eventDelta(before: CountedRecord | undefined, after: CountedRecord | undefined): EventDelta {
  const old = checkedEventsOf(before);
  const next = checkedEventsOf(after);
  const previous = new Map(old.events.map((e) => [e.id, JSON.stringify(e)]));
  const current = new Map(next.events.map((e) => [e.id, JSON.stringify(e)]));
  return {
    added: next.events.filter((e) => previous.get(e.id) !== current.get(e.id)),
    retracted: old.events.filter((e) => previous.get(e.id) !== current.get(e.id)),
    invalid: after ? next.invalid : [],
  };
}

import { aggregateChange, unitKeyOf } from "../../core/metrics/aggregate";
import { addCounters, type Counters } from "../../core/metrics/counters";
import { type MetricEvent, REVIEWERS_SCOPE } from "../../core/metrics/events";
import { type CountedRecord, eventDelta } from "../../core/metrics/implied";

export interface LoggedWrite {
  before?: CountedRecord;
  after?: CountedRecord;
}

/**
 * Every write of a counted record the in-memory stores make, as a table's stream would carry it
 * (old and new image; a write that changes nothing carries nothing, as on DynamoDB). Summing what
 * each write adds is what the live path counts, so tests compare it with what the final records imply.
 */
export class RecordLog {
  readonly writes: LoggedWrite[] = [];

  wrote(kind: CountedRecord["kind"], before: unknown, after: unknown): void {
    if (JSON.stringify(before) === JSON.stringify(after)) return;
    const wrap = (record: unknown) =>
      record === undefined ? undefined : ({ kind, record: structuredClone(record) } as CountedRecord);
    const write: LoggedWrite = {};
    const b = wrap(before);
    const a = wrap(after);
    if (b) write.before = b;
    if (a) write.after = a;
    this.writes.push(write);
  }

  /** The events every write added and took back, in write order. */
  changes(): { added: MetricEvent[]; retracted: MetricEvent[] } {
    const added: MetricEvent[] = [];
    const retracted: MetricEvent[] = [];
    for (const write of this.writes) {
      const delta = eventDelta(write.before, write.after);
      added.push(...delta.added);
      retracted.push(...delta.retracted);
    }
    return { added, retracted };
  }

  /**
   * The counters the live path adds up, per arm (a unit counted at its first sighting, in write
   * order): the experiment's, and with `reviewers` the reviewer rows too (scope `@reviewers`).
   */
  liveCounters(options: { reviewers?: boolean } = {}): Map<string, Counters> {
    const seen = new Set<string>();
    const byArm = new Map<string, Counters>();
    for (const write of this.writes) {
      const change = eventDelta(write.before, write.after);
      const changed = new Set(change.retracted.map((e) => e.id));
      const firstSeenUnits = new Set<string>();
      for (const event of change.added) {
        const unit = unitKeyOf(event);
        if (!unit || seen.has(unit) || changed.has(event.id)) continue;
        seen.add(unit);
        firstSeenUnits.add(event.id);
      }
      for (const delta of aggregateChange(change, () => 0, 1, { firstSeenUnits })) {
        if (delta.key.experimentId === REVIEWERS_SCOPE && !options.reviewers) continue;
        byArm.set(delta.key.arm, addCounters(byArm.get(delta.key.arm) ?? {}, delta.counters));
      }
    }
    return byArm;
  }
}

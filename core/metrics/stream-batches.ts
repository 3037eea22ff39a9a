import { countersOf, keyId, keyOf } from "./aggregate";
import { C } from "./counters";
import type { MetricEvent } from "./events";

/** One record of a stream shard: its position and the event it implies, if it counts at all. */
export interface StreamRecord {
  sequence: string;
  event?: MetricEvent;
}

/** Consecutive records committed in one transaction, which moves the shard's mark to `last`. */
export interface StreamChunk {
  events: MetricEvent[];
  last: string;
}

export interface ChunkLimits {
  /** The counter shard each event's counters go to. */
  shardOf: (eventId: string) => number;
  shards: number;
  /** Counter items one transaction may update (DynamoDB allows 100 actions; one is the mark). */
  maxItems: number;
  /** Counters one item update may name (keeps the update expression under DynamoDB's 4 KB). */
  maxCountersPerItem: number;
}

/**
 * Splits records (already in shard order) into consecutive chunks that each fit one transaction.
 * Chunks never reorder records: a mark may only move past records whose counters are committed.
 */
export function chunkForCommit(records: readonly StreamRecord[], limits: ChunkLimits): StreamChunk[] {
  const chunks: StreamChunk[] = [];
  let events: MetricEvent[] = [];
  let names = new Map<string, Set<string>>();
  let last: string | undefined;
  const flush = () => {
    if (last !== undefined) chunks.push({ events, last });
    events = [];
    names = new Map();
    last = undefined;
  };
  for (const record of records) {
    if (record.event) {
      const id = keyId(keyOf(record.event, limits.shardOf, limits.shards));
      // `units` may be added when the unit turns out to be new: reserve its name.
      const added = [...Object.keys(countersOf(record.event)), C.units];
      const current = names.get(id);
      const widened = new Set([...(current ?? []), ...added]);
      const tooManyItems = !current && names.size >= limits.maxItems;
      if ((tooManyItems || widened.size > limits.maxCountersPerItem) && events.length > 0) flush();
      names.set(id, new Set([...(names.get(id) ?? []), ...added]));
      events.push(record.event);
    }
    last = record.sequence;
  }
  flush();
  return chunks;
}

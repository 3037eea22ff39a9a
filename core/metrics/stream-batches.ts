import { countersOf, keyId, keyOf } from "./aggregate";
import { C } from "./counters";
import type { MetricEvent } from "./events";

/**
 * One record of a stream shard: its position and what its write changed in the counts (nothing for
 * most writes: a claim, a heartbeat, a settled decision).
 */
export interface StreamRecord {
  sequence: string;
  /** Events the new image implies that the old did not. */
  added?: readonly MetricEvent[];
  /** Events the old image implied that the new no longer does (never, for records that only grow). */
  retracted?: readonly MetricEvent[];
}

/** Consecutive records committed in one transaction, which moves the shard's mark to `last`. */
export interface StreamChunk {
  added: MetricEvent[];
  retracted: MetricEvent[];
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
  let chunk: StreamChunk | undefined;
  let names = new Map<string, Set<string>>();
  const flush = () => {
    if (chunk) chunks.push(chunk);
    chunk = undefined;
    names = new Map();
  };
  for (const record of records) {
    const events = [...(record.added ?? []), ...(record.retracted ?? [])];
    // Names this record adds to each counter item (`units` is reserved: the unit may turn out new).
    const wanted = new Map<string, Set<string>>();
    for (const event of events) {
      const id = keyId(keyOf(event, limits.shardOf, limits.shards));
      const set = wanted.get(id) ?? new Set<string>();
      for (const name of [...Object.keys(countersOf(event)), C.units]) set.add(name);
      wanted.set(id, set);
    }
    const newItems = [...wanted.keys()].filter((id) => !names.has(id)).length;
    const tooWide = [...wanted].some(
      ([id, set]) => new Set([...(names.get(id) ?? []), ...set]).size > limits.maxCountersPerItem,
    );
    const nonEmpty = chunk !== undefined && chunk.added.length + chunk.retracted.length > 0;
    if ((names.size + newItems > limits.maxItems || tooWide) && nonEmpty) flush();
    for (const [id, set] of wanted) names.set(id, new Set([...(names.get(id) ?? []), ...set]));
    chunk ??= { added: [], retracted: [], last: record.sequence };
    chunk.added.push(...(record.added ?? []));
    chunk.retracted.push(...(record.retracted ?? []));
    chunk.last = record.sequence;
  }
  flush();
  return chunks;
}

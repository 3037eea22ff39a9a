import { describe, expect, it } from "vitest";
import { countersOf } from "../../../core/metrics/aggregate";
import { C } from "../../../core/metrics/counters";
import type { MetricEvent } from "../../../core/metrics/events";
import { chunkForCommit, type StreamRecord } from "../../../core/metrics/stream-batches";
import { fixedMs } from "../../support/clock";
import { routed } from "./events";

const limits = { shardOf: () => 0, shards: 1, maxItems: 99, maxCountersPerItem: 100 };
const seq = (i: number) => String(1000 + i);

describe("chunkForCommit", () => {
  it("commits a small batch in one chunk that moves the mark to its last record", () => {
    // Arrange
    const records: StreamRecord[] = [0, 1, 2].map((i) => ({
      sequence: seq(i),
      added: [routed({ id: `e${i}`, decisionId: `d${i}` })],
    }));

    // Act
    const chunks = chunkForCommit(records, limits);

    // Assert
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.added.map((e) => e.id)).toEqual(["e0", "e1", "e2"]);
    expect(chunks[0]?.last).toBe(seq(2));
  });

  it("moves the mark past records that count nothing, even when no event is left", () => {
    // Arrange
    const records: StreamRecord[] = [{ sequence: seq(0) }, { sequence: seq(1) }];

    // Act
    const chunks = chunkForCommit(records, limits);

    // Assert
    expect(chunks).toEqual([{ added: [], retracted: [], last: seq(1) }]);
  });

  it("splits where one more counter item would exceed a transaction, keeping shard order", () => {
    // Arrange: every event in its own hour, so each needs its own counter item.
    const records: StreamRecord[] = [0, 1, 2, 3, 4].map((i) => ({
      sequence: seq(i),
      added: [routed({ id: `e${i}`, at: new Date(fixedMs("2026-11-25T10") + i * 3_600_000).toISOString() })],
    }));

    // Act
    const chunks = chunkForCommit(records, { ...limits, maxItems: 2 });

    // Assert
    expect(chunks.map((c) => c.added.map((e) => e.id))).toEqual([["e0", "e1"], ["e2", "e3"], ["e4"]]);
    expect(chunks.map((c) => c.last)).toEqual([seq(1), seq(3), seq(4)]);
  });

  it("splits where one item's update would name too many counters", () => {
    // Arrange: distinct latency buckets widen the same item's update.
    const records: StreamRecord[] = [1, 10, 100, 1000, 10000].map((latencyMs, i) => ({
      sequence: seq(i),
      added: [routed({ id: `e${i}`, latencyMs })],
    }));
    const width = (events: readonly MetricEvent[]) =>
      new Set(events.flatMap((e) => [...Object.keys(countersOf(e)), C.units])).size;

    // Act
    const chunks = chunkForCommit(records, { ...limits, maxCountersPerItem: 8 });

    // Assert
    expect(width(records.flatMap((r) => r.added ?? []))).toBeGreaterThan(8);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(width(chunk.added)).toBeLessThanOrEqual(8);
    expect(chunks.flatMap((c) => c.added.map((e) => e.id))).toEqual(["e0", "e1", "e2", "e3", "e4"]);
  });

  it("keeps a record's added and retracted events together, and reserves counter names for both", () => {
    // Arrange: a record that changed an event (retract the old, add the new) after one that added one
    const old = routed({ id: "e1", latencyMs: 5 });
    const records: StreamRecord[] = [
      { sequence: seq(0), added: [routed({ id: "e0" })] },
      { sequence: seq(1), added: [routed({ id: "e1", latencyMs: 900 })], retracted: [old] },
    ];

    // Act
    const chunks = chunkForCommit(records, limits);

    // Assert
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.added.map((e) => e.id)).toEqual(["e0", "e1"]);
    expect(chunks[0]?.retracted).toEqual([old]);
  });

  it("returns nothing for an empty batch", () => {
    // Act & Assert
    expect(chunkForCommit([], limits)).toEqual([]);
  });
});

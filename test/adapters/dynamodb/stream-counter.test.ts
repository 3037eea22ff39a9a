import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNIT_SK, unitPk } from "../../../adapters/dynamodb/metrics-keys";
import { DynamoMetricsStore } from "../../../adapters/dynamodb/metrics-store";
import { DynamoStreamCounter, type StreamCounterOptions } from "../../../adapters/dynamodb/stream-counter";
import type { MetricEvent } from "../../../core/metrics/events";
import type { StreamRecord } from "../../../core/metrics/stream-batches";
import { routed } from "../../core/metrics/events";
import { fixed } from "../../support/clock";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "./local-tables";
import { expectedCounters, hoursAgo, liveCounters } from "./metric-events";

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
});

async function setUp(options: StreamCounterOptions = {}) {
  const table = await createMetricsTable(local.client);
  return {
    table,
    // The marks' TTL comes from the real clock: DynamoDB Local deletes items whose expiry has passed.
    counter: new DynamoStreamCounter(local.db, table, options),
    store: new DynamoMetricsStore(local.db, table),
  };
}

/** Routed decisions over two arms and three hours, 40% of them from repeating units. */
function decisions(n: number, from = 0): MetricEvent[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return routed({
      id: `decision.routed:d${i}`,
      decisionId: `d${i}`,
      unitId: `u${i % 5 < 2 ? i % 7 : i}`,
      arm: i % 3 === 0 ? "b" : "a",
      at: hoursAgo(3 - (i % 3)),
      latencyMs: (i * 37) % 400,
    });
  });
}

/** Stream records for events, with sequence numbers as long as DynamoDB's. */
const onStream = (events: readonly MetricEvent[], start = 0): StreamRecord[] =>
  events.map((event, i) => ({ sequence: `${4_000_000_000_000 + start + i}00000000000001`, added: [event] }));

describe("DynamoStreamCounter on DynamoDB Local", () => {
  it("counts a redelivered batch once", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const events = decisions(60);
    const batch = onStream(events);

    // Act
    const first = await counter.count("shardId-1", batch);
    const second = await counter.count("shardId-1", batch);

    // Assert
    expect(first).toMatchObject({ counted: 60, alreadyCounted: 0 });
    expect(second).toMatchObject({ counted: 0, alreadyCounted: 60, transactions: 0 });
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });

  it("counts only the records after the mark when a batch overlaps one already counted", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const events = decisions(50);
    const records = onStream(events);
    await counter.count("shardId-1", records.slice(0, 30));

    // Act
    const result = await counter.count("shardId-1", records.slice(10));

    // Assert
    expect(result).toMatchObject({ counted: 20, alreadyCounted: 20 });
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });

  it("counts a batch once when two deliveries of it run at the same time", async () => {
    // Arrange
    const { counter, store } = await setUp({ maxItemsPerTransaction: 2 });
    const events = decisions(40);
    const batch = onStream(events);

    // Act
    const results = await Promise.all([counter.count("shardId-1", batch), counter.count("shardId-1", batch)]);

    // Assert
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
    expect(results.reduce((s, r) => s + r.counted, 0)).toBe(40);
  });

  it("keeps a separate mark per shard", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const events = decisions(30);

    // Act: two shards whose sequence numbers interleave.
    const a = await counter.count("shardId-a", onStream(events.slice(0, 15), 0));
    const b = await counter.count("shardId-b", onStream(events.slice(15), 0));

    // Assert
    expect([a.counted, b.counted]).toEqual([15, 15]);
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });

  it("counts a unit once when it appears on two shards and in later batches", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const same = (i: number) =>
      routed({ id: `decision.routed:s${i}`, decisionId: `s${i}`, unitId: "shared" });

    // Act
    await counter.count("shardId-a", onStream([same(1), same(2)], 0));
    await counter.count("shardId-b", onStream([same(3)], 0));
    await counter.count("shardId-a", onStream([same(4)], 10));

    // Assert
    const rows = await store.readExperiment("exp-1");
    const total = (name: string) => rows.reduce((s, r) => s + (r.counters[name] ?? 0), 0);
    expect(total("decisions")).toBe(4);
    expect(total("units")).toBe(1);
  });

  it("counts a unit whose item an earlier, interrupted delivery already wrote", async () => {
    // Arrange: an attempt created the unit item naming d1, then died before its transaction.
    const { counter, store, table } = await setUp();
    const event = routed({ id: "decision.routed:d1", decisionId: "d1", unitId: "u-crash" });
    await local.db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: unitPk("exp-1#a#u-crash"), sk: UNIT_SK, firstEventId: event.id },
      }),
    );

    // Act
    await counter.count("shardId-1", onStream([event]));

    // Assert
    const units = (await store.readExperiment("exp-1")).reduce((s, r) => s + (r.counters.units ?? 0), 0);
    expect(units).toBe(1);
  });

  it("does not count a unit again when its item names a decision counted before", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const first = routed({ id: "decision.routed:d1", decisionId: "d1", unitId: "u-seen" });
    const later = routed({ id: "decision.routed:d2", decisionId: "d2", unitId: "u-seen" });
    await counter.count("shardId-1", onStream([first], 0));

    // Act
    await counter.count("shardId-1", onStream([later], 5));

    // Assert
    const rows = await store.readExperiment("exp-1");
    expect(rows.reduce((s, r) => s + (r.counters.units ?? 0), 0)).toBe(1);
    expect(rows.reduce((s, r) => s + (r.counters.decisions ?? 0), 0)).toBe(2);
  });

  it("moves the mark past records that count nothing", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const records: StreamRecord[] = [
      { sequence: "100000000000000000001" },
      { sequence: "100000000000000000002" },
    ];

    // Act
    const first = await counter.count("shardId-1", records);
    const again = await counter.count("shardId-1", records);

    // Assert
    expect(first).toMatchObject({ counted: 0, transactions: 1 });
    expect(again).toMatchObject({ alreadyCounted: 2, transactions: 0 });
    expect(await store.readExperiment("exp-1")).toEqual([]);
  });

  it("takes back what a record no longer implies, so the counters hold what its last write implies", async () => {
    // Arrange: a record's event counted, then rewritten with another latency and hour
    const { counter, store } = await setUp();
    const first = routed({ id: "decision.routed:d1", decisionId: "d1", latencyMs: 40 });
    const rewritten = routed({
      id: "decision.routed:d1",
      decisionId: "d1",
      latencyMs: 4000,
      at: fixed("2026-11-25T13:10:00.000Z"),
    });
    await counter.count("shardId-1", onStream([first], 0));

    // Act
    const result = await counter.count("shardId-1", [
      { sequence: `${4_000_000_000_001}00000000000001`, added: [rewritten], retracted: [first] },
    ]);

    // Assert
    expect(result).toMatchObject({ counted: 1, retracted: 1 });
    const live = liveCounters(await store.readExperiment("exp-1"));
    const nonEmpty = [...live.rows].filter(([, counters]) => Object.keys(counters).length > 0);
    expect(new Map(nonEmpty)).toEqual(expectedCounters([rewritten]).rows);
    // A distinct unit is a first sighting: it is counted once, never taken back.
    expect(live.unitsByArm).toEqual(new Map([["a", 1]]));
  });

  it("splits a batch into several transactions when it touches many counter items", async () => {
    // Arrange
    const { counter, store } = await setUp({ maxItemsPerTransaction: 1 });
    const events = decisions(12);

    // Act
    const result = await counter.count("shardId-1", onStream(events));

    // Assert
    expect(result.transactions).toBeGreaterThan(1);
    expect(result.counted).toBe(12);
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });
});

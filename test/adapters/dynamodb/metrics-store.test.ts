import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoMetricsStore, type MetricsStoreOptions } from "../../../adapters/dynamodb/metrics-store";
import type { MetricEvent } from "../../../core/metrics/events";
import { manyRouted } from "../../core/metrics/events";
import { seededRandom } from "../../core/stats/random";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "./local-tables";
import { expectedCounters, liveCounters, mixedEvents, NOW } from "./metric-events";

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
});

async function newStore(options: MetricsStoreOptions = {}) {
  const table = await createMetricsTable(local.client);
  const store = new DynamoMetricsStore(local.db, table, { now: () => NOW, ...options });
  return { table, store };
}

/** Writes like the aggregator: batches of at most 100 events. */
async function writeInBatches(store: DynamoMetricsStore, events: readonly MetricEvent[]) {
  const totals = { counted: 0, transactions: 0, attempts: 0 };
  for (let i = 0; i < events.length; i += 100) {
    const r = await store.write(events.slice(i, i + 100));
    totals.counted += r.counted;
    totals.transactions += r.transactions;
    totals.attempts += r.attempts;
  }
  return totals;
}

describe("DynamoMetricsStore on DynamoDB Local", () => {
  it("counts a batch once when the same batch is written twice", async () => {
    // Arrange
    const { store } = await newStore();
    const events = mixedEvents(80);

    // Act
    const first = await store.write(events);
    const second = await store.write(events);

    // Assert
    expect(first).toMatchObject({ counted: 80, duplicates: 0 });
    expect(second).toMatchObject({ counted: 0, duplicates: 80 });
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });

  it("counts only the new events of a batch that repeats some already counted ones", async () => {
    // Arrange
    const { store } = await newStore();
    const events = mixedEvents(60);
    await store.write(events.slice(0, 40));

    // Act
    const result = await store.write(events.slice(20, 60));

    // Assert
    expect(result).toMatchObject({ counted: 20, duplicates: 20 });
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });

  it("counts exactly the distinct events when 8 writers race over overlapping batches with duplicates", async () => {
    // Arrange: 300 distinct events; each writer gets a random 60 % of them, some twice, shuffled.
    // One shard and few hours put all writers on the same counter items: real transaction conflicts.
    const { table } = await newStore();
    const events = mixedEvents(300);
    const random = seededRandom(2026);
    const workloads = Array.from({ length: 8 }, () => {
      const picked = events.filter(() => random() < 0.6);
      const repeated = picked.filter(() => random() < 0.2);
      return [...picked, ...repeated].sort(() => random() - 0.5);
    });
    const writers = workloads.map(
      (_, i) =>
        new DynamoMetricsStore(local.db, table, { now: () => NOW, shards: 1, random: seededRandom(i) }),
    );
    const covered = new Set(workloads.flat().map((e) => e.id));
    const distinct = events.filter((e) => covered.has(e.id));

    // Act
    const started = performance.now();
    const results = await Promise.all(writers.map((writer, i) => writeInBatches(writer, workloads[i] ?? [])));
    const seconds = (performance.now() - started) / 1000;

    // Assert
    const reader = new DynamoMetricsStore(local.db, table, { shards: 1 });
    const live = liveCounters(await reader.readExperiment("exp-1"));
    expect(live).toEqual(expectedCounters(distinct));
    const written = workloads.reduce((s, w) => s + w.length, 0);
    expect(results.reduce((s, r) => s + r.counted, 0)).toBe(distinct.length);
    const attempts = results.reduce((s, r) => s + r.attempts, 0);
    const commits = results.reduce((s, r) => s + r.transactions, 0);
    console.info(
      `8 racing writers: ${written} events (${distinct.length} distinct) in ${seconds.toFixed(2)} s; ` +
        `${attempts} transaction attempts for ${commits} commits`,
    );
  });

  it("recounts exactly after a crash between two transactions of one batch", async () => {
    // Arrange: a writer whose process dies right after its first transaction commits
    const { table } = await newStore();
    const crashing = local.newClient();
    let commits = 0;
    crashing.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (/TransactWrite/.test(context.commandName ?? "") && ++commits === 1)
          throw new Error("aggregator crashed");
        return result;
      },
      { step: "initialize", name: "crashAfterFirstCommit" },
    );
    const small = { now: () => NOW, maxActionsPerTransaction: 25 };
    const doomed = new DynamoMetricsStore(DynamoDBDocumentClient.from(crashing), table, small);
    const events = mixedEvents(60);
    await expect(doomed.write(events)).rejects.toThrow("aggregator crashed");

    // Act: SQS redelivers the whole batch to another aggregator
    const retry = await new DynamoMetricsStore(local.db, table, small).write(events);

    // Assert
    expect(retry.duplicates).toBeGreaterThan(0);
    expect(retry.counted + retry.duplicates).toBe(60);
    expect(liveCounters(await doomed.readExperiment("exp-1"))).toEqual(expectedCounters(events));
    crashing.destroy();
  });

  it("splits a batch that touches more counter items than one transaction can hold", async () => {
    // Arrange: 100 events in 100 arms → 200 actions at least
    const { store } = await newStore();
    const events = manyRouted(100, { enrolled: false }).map((e, i) => ({
      ...e,
      arm: `arm-${i}`,
      at: NOW.toISOString(),
    }));

    // Act
    const result = await store.write(events);

    // Assert
    expect(result.transactions).toBeGreaterThanOrEqual(2);
    expect(result.counted).toBe(100);
    expect(liveCounters(await store.readExperiment("exp-1"))).toEqual(expectedCounters(events));
  });

  it("counts a unit once however many of its decisions arrive, in one batch or several", async () => {
    // Arrange: 30 decisions of 3 units
    const { store } = await newStore();
    const events = manyRouted(30, { at: NOW.toISOString() }).map((e, i) => ({
      ...e,
      unitId: `unit-${i % 3}`,
    }));

    // Act
    await store.write(events.slice(0, 10));
    await store.write(events.slice(5, 30));

    // Assert
    const rows = await store.readExperiment("exp-1");
    expect(rows.reduce((s, r) => s + (r.counters.units ?? 0), 0)).toBe(3);
    expect(rows.reduce((s, r) => s + (r.counters.decisions ?? 0), 0)).toBe(30);
  });

  it("refuses events older than the dedupe window instead of risking a second count", async () => {
    // Arrange
    const { store } = await newStore({ dedupeTtlSeconds: 3600, maxEventAgeSeconds: 1800 });
    const old = manyRouted(1, { at: new Date(NOW.getTime() - 3_600_000).toISOString() });
    const fresh = manyRouted(1, {
      at: new Date(NOW.getTime() - 900_000).toISOString(),
      decisionId: "new",
      id: "decision.routed:new",
    });

    // Act
    const result = await store.write([...old, ...fresh]);

    // Assert
    expect(result.stale).toEqual([old[0]?.id]);
    expect(result.counted).toBe(1);
  });

  it("writes each dedupe item with an expiry 7 days ahead", async () => {
    // Arrange
    const { store, table } = await newStore();
    const [event] = manyRouted(1, { at: NOW.toISOString() });

    // Act
    await store.write([event as MetricEvent]);

    // Assert
    const { Item } = await local.db.send(
      new GetCommand({ TableName: table, Key: { pk: `DEDUPE#${event?.id}`, sk: "D" } }),
    );
    expect(Item?.expiresAt).toBe(Math.floor(NOW.getTime() / 1000) + 7 * 24 * 3600);
  });

  it("measures events per second and write units per event for full batches", async () => {
    // Arrange: 1,000 distinct events, written in batches of 100 as the aggregator does
    const { store } = await newStore();
    const events = mixedEvents(1000, "exp-bench", 7);
    const totals = { counted: 0, newUnits: 0, updates: 0, transactions: 0, attempts: 0 };

    // Act
    const started = performance.now();
    for (let i = 0; i < events.length; i += 100) {
      const r = await store.write(events.slice(i, i + 100));
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    }
    const seconds = (performance.now() - started) / 1000;

    // Assert
    const rows = await store.readExperiment("exp-bench");
    expect(liveCounters(rows)).toEqual(expectedCounters(events));
    // WRU by construction (AWS rules; DynamoDB Local does not report them): a transactional write
    // costs 2 × ⌈item KB⌉. Counter item size ≈ its attribute names + ~8 bytes per number, per shard.
    const itemKb =
      rows.reduce((s, r) => s + Object.keys(r.counters).reduce((t, n) => t + n.length + 8, 40), 0) /
      rows.length /
      1024;
    const wru = 2 * totals.counted + 2 * totals.newUnits + totals.updates * 2 * Math.ceil(itemKb);
    console.info(
      `1000 events: ${(1000 / seconds).toFixed(0)} events/s on DynamoDB Local; ${totals.transactions} transactions, ` +
        `${totals.updates} counter updates (items ≈ ${itemKb.toFixed(2)} KB): ≈ ${(wru / totals.counted).toFixed(2)} WRU/event`,
    );
  });
});

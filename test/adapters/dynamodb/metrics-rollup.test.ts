import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counterPk, rollupPk } from "../../../adapters/dynamodb/metrics-keys";
import { DynamoMetricsStore, type MetricsStoreOptions } from "../../../adapters/dynamodb/metrics-store";
import { registerMetrics } from "../../../cli/commands/metrics";
import { renderReportCsv } from "../../../cli/render/report-csv";
import { renderReportHtml } from "../../../cli/render/report-html";
import { renderReportMarkdown } from "../../../cli/render/report-text";
import { experimentMetrics } from "../../../core/metrics/read";
import { dayOf, hourAt, lastSealedDay } from "../../../core/metrics/rollup";
import { buildReport } from "../../../core/report";
import { experiment } from "../../core/report/fixtures";
import { runCli, writeDevFile } from "../../support/cli";
import { counterItems, putItems } from "../../support/counter-items";
import { createMetricsTable, createRecordTables, type LocalDynamo, startLocalDynamo } from "./local-tables";

/** The data end at the current hour, as a running experiment's do (the CLI reads the real clock). */
const NOW = new Date();
const LAST_HOUR = hourAt(NOW.getTime());
const ARMS = [{ id: "conservative" }, { id: "aggressive" }, { id: "late", fromDay: 6 }];

let local: LocalDynamo;
const dir = mkdtempSync(path.join(tmpdir(), "hitl-rollup-"));

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let experiments = 0;

/** A fresh table with `days` days of an experiment's hourly counters, and a store on it. */
async function seeded(days: number, options: MetricsStoreOptions = {}) {
  const table = await createMetricsTable(local.client);
  const experimentId = `exp-${++experiments}`;
  await putItems(
    local.db,
    table,
    counterItems({ experimentId, lastHour: LAST_HOUR, days, shards: 4, arms: ARMS, seed: experiments }),
  );
  const store = new DynamoMetricsStore(local.db, table, { now: () => NOW, ...options });
  return { table, experimentId, store };
}

/** The hourly rows, read the way they were read before roll-ups existed (every counter item). */
const hourly = (store: DynamoMetricsStore, experimentId: string) =>
  store.readExperiment(experimentId, { fromHour: "0000" });

async function rollupItems(table: string, experimentId: string) {
  const { Items } = await local.db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": rollupPk(experimentId) },
    }),
  );
  return Items ?? [];
}

/** Adds to one counter of a sealed hour behind the store's back (as a counter repair would). */
async function rewriteSealedHour(table: string, experimentId: string, hour: string, arm: string) {
  await local.db.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: counterPk(experimentId, 0), sk: `${hour}#${arm}` },
      UpdateExpression: "ADD decisions :n",
      ExpressionAttributeValues: { ":n": 1000 },
    }),
  );
}

const decisionsOf = (rows: { counters: Record<string, number> }[]) =>
  rows.reduce((s, r) => s + (r.counters.decisions ?? 0), 0);

describe("daily roll-ups of sealed days in DynamoMetricsStore", () => {
  it("gives every report, metric, CSV, Markdown and HTML output exactly as from the hourly items, reading far fewer items", async () => {
    // Arrange: 20 days of 3 arms (one arriving on day 6), 4 shards; the aggressive arm is paused
    const { store, experimentId } = await seeded(20);
    const config = experiment({
      id: experimentId,
      arms: experiment().arms.map((a) => (a.id === "aggressive" ? { ...a, paused: true } : a)),
    });
    const before = await hourly(store, experimentId);
    const hourlyItems = store.reads.counterItems;

    // Act
    const result = await store.rollUp(experimentId);
    const reads = { ...store.reads };
    const after = await store.readExperiment(experimentId);
    const read = {
      counterItems: store.reads.counterItems - reads.counterItems,
      rollupItems: store.reads.rollupItems - reads.rollupItems,
    };

    // Assert: the same rows, so the same numbers everywhere
    expect(result).toMatchObject({ outcome: "rolled-up", through: lastSealedDay(NOW) });
    expect(after).toStrictEqual(before);
    expect(experimentMetrics(experimentId, after)).toStrictEqual(experimentMetrics(experimentId, before));
    const reportOf = (rows: typeof before) => buildReport({ experiment: config, rows, now: NOW });
    const [a, b] = [reportOf(after), reportOf(before)];
    expect(a).toStrictEqual(b);
    expect(renderReportCsv(a)).toBe(renderReportCsv(b));
    expect(renderReportMarkdown(a)).toBe(renderReportMarkdown(b));
    expect(renderReportHtml(a)).toBe(renderReportHtml(b));
    expect(a.srm.until).not.toBeNull();
    // 3 arms on ~12 sealed days: a few dozen roll-up items instead of ~12 × 24 × 4 counter items per arm
    expect(read.rollupItems).toBe(result.items + 1);
    expect(read.counterItems).toBeLessThan(hourlyItems / 2);
  });

  it("rolls a day up once: a second run finds nothing newly sealed and writes nothing", async () => {
    // Arrange
    const { store, table, experimentId } = await seeded(12);
    await store.rollUp(experimentId);
    const items = await rollupItems(table, experimentId);

    // Act
    const again = await store.rollUp(experimentId);

    // Assert
    expect(again).toEqual({
      experimentId,
      through: lastSealedDay(NOW),
      rollups: 0,
      items: 0,
      outcome: "up-to-date",
    });
    expect(await rollupItems(table, experimentId)).toStrictEqual(items);
  });

  it("rolls up only the newly sealed day a day later, and reads the same rows", async () => {
    // Arrange
    const { store, table, experimentId } = await seeded(12);
    await store.rollUp(experimentId);
    const tomorrow = new Date(NOW.getTime() + 24 * 3_600_000);
    const later = new DynamoMetricsStore(local.db, table, { now: () => tomorrow });

    const newDay = lastSealedDay(tomorrow);
    const arms = new Set(
      (await hourly(later, experimentId)).filter((r) => dayOf(r.hour) === newDay).map((r) => r.arm),
    );

    // Act
    const result = await later.rollUp(experimentId);

    // Assert
    expect(result).toMatchObject({ outcome: "rolled-up", through: newDay, rollups: arms.size });
    expect(arms.size).toBeGreaterThan(0);
    expect(await later.readExperiment(experimentId)).toStrictEqual(await hourly(later, experimentId));
  });

  it("writes a watermark for an experiment without counters, and reads nothing for it", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table, { now: () => NOW });

    // Act
    const result = await store.rollUp("empty");
    const rows = await store.readExperiment("empty");

    // Assert
    expect(result).toMatchObject({ outcome: "rolled-up", through: lastSealedDay(NOW), rollups: 0 });
    expect(rows).toEqual([]);
    expect((await rollupItems(table, "empty")).map((i) => i.sk)).toEqual(["WATERMARK"]);
  });

  it("never counts a day twice: roll-ups after the watermark are ignored until it moves", async () => {
    // Arrange: roll-ups written through the last sealed day, the watermark put back two days
    const { store, table, experimentId } = await seeded(12);
    await store.rollUp(experimentId);
    const behind = lastSealedDay(new Date(NOW.getTime() - 48 * 3_600_000));
    await local.db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: rollupPk(experimentId), sk: "WATERMARK", epoch: 0, through: behind },
      }),
    );

    // Act
    const rows = await store.readExperiment(experimentId);

    // Assert
    expect(rows).toStrictEqual(await hourly(store, experimentId));
  });

  it("never moves the watermark back: a run with a slower clock leaves it where a faster one put it", async () => {
    // Arrange: the slow run reads, then a run 2 days ahead rolls up and moves the watermark first
    const { table, experimentId } = await seeded(12);
    const ahead = new Date(NOW.getTime() + 48 * 3_600_000);
    const fast = new DynamoMetricsStore(local.db, table, { now: () => ahead });
    const slow = new DynamoMetricsStore(local.db, table, {
      now: () => NOW,
      beforeRollupWrite: async () => void (await fast.rollUp(experimentId)),
    });

    // Act
    const result = await slow.rollUp(experimentId);

    // Assert
    expect(result.outcome).toBe("superseded");
    const watermark = (await rollupItems(table, experimentId)).find((i) => i.sk === "WATERMARK");
    expect(watermark?.through).toBe(lastSealedDay(ahead));
    expect(await fast.readExperiment(experimentId)).toStrictEqual(await hourly(fast, experimentId));
  });

  it("splits a day too large for one item by hours, and reads it back the same", async () => {
    // Arrange
    const { store, table, experimentId } = await seeded(10, { maxRollupBytes: 2_000 });

    // Act
    const result = await store.rollUp(experimentId);

    // Assert
    expect(result.items).toBeGreaterThan(result.rollups);
    const sks = (await rollupItems(table, experimentId)).map((i) => String(i.sk));
    expect(
      sks.filter((sk) => sk.startsWith(`DAY#${lastSealedDay(NOW)}#conservative#`)).length,
    ).toBeGreaterThan(1);
    expect(await store.readExperiment(experimentId)).toStrictEqual(await hourly(store, experimentId));
  });

  it("refuses a seal age shorter than the stream's day of retention and two hours", () => {
    // Act / Assert
    expect(() => new DynamoMetricsStore(local.db, "t", { sealAfterHours: 25 })).toThrow(RangeError);
    expect(new DynamoMetricsStore(local.db, "t", { sealAfterHours: 26 }).sealAfterHours).toBe(26);
    expect(new DynamoMetricsStore(local.db, "t").sealAfterHours).toBe(7 * 24 + 2);
  });
});

describe("rewriting counters of sealed hours (a repair), then resetting the roll-ups", () => {
  it("reads stale roll-ups until the reset, and the rewritten counters right after it", async () => {
    // Arrange
    const { store, table, experimentId } = await seeded(12);
    await store.rollUp(experimentId);
    const [first] = await store.readExperiment(experimentId);
    const total = decisionsOf(await hourly(store, experimentId));
    await rewriteSealedHour(table, experimentId, first?.hour ?? "", first?.arm ?? "");

    // Act
    const stale = decisionsOf(await store.readExperiment(experimentId));
    const epoch = await store.resetRollups(experimentId);
    const reset = decisionsOf(await store.readExperiment(experimentId));
    const rolled = await store.rollUp(experimentId);

    // Assert
    expect(stale).toBe(total);
    expect(epoch).toBe(1);
    expect(reset).toBe(total + 1000);
    expect(rolled.outcome).toBe("rolled-up");
    expect(await store.readExperiment(experimentId)).toStrictEqual(await hourly(store, experimentId));
    expect(await store.rollupEpoch(experimentId)).toBe(1);
  });

  it("keeps a roll-up run that read the old counters from overwriting newer roll-ups or moving the watermark", async () => {
    // Arrange: while a run holds the old counters, a repair rewrites an hour, resets, and rolls up anew
    const { table, experimentId } = await seeded(12);
    const repairer = new DynamoMetricsStore(local.db, table, { now: () => NOW });
    const [first] = await hourly(repairer, experimentId);
    const racing = new DynamoMetricsStore(local.db, table, {
      now: () => NOW,
      beforeRollupWrite: async () => {
        await rewriteSealedHour(table, experimentId, first?.hour ?? "", first?.arm ?? "");
        await repairer.resetRollups(experimentId);
        await repairer.rollUp(experimentId);
      },
    });

    // Act
    const result = await racing.rollUp(experimentId);

    // Assert
    expect(result.outcome).toBe("superseded");
    const rows = await repairer.readExperiment(experimentId);
    expect(rows).toStrictEqual(await hourly(repairer, experimentId));
    expect(rows[0]?.counters.decisions).toBe((first?.counters.decisions ?? 0) + 1000);
  });

  it("hitl metrics rebuild rewrites stale roll-ups and says so; hitl metrics rollup --reset does it without the records", async () => {
    // Arrange: roll-ups, then a sealed hour rewritten behind them
    const { store, table, experimentId } = await seeded(12);
    const records = await createRecordTables(local.client);
    const devFile = writeDevFile(path.join(dir, `dev-${experimentId}.json`), local.server.endpoint, {
      ...records,
      metrics: table,
    });
    const hitl = (...args: string[]) =>
      runCli(registerMetrics, ["metrics", ...args, "--experiment", experimentId, "--dev-file", devFile]);
    expect((await hitl("rollup")).stdout).toMatch(/roll-ups: \d+ day × arm roll-up\(s\) written/);
    const [first] = await store.readExperiment(experimentId);
    await rewriteSealedHour(table, experimentId, first?.hour ?? "", first?.arm ?? "");

    // Act
    const rebuild = await hitl("rebuild");
    const afterRebuild = await store.readExperiment(experimentId);
    await rewriteSealedHour(table, experimentId, first?.hour ?? "", first?.arm ?? "");
    const reset = await hitl("rollup", "--reset");

    // Assert
    expect(rebuild.stderr).toBe("");
    expect(rebuild.stdout).toContain("the previous roll-ups differed from the hourly counters: replaced");
    expect(afterRebuild[0]?.counters.decisions).toBe((first?.counters.decisions ?? 0) + 1000);
    expect(reset.stdout).toContain("roll-ups of");
    expect(reset.stdout).toContain(`rolled up through ${lastSealedDay(new Date())}`);
    const rows = await store.readExperiment(experimentId);
    expect(rows[0]?.counters.decisions).toBe((first?.counters.decisions ?? 0) + 2000);
    expect(rows).toStrictEqual(await hourly(store, experimentId));
  });
});

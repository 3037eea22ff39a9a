import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repairPk } from "../../../adapters/dynamodb/metrics-keys";
import { applyRepair } from "../../../adapters/dynamodb/metrics-repair";
import { DynamoMetricsStore } from "../../../adapters/dynamodb/metrics-store";
import type { RepairDelta } from "../../../core/metrics/repair";
import { fixedMs } from "../../support/clock";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "./local-tables";

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
});

const hours = (n: number): RepairDelta[] =>
  Array.from({ length: n }, (_, i) => ({
    arm: i % 2 ? "b" : "a",
    hour: new Date(fixedMs("2026-11-20T00") + Math.floor(i / 2) * 3_600_000).toISOString().slice(0, 13),
    counters: { verdicts: 2, overrides: -1 },
  }));

const totals = async (store: DynamoMetricsStore) => {
  const rows = await store.readExperiment("exp-1", { fromHour: "0000" });
  return {
    verdicts: rows.reduce((s, r) => s + (r.counters.verdicts ?? 0), 0),
    overrides: rows.reduce((s, r) => s + (r.counters.overrides ?? 0), 0),
  };
};

describe("applying a repair to the live counters on DynamoDB Local", () => {
  it("adds each correction exactly once, however often the same repair is applied", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const write = {
      experimentId: "exp-1",
      repairId: "repair-1",
      deltas: hours(6),
      at: new Date().toISOString(),
    };

    // Act
    const first = await applyRepair(local.db, table, write);
    const second = await applyRepair(local.db, table, write);

    // Assert
    expect(first).toMatchObject({ committed: 1, alreadyApplied: 0, updates: 6 });
    expect(second).toMatchObject({ committed: 0, alreadyApplied: 1, updates: 0 });
    expect(await totals(store)).toEqual({ verdicts: 12, overrides: -6 });
  });

  it("splits a repair of more counter items than one transaction holds, each part exactly once", async () => {
    // Arrange: 250 corrected items need three transactions
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const write = {
      experimentId: "exp-1",
      repairId: "repair-2",
      deltas: hours(250),
      at: new Date().toISOString(),
    };

    // Act
    const result = await applyRepair(local.db, table, write);
    const again = await applyRepair(local.db, table, write);

    // Assert
    expect(result).toMatchObject({ committed: 3, updates: 250 });
    expect(again).toMatchObject({ committed: 0, alreadyApplied: 3 });
    expect(await totals(store)).toEqual({ verdicts: 500, overrides: -250 });
    const { Items = [] } = await local.db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": repairPk("exp-1") },
      }),
    );
    expect(Items.map((i) => i.sk)).toEqual(["repair-2#0000", "repair-2#0001", "repair-2#0002"]);
    expect(JSON.parse(String(Items[0]?.corrections))).toHaveLength(99);
  });
});

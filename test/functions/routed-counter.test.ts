import { marshall } from "@aws-sdk/util-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { toItem } from "../../adapters/dynamodb/decision-store";
import type { DecisionStreamRecord } from "../../adapters/dynamodb/decision-stream";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { DynamoStreamCounter } from "../../adapters/dynamodb/stream-counter";
import { logger } from "../../adapters/observability";
import type { DecisionRecord } from "../../core/decisions/record";
import { countBatch } from "../../functions/routed-counter/handler";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "../adapters/dynamodb/local-tables";
import { hoursAgo, NOW } from "../adapters/dynamodb/metric-events";

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
});

/** The handler's structured log lines are kept off the test output. */
beforeEach(() => {
  for (const level of ["info", "error"] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** When the test decisions arrived: hours ago on the real clock, which DynamoDB Local's TTL sweeper runs on. */
const RECEIVED_AT = hoursAgo(3);
const CREATED_AT = new Date(Date.parse(RECEIVED_AT) + 120).toISOString();

function decision(id: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    decisionId: id,
    experimentId: "exp-1",
    configVersion: 1,
    unitId: `unit-${id}`,
    arm: "a",
    enrolled: true,
    route: "auto",
    audit: false,
    reason: "confidence 0.97 ≥ 0.95",
    status: "automated",
    item: { topic: "billing" },
    prediction: { label: "approve", confidence: 0.97, costUsd: 0.002, modelVersion: "m1" },
    outcome: "approve",
    outcomeSource: "model",
    requestHash: "h",
    receivedAt: RECEIVED_AT,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

let sequence = 100_000_000_000_000_000_000n;
const insert = (record: DecisionRecord): DecisionStreamRecord => ({
  eventName: "INSERT",
  dynamodb: {
    SequenceNumber: String(sequence++),
    NewImage: marshall(toItem(record), { removeUndefinedValues: true }),
  },
});

async function setUp() {
  const table = await createMetricsTable(local.client);
  return {
    counter: new DynamoStreamCounter(local.db, table, { now: () => NOW }),
    store: new DynamoMetricsStore(local.db, table, { now: () => NOW }),
  };
}

const total = (rows: Awaited<ReturnType<DynamoMetricsStore["readExperiment"]>>, name: string) =>
  rows.reduce((s, r) => s + (r.counters[name] ?? 0), 0);

describe("the routed-decision counter's handler", () => {
  it("counts each inserted decision record as one routed decision, with its latency and cost", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const records = [insert(decision("d1")), insert(decision("d2", { route: "human", status: "held" }))];

    // Act
    const response = await countBatch({ shardId: "shardId-1", Records: records }, counter);

    // Assert
    expect(response).toEqual({ state: {} });
    const rows = await store.readExperiment("exp-1");
    expect(total(rows, "decisions")).toBe(2);
    expect(total(rows, "auto")).toBe(1);
    expect(total(rows, "human")).toBe(1);
    expect(total(rows, "modelCostNanoUsd")).toBe(4_000_000);
    expect(Object.keys(rows[0]?.counters ?? {}).some((name) => name.startsWith("lat:auto:"))).toBe(true);
  });

  it("counts nothing for updates and for items that are not decisions", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const update: DecisionStreamRecord = { ...insert(decision("d1")), eventName: "MODIFY" };
    const feedback: DecisionStreamRecord = {
      eventName: "INSERT",
      dynamodb: { SequenceNumber: String(sequence++), NewImage: marshall({ pk: "f1", sk: "FEEDBACK" }) },
    };

    // Act
    await countBatch({ shardId: "shardId-1", Records: [update, feedback] }, counter);

    // Assert
    expect(await store.readExperiment("exp-1")).toEqual([]);
  });

  it("skips a record that is not a valid decision, names it in the log, and counts the rest", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const broken = insert(decision("d-bad", { experimentId: "" }));
    const good = insert(decision("d-good"));

    // Act
    await countBatch({ shardId: "shardId-1", Records: [broken, good] }, counter);

    // Assert
    expect(total(await store.readExperiment("exp-1"), "decisions")).toBe(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ decisionId: "d-bad" }),
    );
  });

  it("skips a record whose image cannot be read, and counts the rest", async () => {
    // Arrange: an attribute value without a type, which unmarshall refuses
    const { counter, store } = await setUp();
    const unreadable: DecisionStreamRecord = {
      eventName: "INSERT",
      dynamodb: {
        SequenceNumber: String(sequence++),
        NewImage: { ...marshall(toItem(decision("d-odd"))), item: {} as never },
      },
    };

    // Act
    await countBatch({ shardId: "shardId-1", Records: [unreadable, insert(decision("d-fine"))] }, counter);

    // Assert
    expect(total(await store.readExperiment("exp-1"), "decisions")).toBe(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ reason: expect.stringContaining("unreadable decision record") }),
    );
  });

  it("fails the batch, naming the cause, when the event has no shard id", async () => {
    // Arrange
    const { counter } = await setUp();

    // Act
    const run = countBatch({ Records: [insert(decision("d1"))] }, counter);

    // Assert
    await expect(run).rejects.toThrow(/without shardId: the event source mapping needs a tumbling window/);
  });
});

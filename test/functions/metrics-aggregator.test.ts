import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import type { MetricEvent } from "../../core/metrics/events";
import { handler, processBatch } from "../../functions/metrics-aggregator/handler";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "../adapters/dynamodb/local-tables";
import { manyRouted, verdict } from "../core/metrics/events";

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
});

/** The handler's structured log lines, kept off the test output. */
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const level of ["warn", "error"] as const)
    vi.spyOn(console, level).mockImplementation((line: string) => {
      logged.push(line);
    });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(Date.now()),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:MetricsQueue",
    awsRegion: "us-east-1",
  };
}

const batchOf = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => sqsRecord(`m${i}`, body)),
});

/** Events of a fresh experiment, timed now so none is stale. */
function freshEvents(experimentId: string, n: number): MetricEvent[] {
  const at = new Date().toISOString();
  return manyRouted(n, { experimentId, at, route: "human" }).map((e, i) => ({
    ...e,
    id: `${experimentId}:${i}`,
  }));
}

const total = async (store: DynamoMetricsStore, experimentId: string, counter: string) =>
  (await store.readExperiment(experimentId)).reduce((s, r) => s + (r.counters[counter] ?? 0), 0);

describe("the metrics aggregator handler", () => {
  it("reports exactly the malformed records as failures and counts the rest", async () => {
    // Arrange
    process.env.METRICS_TABLE = await createMetricsTable(local.client);
    const valid = freshEvents("exp-f", 4).map((e) => JSON.stringify(e));
    const bodies = [
      valid[0] ?? "",
      "{not json",
      valid[1] ?? "",
      JSON.stringify({ ...JSON.parse(valid[2] ?? "{}"), type: "decision.teleported" }),
      JSON.stringify({ ...verdict({ at: new Date().toISOString() }), handlingSeconds: "ninety" }),
      valid[3] ?? "",
    ];

    // Act
    const response = await handler(batchOf(bodies));

    // Assert
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: "m1" },
      { itemIdentifier: "m3" },
      { itemIdentifier: "m4" },
    ]);
    const store = new DynamoMetricsStore(local.db, process.env.METRICS_TABLE);
    expect(await total(store, "exp-f", "decisions")).toBe(3);
    expect(logged.map((line) => JSON.parse(line).messageId)).toEqual(["m1", "m3", "m4"]);
    expect(logged[2]).toContain("handlingSeconds");
  });

  it("counts a redelivered batch once", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const batch = batchOf(freshEvents("exp-r", 20).map((e) => JSON.stringify(e)));
    await processBatch(batch, store);

    // Act
    const again = await processBatch(batch, store);

    // Assert
    expect(again.batchItemFailures).toEqual([]);
    expect(await total(store, "exp-r", "decisions")).toBe(20);
  });

  it("fails every message carrying an event older than the dedupe window, and only those", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const [fresh] = freshEvents("exp-s", 1);
    const old = { ...fresh, id: "old", at: "2020-01-01T00:00:00.000Z" };

    // Act
    const response = await processBatch(
      batchOf([JSON.stringify(fresh), JSON.stringify(old), JSON.stringify(old)]),
      store,
    );

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m1" }, { itemIdentifier: "m2" }]);
    expect(await total(store, "exp-s", "decisions")).toBe(1);
  });

  it("fails every valid message when the counters cannot be written, so SQS retries them", async () => {
    // Arrange: a table that does not exist
    const store = new DynamoMetricsStore(local.db, "NoSuchTable");
    const bodies = freshEvents("exp-x", 2).map((e) => JSON.stringify(e));

    // Act
    const response = await processBatch(batchOf([...bodies, "[]"]), store);

    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m0", "m1", "m2"]);
  });
});

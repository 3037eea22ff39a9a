import type { SQSEvent, SQSRecord } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { logger } from "../../adapters/observability";
import type { MetricEvent } from "../../core/metrics/events";
import { processBatch } from "../../functions/metrics-aggregator/handler";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "../adapters/dynamodb/local-tables";
import { manyRouted, verdict } from "../core/metrics/events";

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo();
});

afterAll(async () => {
  await local?.stop();
});

/** The handler's structured log lines are kept off the test output. */
beforeEach(() => {
  for (const level of ["warn", "error"] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
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

/** A dead-letter queue that remembers what it was given. */
class RecordingDeadLetter {
  readonly sent: { messageId: string; code: string; reason: string }[] = [];
  async send(record: { messageId: string }, code: string, reason: string) {
    this.sent.push({ messageId: record.messageId, code, reason });
  }
}

describe("the metrics aggregator handler", () => {
  it("sends exactly the malformed records to the dead-letter queue with the reason and counts the rest", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const deadLetter = new RecordingDeadLetter();
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
    const response = await processBatch(batchOf(bodies), store, deadLetter);

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetter.sent.map((d) => [d.messageId, d.code])).toEqual([
      ["m1", "malformed_metric_event"],
      ["m3", "malformed_metric_event"],
      ["m4", "malformed_metric_event"],
    ]);
    expect(deadLetter.sent[2]?.reason).toContain("handlingSeconds");
    expect(await total(store, "exp-f", "decisions")).toBe(3);
  });

  it("retries a malformed record when even the dead-letter queue refuses it, so nothing is lost", async () => {
    // Arrange
    const store = new DynamoMetricsStore(local.db, await createMetricsTable(local.client));
    const refusing = {
      send: async () => {
        throw new Error("dead-letter queue unavailable");
      },
    };

    // Act
    const response = await processBatch(batchOf(["{not json"]), store, refusing);

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: "m0" }]);
  });

  it("counts a redelivered batch once", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const batch = batchOf(freshEvents("exp-r", 20).map((e) => JSON.stringify(e)));
    await processBatch(batch, store, new RecordingDeadLetter());

    // Act
    const again = await processBatch(batch, store, new RecordingDeadLetter());

    // Assert
    expect(again.batchItemFailures).toEqual([]);
    expect(await total(store, "exp-r", "decisions")).toBe(20);
  });

  it("dead-letters every message carrying an event older than the dedupe window, and only those", async () => {
    // Arrange
    const table = await createMetricsTable(local.client);
    const store = new DynamoMetricsStore(local.db, table);
    const deadLetter = new RecordingDeadLetter();
    const [fresh] = freshEvents("exp-s", 1);
    const old = { ...fresh, id: "old", at: new Date(Date.now() - 30 * 86_400_000).toISOString() };

    // Act
    const response = await processBatch(
      batchOf([JSON.stringify(fresh), JSON.stringify(old), JSON.stringify(old)]),
      store,
      deadLetter,
    );

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetter.sent.map((d) => [d.messageId, d.code])).toEqual([
      ["m1", "stale_metric_event"],
      ["m2", "stale_metric_event"],
    ]);
    expect(await total(store, "exp-s", "decisions")).toBe(1);
  });

  it("fails every valid message when the counters cannot be written, so SQS retries them", async () => {
    // Arrange: a table that does not exist
    const store = new DynamoMetricsStore(local.db, "NoSuchTable");
    const bodies = freshEvents("exp-x", 2).map((e) => JSON.stringify(e));

    // Act
    const deadLetter = new RecordingDeadLetter();
    const response = await processBatch(batchOf([...bodies, "[]"]), store, deadLetter);

    // Assert
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(["m0", "m1"]);
    expect(deadLetter.sent.map((d) => d.messageId)).toEqual(["m2"]);
  });
});

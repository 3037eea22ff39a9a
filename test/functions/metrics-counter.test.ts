import { marshall } from "@aws-sdk/util-dynamodb";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { toItem } from "../../adapters/dynamodb/decision-store";
import { feedbackItem } from "../../adapters/dynamodb/feedback-store";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import type { TableStreamRecord } from "../../adapters/dynamodb/record-stream";
import { REVIEW_SK } from "../../adapters/dynamodb/review-store";
import { DynamoStreamCounter } from "../../adapters/dynamodb/stream-counter";
import { logger } from "../../adapters/observability";
import type { DecisionRecord } from "../../core/decisions/record";
import type { FeedbackRecord } from "../../core/feedback/record";
import type { ReviewItem } from "../../core/review/item";
import { countBatch } from "../../functions/metrics-counter/handler";
import { createMetricsTable, type LocalDynamo, startLocalDynamo } from "../adapters/dynamodb/local-tables";
import { feedback, decision as fixture, item, verdict } from "../core/metrics/records";
import { fixed } from "../support/clock";

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

const EXP = { experimentId: "exp-1" };
const decision = (id: string, overrides: Partial<DecisionRecord> = {}) =>
  fixture({
    ...EXP,
    decisionId: id,
    unitId: `unit-${id}`,
    prediction: { label: "approve", confidence: 0.97, costUsd: 0.002, modelVersion: "m1" },
    ...overrides,
  });
const review = (overrides: Partial<ReviewItem> = {}) => item({ ...EXP, ...overrides });
const correction = (acks: FeedbackRecord["acks"] = []) => feedback({ ...EXP, feedbackId: "fb-1", acks });

let sequence = 100_000_000_000_000_000_000n;
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true });
/** A stream record as Lambda delivers it: old and new image (NEW_AND_OLD_IMAGES). */
function write(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): TableStreamRecord {
  return {
    eventName: before ? (after ? "MODIFY" : "REMOVE") : "INSERT",
    dynamodb: {
      SequenceNumber: String(sequence++),
      ...(before ? { OldImage: image(before) } : {}),
      ...(after ? { NewImage: image(after) } : {}),
    },
  };
}
const reviewItem = (r: ReviewItem) => ({ pk: r.reviewId, sk: REVIEW_SK, ...r });

async function setUp() {
  const table = await createMetricsTable(local.client);
  return {
    // The marks' TTL comes from the real clock: DynamoDB Local deletes items whose expiry has passed.
    counter: new DynamoStreamCounter(local.db, table),
    store: new DynamoMetricsStore(local.db, table),
  };
}

const total = (rows: Awaited<ReturnType<DynamoMetricsStore["readExperiment"]>>, name: string) =>
  rows.reduce((s, r) => s + (r.counters[name] ?? 0), 0);
const batch = (Records: TableStreamRecord[], shardId = "shardId-1") => ({
  shardId,
  eventSourceARN: "arn:aws:dynamodb:us-east-1:000000000000:table/Decisions/stream/1",
  Records,
});

describe("the metrics counter's handler", () => {
  it("counts each inserted decision record as one routed decision, with its latency and cost", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const records = [
      write(undefined, toItem(decision("d1"))),
      write(undefined, toItem(decision("d2", { route: "human", status: "held" }))),
    ];

    // Act
    const response = await countBatch(batch(records), counter);

    // Assert
    expect(response).toEqual({ state: {} });
    const rows = await store.readExperiment("exp-1");
    expect(total(rows, "decisions")).toBe(2);
    expect(total(rows, "auto")).toBe(1);
    expect(total(rows, "human")).toBe(1);
    expect(total(rows, "modelCostNanoUsd")).toBe(4_000_000);
    expect(Object.keys(rows[0]?.counters ?? {}).some((name) => name.startsWith("lat:auto:"))).toBe(true);
  });

  it("counts what each write of a review item adds to its history, and nothing for a write that adds none", async () => {
    // Arrange: stored, claimed (nothing new), then a verdict and the outcome
    const { counter, store } = await setUp();
    const stored = review();
    const claimed = review({ status: "claimed", leaseHolder: "alice" });
    const decided = review({
      status: "decided",
      verdicts: [verdict("alice", "deny", 1, { claimedAt: fixed("2026-11-25T12:11:00.000Z") })],
      outcome: { label: "deny", source: "reviewer", at: fixed("2026-11-25T12:21:00.000Z") },
    });

    // Act
    await countBatch(
      batch([
        write(undefined, reviewItem(stored)),
        write(reviewItem(stored), reviewItem(claimed)),
        write(reviewItem(claimed), reviewItem(decided)),
      ]),
      counter,
    );

    // Assert
    const rows = await store.readExperiment("exp-1");
    expect(total(rows, "enqueued")).toBe(1);
    expect(total(rows, "verdicts")).toBe(1);
    expect(total(rows, "overrides")).toBe(1);
    expect(total(rows, "queueMs")).toBe(10 * 60_000);
    expect(total(rows, "humanCostNanoUsd")).toBe(600_000_000);
    expect(total(rows, "humanOutcomes")).toBe(1);
    expect(total(rows, "events")).toBe(3);
  });

  it("counts a feedback record's production and each acknowledgement as its writes add them", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const produced = feedbackItem(correction());
    const acked = feedbackItem(
      correction([{ stage: "training", modelVersion: "m2", at: fixed("2026-11-25T14:20:00.000Z") }]),
    );

    // Act
    await countBatch(batch([write(undefined, produced), write(produced, acked)]), counter);

    // Assert
    const rows = await store.readExperiment("exp-1");
    expect(total(rows, "feedbackProduced")).toBe(1);
    expect(total(rows, "feedbackAcked:training")).toBe(1);
    expect(total(rows, "closureMs:training")).toBe(2 * 3_600_000 - 1000);
  });

  it("counts nothing for a deleted item or an item no metric comes from", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const removed = write(toItem(decision("d1")), undefined);
    const model = write(undefined, { pk: "model#m1", sk: "MODEL", awaitingDeployment: true });

    // Act
    await countBatch(batch([removed, model]), counter);

    // Assert
    expect(await store.readExperiment("exp-1")).toEqual([]);
  });

  it("leaves out an event a record cannot make valid, names it in the log, and counts the rest", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const broken = write(undefined, toItem(decision("d-bad", { experimentId: "" })));
    const good = write(undefined, toItem(decision("d-good")));

    // Act
    await countBatch(batch([broken, good]), counter);

    // Assert
    expect(total(await store.readExperiment("exp-1"), "decisions")).toBe(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ id: "decision.routed:d-bad" }),
    );
  });

  it("skips a record whose image cannot be read, and counts the rest", async () => {
    // Arrange: an attribute value without a type, which unmarshall refuses
    const { counter, store } = await setUp();
    const unreadable: TableStreamRecord = write(undefined, toItem(decision("d-odd")));
    if (unreadable.dynamodb?.NewImage) unreadable.dynamodb.NewImage.item = {} as never;

    // Act
    await countBatch(batch([unreadable, write(undefined, toItem(decision("d-fine")))]), counter);

    // Assert
    expect(total(await store.readExperiment("exp-1"), "decisions")).toBe(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.any(String),
      expect.objectContaining({ reason: expect.stringContaining("unreadable image") }),
    );
  });

  it("keeps one mark per stream: the same shard id on the decisions and reviews streams counts both", async () => {
    // Arrange
    const { counter, store } = await setUp();
    const first = write(undefined, toItem(decision("d1")));
    const second = write(undefined, toItem(decision("d2")));

    // Act: a later record on another stream, then an earlier one on the first
    await countBatch({ ...batch([second]), eventSourceARN: "arn:…:table/Reviews/stream/1" }, counter);
    await countBatch(batch([first]), counter);

    // Assert
    expect(total(await store.readExperiment("exp-1"), "decisions")).toBe(2);
  });

  it("fails the batch, naming the cause, when the event has no shard id", async () => {
    // Arrange
    const { counter } = await setUp();

    // Act
    const run = countBatch({ Records: [write(undefined, toItem(decision("d1")))] }, counter);

    // Assert
    await expect(run).rejects.toThrow(/without shardId: the event source mapping needs a tumbling window/);
  });
});

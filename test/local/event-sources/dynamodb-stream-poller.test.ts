import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../local/dynamodb";
import {
  type CheckpointStore,
  type DynamoDbStreamPoller,
  type DynamoDbStreamPollerOptions,
  fileCheckpoints,
  memoryCheckpoints,
  type StreamInvokeEvent,
  sqsDestination,
  startDynamoDbStreamPoller,
} from "../../../local/event-sources";
import { startSqs } from "../../../local/sqs";

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
const ROUTED_DECISIONS = '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"sk":{"S":["DECISION"]}}}}';

let dynamo: DynamoDbLocal;
let sqsServer: Awaited<ReturnType<typeof startSqs>>;
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let sqs: SQSClient;
let tableCount = 0;
let pollers: DynamoDbStreamPoller[] = [];
const scratch = mkdtempSync(path.join(tmpdir(), "hitl-stream-poller-"));

/** A table with a NEW_IMAGE stream; resolves with its name and DynamoDB Local's stream ARN. */
async function streamTable(): Promise<{ name: string; streamArn: string }> {
  const name = `Decisions${++tableCount}`;
  const created = await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
  return { name, streamArn: created.TableDescription?.LatestStreamArn ?? "" };
}

async function put(table: string, pk: string, sk = "DECISION"): Promise<void> {
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: sk } } }));
}

async function shardIds(streamArn: string): Promise<string[]> {
  const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  return (out.StreamDescription?.Shards ?? []).map((shard) => shard.ShardId ?? "");
}

function poll(
  streamArn: string,
  invoke: (event: StreamInvokeEvent) => Promise<unknown>,
  extra: Partial<DynamoDbStreamPollerOptions> = {},
): DynamoDbStreamPoller {
  const poller = startDynamoDbStreamPoller({
    streams,
    streamArn,
    region: REGION,
    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:Counter",
    startingPosition: "TRIM_HORIZON",
    batchSize: 100,
    batchingWindowSeconds: 0,
    tumblingWindowSeconds: 0,
    maximumRetryAttempts: -1,
    invoke,
    label: "test",
    pollIntervalMs: 50,
    describeIntervalMs: 200,
    retryBackoffMs: { first: 50, max: 100 },
    ...extra,
  });
  pollers.push(poller);
  return poller;
}

const pks = (event: StreamInvokeEvent) => event.Records.map((record) => record.dynamodb?.Keys?.pk?.S);
const sequences = (event: StreamInvokeEvent) =>
  event.Records.map((record) => record.dynamodb?.SequenceNumber);

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  [dynamo, sqsServer] = await Promise.all([
    startDynamoDbLocal(),
    startSqs({ region: REGION, accountId: "000000000000" }),
  ]);
  dynamodb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
  streams = new DynamoDBStreamsClient({
    endpoint: dynamo.endpoint,
    region: REGION,
    credentials: CREDENTIALS,
  });
  sqs = new SQSClient({ endpoint: sqsServer.endpoint, region: REGION, credentials: CREDENTIALS });
}, 60_000);

afterEach(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  pollers = [];
});

afterAll(async () => {
  dynamodb?.destroy();
  streams?.destroy();
  sqs?.destroy();
  await Promise.all([dynamo?.stop(), sqsServer?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
});

describe("the DynamoDB stream poller on DynamoDB Local", () => {
  it("delivers a shard's records in order, in Lambda's shape, with the shard id and window state", async () => {
    // Arrange
    const table = await streamTable();
    const events: StreamInvokeEvent[] = [];
    const returned: Array<{ seen: number }> = [];
    for (const pk of ["d1", "d2", "d3", "d4", "d5"]) await put(table.name, pk);

    // Act
    poll(
      table.streamArn,
      async (event) => {
        events.push(event);
        returned.push({ seen: Number(event.state?.seen ?? 0) + event.Records.length });
        return { state: returned.at(-1) };
      },
      { batchSize: 2, tumblingWindowSeconds: 60 },
    );
    await until(() => events.flatMap(pks).length === 5);

    // Assert
    const [shardId] = await shardIds(table.streamArn);
    expect(events.flatMap(pks)).toEqual(["d1", "d2", "d3", "d4", "d5"]);
    // Up to BatchSize each (a window boundary between two writes would split a batch early).
    expect(events.every((event) => event.Records.length <= 2)).toBe(true);
    const all = events.flatMap(sequences) as string[];
    expect([...all].sort()).toEqual(all);
    expect(events[0]?.Records[0]).toMatchObject({
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: REGION,
      eventSourceARN: table.streamArn,
      dynamodb: { NewImage: { pk: { S: "d1" }, sk: { S: "DECISION" } }, StreamViewType: "NEW_IMAGE" },
    });
    expect(events[0]?.Records[0]?.dynamodb?.ApproximateCreationDateTime).toBeCloseTo(Date.now() / 1000, -3);
    for (const event of events) {
      // A final invocation (empty Records) only comes when a minute boundary fell between the writes.
      expect(event).toMatchObject({
        shardId,
        eventSourceARN: table.streamArn,
        isFinalInvokeForWindow: event.Records.length === 0,
      });
      expect(Date.parse(event.window?.end ?? "") - Date.parse(event.window?.start ?? "")).toBe(60_000);
    }
    // The state an invocation returns is what the next one of the same window gets.
    expect(events[0]?.state).toEqual({});
    for (let i = 1; i < events.length; i++) {
      const sameWindow = events[i]?.window?.start === events[i - 1]?.window?.start;
      expect(events[i]?.state).toEqual(sameWindow ? returned[i - 1] : {});
    }
  });

  it("never hands filtered-out records to the function, and checkpoints past them", async () => {
    // Arrange
    const table = await streamTable();
    const checkpoints = memoryCheckpoints();
    const delivered: StreamInvokeEvent["Records"] = [];
    await put(table.name, "d1");
    await put(table.name, "f1", "FEEDBACK");
    await put(table.name, "d2");
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table.name,
        Key: { pk: { S: "d1" }, sk: { S: "DECISION" } },
        UpdateExpression: "SET reviewed = :yes",
        ExpressionAttributeValues: { ":yes": { BOOL: true } },
      }),
    );

    // Act
    poll(table.streamArn, async (event) => void delivered.push(...event.Records), {
      filterPatterns: [ROUTED_DECISIONS],
      checkpoints,
    });
    await until(() => delivered.length === 2);
    await settle();

    // Assert
    expect(delivered.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(["d1", "d2"]);
    const [shardId] = await shardIds(table.streamArn);
    // The MODIFY after d2 was dropped, and the checkpoint is past it (DynamoDB Local numbers every
    // write of the database in one sequence, so it is d2's number plus one).
    const d2 = BigInt(delivered[1]?.dynamodb?.SequenceNumber ?? "0");
    expect(BigInt(checkpoints.load()?.shards[shardId ?? ""]?.sequenceNumber ?? "0")).toBe(d2 + 1n);
  });

  it("retries a failing batch with the same records, in order, and skips nothing", async () => {
    // Arrange
    const table = await streamTable();
    const calls: string[][] = [];
    for (const pk of ["a", "b", "c"]) await put(table.name, pk);

    // Act
    poll(table.streamArn, async (event) => {
      calls.push(pks(event) as string[]);
      if (calls.length === 1) await put(table.name, "d");
      if (calls.length <= 3) throw new Error("the counter table is throttled");
      return undefined;
    });
    await until(() => calls.flat().includes("d"));

    // Assert
    expect(calls.slice(0, 4)).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c"],
      ["a", "b", "c"],
      ["a", "b", "c"],
    ]);
    expect(calls.slice(4).flat()).toEqual(["d"]);
  });

  it("treats a tumbling-window response without state as a failed batch", async () => {
    // Arrange
    const table = await streamTable();
    const calls: string[][] = [];
    await put(table.name, "a");

    // Act
    poll(
      table.streamArn,
      async (event) => {
        calls.push(pks(event) as string[]);
        return calls.length === 1 ? { counted: 1 } : { state: {} };
      },
      { tumblingWindowSeconds: 60 },
    );
    await until(() => calls.length === 2);

    // Assert
    expect(calls).toEqual([["a"], ["a"]]);
  });

  it("retries the whole batch when ReportBatchItemFailures names a failed item, and only then", async () => {
    // Arrange
    const reporting = await streamTable();
    const ignoring = await streamTable();
    for (const table of [reporting, ignoring]) for (const pk of ["a", "b"]) await put(table.name, pk);
    const calls = { reporting: [] as string[][], ignoring: [] as string[][] };
    const failB = (seen: string[][]) => async (event: StreamInvokeEvent) => {
      seen.push(pks(event) as string[]);
      const b = event.Records.find((record) => record.dynamodb?.Keys?.pk?.S === "b");
      return {
        batchItemFailures: seen.length === 1 ? [{ itemIdentifier: b?.dynamodb?.SequenceNumber }] : [],
      };
    };

    // Act
    poll(reporting.streamArn, failB(calls.reporting), { reportBatchItemFailures: true });
    poll(ignoring.streamArn, failB(calls.ignoring));
    await until(() => calls.reporting.length === 2 && calls.ignoring.length === 1);
    await settle();

    // Assert
    expect(calls.reporting).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(calls.ignoring).toEqual([["a", "b"]]);
  });

  it("sends a batch to the on-failure queue once its retries are exhausted, then moves on", async () => {
    // Arrange
    const table = await streamTable();
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: `stream-failures-${tableCount}` }));
    const queueUrl = queue.QueueUrl ?? "";
    const calls: string[][] = [];
    await put(table.name, "poison");
    await put(table.name, "good");

    // Act
    poll(
      table.streamArn,
      async (event) => {
        calls.push(pks(event) as string[]);
        if (pks(event).includes("poison")) throw new TypeError("cannot count this record");
        return undefined;
      },
      { batchSize: 1, maximumRetryAttempts: 2, onFailure: sqsDestination(sqs, queueUrl) },
    );
    await until(() => calls.flat().includes("good"));

    // Assert
    expect(calls).toEqual([["poison"], ["poison"], ["poison"], ["good"]]);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages).toHaveLength(1);
    const [shardId] = await shardIds(table.streamArn);
    const body = JSON.parse(received.Messages?.[0]?.Body ?? "{}");
    expect(body).toMatchObject({
      requestContext: {
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:Counter",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 3,
      },
      responseContext: { functionError: "Unhandled" },
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: expect.stringMatching(/^\d{21}$/),
        batchSize: 1,
        streamArn: table.streamArn,
      },
    });
    expect(body.DDBStreamBatchInfo.endSequenceNumber).toBe(body.DDBStreamBatchInfo.startSequenceNumber);
  });

  it("resumes after the last processed record when started again on the same checkpoints", async () => {
    // Arrange
    const table = await streamTable();
    const file = path.join(scratch, `${table.name}.json`);
    const first: string[] = [];
    const second: string[] = [];
    await put(table.name, "before-1");
    await put(table.name, "before-2");
    const earlier = poll(table.streamArn, async (event) => void first.push(...(pks(event) as string[])), {
      checkpoints: fileCheckpoints(file),
    });
    await until(() => first.length === 2);
    await earlier.stop();
    await put(table.name, "while-down");

    // Act
    poll(table.streamArn, async (event) => void second.push(...(pks(event) as string[])), {
      checkpoints: fileCheckpoints(file),
    });
    await until(() => second.length === 1);
    await put(table.name, "after");
    await until(() => second.length === 2);

    // Assert
    expect(first).toEqual(["before-1", "before-2"]);
    expect(second).toEqual(["while-down", "after"]);
  });

  it("closes a tumbling window with a final invocation that gets the window's last state", async () => {
    // Arrange: one-second windows close right away, as DynamoDB Local's record times are whole minutes.
    const table = await streamTable();
    const events: StreamInvokeEvent[] = [];
    await put(table.name, "a");

    // Act
    poll(
      table.streamArn,
      async (event) => {
        events.push(event);
        return { state: { seen: event.Records.length } };
      },
      { tumblingWindowSeconds: 1 },
    );
    await until(() => events.length === 2);
    await put(table.name, "b");
    await until(() => events.length === 4);

    // Assert
    expect(events.map((event) => [pks(event), event.isFinalInvokeForWindow])).toEqual([
      [["a"], false],
      [[], true],
      [["b"], false],
      [[], true],
    ]);
    expect(events[1]).toMatchObject({ state: { seen: 1 }, window: events[0]?.window });
    // A closed window is never reopened: "b" gets the next window even if its time rounds into the first.
    expect(Date.parse(events[2]?.window?.start ?? "")).toBeGreaterThan(
      Date.parse(events[0]?.window?.start ?? ""),
    );
  });

  it("starts at the stream's end with LATEST, delivering only what is written afterwards", async () => {
    // Arrange
    const table = await streamTable();
    const delivered: string[] = [];
    await put(table.name, "old");

    // Act
    poll(table.streamArn, async (event) => void delivered.push(...(pks(event) as string[])), {
      startingPosition: "LATEST",
    });
    await settle();
    await put(table.name, "new");
    await until(() => delivered.length === 1);

    // Assert
    expect(delivered).toEqual(["new"]);
  });

  it("reads a closed shard to its end, then marks it finished", async () => {
    // Arrange: disabling the stream closes its shard, as a rollover closes the parent of a child.
    const table = await streamTable();
    const checkpoints = memoryCheckpoints();
    const delivered: string[] = [];
    await put(table.name, "last-words");
    await dynamodb.send(
      new UpdateTableCommand({ TableName: table.name, StreamSpecification: { StreamEnabled: false } }),
    );

    // Act
    poll(table.streamArn, async (event) => void delivered.push(...(pks(event) as string[])), { checkpoints });
    const [shardId] = await shardIds(table.streamArn);
    await until(() => checkpoints.load()?.shards[shardId ?? ""]?.finished === true);

    // Assert
    expect(delivered).toEqual(["last-words"]);
  });

  it("lets the batch in flight finish and checkpoints it when stopped", async () => {
    // Arrange
    const table = await streamTable();
    const checkpoints: CheckpointStore = memoryCheckpoints();
    let started = false;
    let finished = false;
    await put(table.name, "slow");
    const poller = poll(
      table.streamArn,
      async () => {
        started = true;
        await new Promise((resolve) => setTimeout(resolve, 500));
        finished = true;
      },
      { checkpoints },
    );
    await until(() => started);

    // Act
    await poller.stop();

    // Assert
    expect(finished).toBe(true);
    const [shardId] = await shardIds(table.streamArn);
    expect(checkpoints.load()?.shards[shardId ?? ""]?.sequenceNumber).toMatch(/^\d{21}$/);
  });
});

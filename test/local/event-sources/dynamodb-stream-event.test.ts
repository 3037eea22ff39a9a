import type { _Record } from "@aws-sdk/client-dynamodb-streams";
import { describe, expect, it } from "vitest";
import {
  type LambdaStreamRecord,
  onFailureRecord,
  streamEvent,
  toLambdaRecord,
  windowOf,
} from "../../../local/event-sources";
import {
  isoSeconds,
  reportsItemFailures,
  windowStateOf,
} from "../../../local/event-sources/dynamodb-stream-event";
import { fixed, fixedDate, fixedMs } from "../../support/clock";

const STREAM_ARN = "arn:aws:dynamodb:ddblocal:000000000000:table/Decisions/stream/2026-01-02T03:04:05.678";

/** A record as the SDK returns it from GetRecords on DynamoDB Local. */
function sdkRecord(sequence: string, extra: Partial<_Record> = {}): _Record {
  return {
    eventID: `id-${sequence}`,
    eventName: "INSERT",
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "ddblocal",
    dynamodb: {
      ApproximateCreationDateTime: fixedDate("2026-01-02T03:04:00Z"),
      Keys: { pk: { S: "d-1" } },
      NewImage: { pk: { S: "d-1" }, sk: { S: "DECISION" }, blob: { B: new Uint8Array([1, 2, 3]) } },
      SequenceNumber: sequence,
      SizeBytes: 42,
      StreamViewType: "NEW_IMAGE",
    },
    ...extra,
  };
}

function lambdaRecord(sequence: string, createdSeconds: number): LambdaStreamRecord {
  const record = toLambdaRecord(sdkRecord(sequence), { region: "us-east-1", streamArn: STREAM_ARN });
  return { ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: createdSeconds } };
}

describe("a stream record in Lambda's shape", () => {
  it("carries the function's region, epoch seconds, and binaries as base64", () => {
    const record = toLambdaRecord(sdkRecord("000000000000000000007"), {
      region: "eu-west-1",
      streamArn: STREAM_ARN,
    });

    expect(record).toEqual({
      eventID: "id-000000000000000000007",
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "eu-west-1",
      dynamodb: {
        ApproximateCreationDateTime: fixedMs("2026-01-02T03:04:00Z") / 1000,
        Keys: { pk: { S: "d-1" } },
        NewImage: { pk: { S: "d-1" }, sk: { S: "DECISION" }, blob: { B: "AQID" } },
        SequenceNumber: "000000000000000000007",
        SizeBytes: 42,
        StreamViewType: "NEW_IMAGE",
      },
      eventSourceARN: STREAM_ARN,
    });
  });

  it("restores the empty maps DynamoDB Local's stream writes as {}, at any depth", () => {
    // Arrange: what GetRecords returns for item = {}, and for an empty map inside a map and a list
    const raw = sdkRecord("000000000000000000009", {
      dynamodb: {
        NewImage: {
          pk: { S: "d-1" },
          item: {} as never,
          nested: { M: { inner: {} as never, name: { S: "x" } } },
          list: { L: [{} as never, { N: "1" }] },
        },
        SequenceNumber: "000000000000000000009",
      },
    });

    // Act
    const record = toLambdaRecord(raw, { region: "us-east-1", streamArn: STREAM_ARN });

    // Assert
    expect(record.dynamodb.NewImage).toEqual({
      pk: { S: "d-1" },
      item: { M: {} },
      nested: { M: { inner: { M: {} }, name: { S: "x" } } },
      list: { L: [{ M: {} }, { N: "1" }] },
    });
  });

  it("leaves out the images a REMOVE does not have", () => {
    const removal = sdkRecord("000000000000000000008", {
      eventName: "REMOVE",
      dynamodb: { Keys: { pk: { S: "d-1" } }, SequenceNumber: "000000000000000000008", SizeBytes: 5 },
    });

    const record = toLambdaRecord(removal, { region: "us-east-1", streamArn: STREAM_ARN });

    expect(record.eventName).toBe("REMOVE");
    expect(Object.keys(record.dynamodb)).toEqual([
      "ApproximateCreationDateTime",
      "Keys",
      "SequenceNumber",
      "SizeBytes",
    ]);
  });
});

describe("tumbling windows", () => {
  it("aligns a window to multiples of its size since the epoch", () => {
    const at = fixedMs("2026-01-02T03:04:35Z") / 1000;

    expect(windowOf(at, 60)).toEqual({ start: at - 35, end: at + 25 });
    expect(windowOf(at, 300).start).toBe(fixedMs("2026-01-02T03:00:00Z") / 1000);
  });

  it("puts a time on a boundary into the window it starts", () => {
    const boundary = fixedMs("2026-01-02T03:05:00Z") / 1000;

    expect(windowOf(boundary, 60).start).toBe(boundary);
  });

  it("writes window bounds as ISO times without milliseconds, as Lambda does", () => {
    expect(isoSeconds(fixedMs("2026-01-02T03:04:00Z") / 1000)).toBe(fixed("2026-01-02T03:04:00Z"));
  });

  it("adds shardId, window, state and the final-invocation flags to the event", () => {
    const start = fixedMs("2026-01-02T03:04:00Z") / 1000;
    const records = [lambdaRecord("000000000000000000001", start + 1)];

    const event = streamEvent(records, {
      shardId: "shardId-1",
      streamArn: STREAM_ARN,
      window: { start, end: start + 60 },
      state: { routed: 3 },
      final: false,
    });

    expect(event).toEqual({
      Records: records,
      window: { start: fixed("2026-01-02T03:04:00Z"), end: fixed("2026-01-02T03:05:00Z") },
      state: { routed: 3 },
      shardId: "shardId-1",
      eventSourceARN: STREAM_ARN,
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });
  });

  it("sends only Records when the mapping has no tumbling window", () => {
    const records = [lambdaRecord("000000000000000000001", 0)];

    expect(streamEvent(records)).toEqual({ Records: records });
  });

  it("takes a response's state object and refuses a response without one", () => {
    expect(windowStateOf({ state: { n: 1 } })).toEqual({ n: 1 });
    expect(windowStateOf({ state: {}, batchItemFailures: [] })).toEqual({});
    expect(windowStateOf(undefined)).toBeUndefined();
    expect(windowStateOf({ state: "n=1" })).toBeUndefined();
    expect(windowStateOf({ batchItemFailures: [] })).toBeUndefined();
  });
});

describe("reported item failures", () => {
  it("count only when the response names at least one failed item", () => {
    expect(reportsItemFailures({ batchItemFailures: [{ itemIdentifier: "000000000000000000002" }] })).toBe(
      true,
    );
    expect(reportsItemFailures({ batchItemFailures: "all" })).toBe(true);
    expect(reportsItemFailures({ batchItemFailures: [] })).toBe(false);
    expect(reportsItemFailures({ state: {} })).toBe(false);
    expect(reportsItemFailures(null)).toBe(false);
  });
});

describe("the on-failure record", () => {
  it("describes the batch given up on the way Lambda does", () => {
    const first = fixedMs("2026-01-02T03:04:00Z") / 1000;
    const records = [
      lambdaRecord("000000000000000000003", first),
      lambdaRecord("000000000000000000005", first + 60),
    ];

    const record = onFailureRecord({
      functionArn: "arn:aws:lambda:us-east-1:000000000000:function:Counter",
      streamArn: STREAM_ARN,
      shardId: "shardId-1",
      records,
      condition: "RetryAttemptsExhausted",
      attempts: 3,
      functionError: "Unhandled",
      requestId: "req-1",
      now: fixedDate("2026-01-02T03:10:00.123Z"),
    });

    expect(record).toEqual({
      requestContext: {
        requestId: "req-1",
        functionArn: "arn:aws:lambda:us-east-1:000000000000:function:Counter",
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: fixed("2026-01-02T03:10:00.123Z"),
      DDBStreamBatchInfo: {
        shardId: "shardId-1",
        startSequenceNumber: "000000000000000000003",
        endSequenceNumber: "000000000000000000005",
        approximateArrivalOfFirstRecord: fixed("2026-01-02T03:04:00Z"),
        approximateArrivalOfLastRecord: fixed("2026-01-02T03:05:00Z"),
        batchSize: 2,
        streamArn: STREAM_ARN,
      },
    });
  });
});

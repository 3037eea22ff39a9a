// Lambda's view of a DynamoDB stream: records, tumbling-window fields, and the on-failure record.
// Pure functions; the poller (dynamodb-stream-poller.ts) does the I/O.
import type { _Record as SdkStreamRecord } from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

/** A stream record as Lambda hands it to a function, with the fields the poller needs typed. */
export interface LambdaStreamRecord extends DynamoDBRecord {
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  readonly eventSourceARN: string;
  readonly dynamodb: NonNullable<DynamoDBRecord["dynamodb"]> & {
    readonly SequenceNumber: string;
    readonly ApproximateCreationDateTime: number;
  };
}

export interface TumblingWindow {
  /** Epoch seconds, a multiple of the window's size. */
  readonly start: number;
  readonly end: number;
}

/** What Lambda adds to the event when the mapping has TumblingWindowInSeconds. */
export interface TumblingWindowFields {
  readonly shardId: string;
  readonly eventSourceARN: string;
  readonly window: { readonly start: string; readonly end: string };
  readonly state: Record<string, unknown>;
  readonly isFinalInvokeForWindow: boolean;
  readonly isWindowTerminatedEarly: boolean;
}

export type StreamInvokeEvent = DynamoDBStreamEvent & Partial<TumblingWindowFields>;

type AttributeMap = Record<string, AttributeValue>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The SDK's attribute values with binaries as base64, which is how they travel in JSON. */
function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(toJson);
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)]));
  }
  return value;
}

/**
 * DynamoDB Local's streams write an empty map attribute as `{}` where DynamoDB writes `{ "M": {} }`
 * (seen with 3.3.1: GetRecords' raw JSON), which `unmarshall` refuses ("No value defined").
 */
function repairValue(value: unknown): unknown {
  if (!isRecord(value)) return value;
  if (Object.keys(value).length === 0) return { M: {} };
  if (isRecord(value.M)) return { M: repairMap(value.M) };
  if (Array.isArray(value.L)) return { L: value.L.map(repairValue) };
  return value;
}

function repairMap(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([key, item]) => [key, repairValue(item)]));
}

function image(value: unknown): AttributeMap | undefined {
  return isRecord(value) ? (repairMap(toJson(value) as Record<string, unknown>) as AttributeMap) : undefined;
}

/**
 * One record of GetRecords in Lambda's event shape. DynamoDB Local names its own region
 * ("ddblocal"); Lambda's record carries the function's region, so that is what we put.
 */
export function toLambdaRecord(
  record: SdkStreamRecord,
  ctx: { readonly region: string; readonly streamArn: string },
): LambdaStreamRecord {
  const data = record.dynamodb ?? {};
  const eventName =
    record.eventName === "MODIFY" || record.eventName === "REMOVE" ? record.eventName : "INSERT";
  const created = data.ApproximateCreationDateTime;
  const keys = image(data.Keys);
  const newImage = image(data.NewImage);
  const oldImage = image(data.OldImage);
  return {
    eventID: record.eventID ?? "",
    eventName,
    eventVersion: record.eventVersion ?? "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: ctx.region,
    dynamodb: {
      // Lambda gives epoch seconds; the SDK parsed them into a Date.
      ApproximateCreationDateTime: created ? created.getTime() / 1000 : 0,
      ...(keys ? { Keys: keys } : {}),
      ...(newImage ? { NewImage: newImage } : {}),
      ...(oldImage ? { OldImage: oldImage } : {}),
      SequenceNumber: data.SequenceNumber ?? "",
      SizeBytes: data.SizeBytes ?? 0,
      ...(data.StreamViewType ? { StreamViewType: data.StreamViewType } : {}),
    },
    eventSourceARN: ctx.streamArn,
    ...(record.userIdentity ? { userIdentity: toJson(record.userIdentity) } : {}),
  };
}

/** The tumbling window holding `epochSeconds`: windows are aligned to multiples of their size. */
export function windowOf(epochSeconds: number, sizeSeconds: number): TumblingWindow {
  const start = Math.floor(epochSeconds / sizeSeconds) * sizeSeconds;
  return { start, end: start + sizeSeconds };
}

/** `2026-01-02T03:04:00Z`, the form Lambda uses for window bounds (no milliseconds). */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export interface WindowInvocation {
  readonly shardId: string;
  readonly streamArn: string;
  readonly window: TumblingWindow;
  readonly state: Record<string, unknown>;
  readonly final: boolean;
}

export function streamEvent(
  records: readonly LambdaStreamRecord[],
  windowed?: WindowInvocation,
): StreamInvokeEvent {
  if (!windowed) return { Records: [...records] };
  return {
    Records: [...records],
    window: { start: isoSeconds(windowed.window.start), end: isoSeconds(windowed.window.end) },
    state: windowed.state,
    shardId: windowed.shardId,
    eventSourceARN: windowed.streamArn,
    isFinalInvokeForWindow: windowed.final,
    isWindowTerminatedEarly: false,
  };
}

/** With a tumbling window, a response without a `state` object is a failed batch (as in Lambda). */
export function windowStateOf(result: unknown): Record<string, unknown> | undefined {
  return isRecord(result) && isRecord(result.state) ? result.state : undefined;
}

/** Whether a ReportBatchItemFailures response names failed records (or is malformed). */
export function reportsItemFailures(result: unknown): boolean {
  if (!isRecord(result) || result.batchItemFailures === undefined || result.batchItemFailures === null) {
    return false;
  }
  return !Array.isArray(result.batchItemFailures) || result.batchItemFailures.length > 0;
}

export type FailureCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

export interface FailedBatch {
  readonly functionArn: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly records: readonly LambdaStreamRecord[];
  readonly condition: FailureCondition;
  readonly attempts: number;
  /** The last attempt's failure: a function error, or a response Lambda rejects. */
  readonly functionError?: string;
  readonly requestId: string;
  readonly now: Date;
}

/** The record Lambda sends to an OnFailure destination for a stream batch it gave up on. */
export function onFailureRecord(batch: FailedBatch) {
  const first = batch.records[0];
  const last = batch.records.at(-1);
  const arrival = (record: LambdaStreamRecord | undefined) =>
    isoSeconds(record?.dynamodb.ApproximateCreationDateTime ?? batch.now.getTime() / 1000);
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: batch.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.attempts,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: "$LATEST",
      ...(batch.functionError ? { functionError: batch.functionError } : {}),
    },
    version: "1.0",
    timestamp: batch.now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.dynamodb.SequenceNumber ?? "",
      endSequenceNumber: last?.dynamodb.SequenceNumber ?? "",
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}

export type OnFailureRecord = ReturnType<typeof onFailureRecord>;

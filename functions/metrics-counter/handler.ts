import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { decodeRecordStream, type TableStreamRecord } from "../../adapters/dynamodb/record-stream";
import { DynamoStreamCounter } from "../../adapters/dynamodb/stream-counter";
import { logger } from "../../adapters/observability";
import type { ShardCounter } from "../../core/ports";
import { edge } from "../shared/edge";

/** Lambda's DynamoDB stream event with a tumbling window, which is what carries the shard id. */
export interface RecordStreamWindowEvent {
  Records: (TableStreamRecord & { eventSourceARN?: string })[];
  shardId?: string;
  eventSourceARN?: string;
  state?: Record<string, string>;
  isFinalInvokeForWindow?: boolean;
}

/** With a tumbling window Lambda treats a response without `state` as a failed batch. */
export interface WindowResponse {
  state: Record<string, string>;
}

/**
 * Counts one stream batch of the decisions or the reviews table: each write's change in the metric
 * events its record implies. A throw fails the batch, and Lambda retries the same records in order
 * (the counter's mark makes that safe); an event a record implies but cannot be valid is logged and
 * left out, since it would fail every retry and stall its shard (rebuild leaves it out as well).
 */
export async function countBatch(
  event: RecordStreamWindowEvent,
  counter: ShardCounter,
): Promise<WindowResponse> {
  if (!event.shardId)
    throw new Error("stream event without shardId: the event source mapping needs a tumbling window");
  const stream = event.eventSourceARN ?? event.Records[0]?.eventSourceARN;
  // Shard ids are unique within a stream only; the mark is per (stream, shard).
  const shardKey = stream ? `${stream}/${event.shardId}` : event.shardId;
  const { records, invalid } = decodeRecordStream(event.Records ?? []);
  for (const bad of invalid)
    logger.error("invalid metric event left out", { ...bad, shardId: event.shardId });
  // No log line per batch: it would cost more CloudWatch ingestion than the counting itself.
  if (records.length > 0) await counter.count(shardKey, records);
  return { state: {} };
}

let counter: DynamoStreamCounter | undefined;

export const handler = edge(async (event: RecordStreamWindowEvent): Promise<WindowResponse> => {
  counter ??= new DynamoStreamCounter(documentClient(), requireEnv("METRICS_TABLE"), {
    shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
  });
  return countBatch(event, counter);
});

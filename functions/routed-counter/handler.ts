import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { type DecisionStreamRecord, decodeDecisionStream } from "../../adapters/dynamodb/decision-stream";
import { DynamoStreamCounter } from "../../adapters/dynamodb/stream-counter";
import { logger } from "../../adapters/observability";
import type { ShardCounter } from "../../core/ports";
import { edge } from "../shared/edge";

/** Lambda's DynamoDB stream event with a tumbling window, which is what carries the shard id. */
export interface DecisionStreamWindowEvent {
  Records: DecisionStreamRecord[];
  shardId?: string;
  state?: Record<string, string>;
  isFinalInvokeForWindow?: boolean;
}

/** With a tumbling window Lambda treats a response without `state` as a failed batch. */
export interface WindowResponse {
  state: Record<string, string>;
}

/**
 * Counts the routed decisions of one stream batch. A throw fails the batch, and Lambda retries the
 * same records in order (the counter's mark makes that safe); a record that is not a valid decision
 * is logged and skipped, since it would fail every retry and stall its shard.
 */
export async function countBatch(
  event: DecisionStreamWindowEvent,
  counter: ShardCounter,
): Promise<WindowResponse> {
  if (!event.shardId)
    throw new Error("stream event without shardId: the event source mapping needs a tumbling window");
  const { records, malformed } = decodeDecisionStream(event.Records ?? []);
  for (const bad of malformed)
    logger.error("malformed decision record skipped", { ...bad, shardId: event.shardId });
  // No log line per batch: it would cost more CloudWatch ingestion than the counting itself.
  if (records.length > 0) await counter.count(event.shardId, records);
  return { state: {} };
}

let counter: DynamoStreamCounter | undefined;

export const handler = edge(async (event: DecisionStreamWindowEvent): Promise<WindowResponse> => {
  counter ??= new DynamoStreamCounter(documentClient(), requireEnv("METRICS_TABLE"), {
    shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
  });
  return countBatch(event, counter);
});

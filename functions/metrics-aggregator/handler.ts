import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import type { MetricEvent } from "../../core/metrics/events";
import { parseMetricEvent } from "../../core/metrics/parse";

export interface MetricsWriter {
  write(events: readonly MetricEvent[]): Promise<{ stale: string[] }>;
}

const log = (level: "warn" | "error", fields: Record<string, unknown>) =>
  console[level](JSON.stringify({ level, ...fields }));

/**
 * One batch from the metrics queue: malformed or stale messages are reported as failed items (after
 * maxReceiveCount they land in the dead-letter queue, which is alarmed); every valid event is
 * counted exactly once by one write. If the write fails, every valid message is retried: counting
 * twice is impossible because the store dedupes by event id.
 */
export async function processBatch(event: SQSEvent, writer: MetricsWriter): Promise<SQSBatchResponse> {
  const failures = new Set<string>();
  const events: MetricEvent[] = [];
  const messagesOf = new Map<string, string[]>();
  for (const record of event.Records) {
    const parsed = parseMetricEvent(record.body);
    if (!parsed.ok) {
      log("warn", { messageId: record.messageId, error: "malformed_metric_event", reason: parsed.reason });
      failures.add(record.messageId);
      continue;
    }
    events.push(parsed.event);
    messagesOf.set(parsed.event.id, [...(messagesOf.get(parsed.event.id) ?? []), record.messageId]);
  }
  if (events.length > 0) {
    try {
      const { stale } = await writer.write(events);
      for (const id of stale) {
        log("warn", { eventId: id, error: "stale_metric_event", reason: "older than the dedupe window" });
        for (const messageId of messagesOf.get(id) ?? []) failures.add(messageId);
      }
    } catch (error) {
      log("error", { error: "metrics_write_failed", reason: String(error), events: events.length });
      for (const ids of messagesOf.values()) for (const messageId of ids) failures.add(messageId);
    }
  }
  return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
}

let store: DynamoMetricsStore | undefined;

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  store ??= new DynamoMetricsStore(documentClient(), requireEnv("METRICS_TABLE"), {
    shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
  });
  return processBatch(event, store);
};

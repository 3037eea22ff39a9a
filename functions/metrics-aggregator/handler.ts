import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { logger } from "../../adapters/observability";
import { sqsClient } from "../../adapters/sqs/client";
import { SqsDeadLetter } from "../../adapters/sqs/dead-letter";
import type { MetricEvent } from "../../core/metrics/events";
import { parseMetricEvent } from "../../core/metrics/parse";
import type { DeadLetter, MetricsWriter } from "../../core/ports";
import { edge } from "../shared/edge";

/**
 * One batch from the metrics queue: malformed or stale messages go straight to the (alarmed)
 * dead-letter queue with the reason, and nothing else is affected; every valid event is counted
 * exactly once by one write. If the write fails, every valid message is retried: counting twice is
 * impossible because the store dedupes by event id.
 */
export async function processBatch(
  event: SQSEvent,
  writer: MetricsWriter,
  deadLetter: DeadLetter,
): Promise<SQSBatchResponse> {
  const failures = new Set<string>();
  const events: MetricEvent[] = [];
  const messagesOf = new Map<string, string[]>();
  for (const record of event.Records) {
    const parsed = parseMetricEvent(record.body);
    if (!parsed.ok) {
      await toDeadLetter(deadLetter, record, "malformed_metric_event", parsed.reason, failures);
      continue;
    }
    events.push(parsed.event);
    messagesOf.set(parsed.event.id, [...(messagesOf.get(parsed.event.id) ?? []), record.messageId]);
  }
  if (events.length > 0) {
    try {
      const { stale } = await writer.write(events);
      const byId = new Map(event.Records.map((r) => [r.messageId, r]));
      for (const id of stale) {
        for (const messageId of messagesOf.get(id) ?? []) {
          const record = byId.get(messageId);
          if (record)
            await toDeadLetter(
              deadLetter,
              record,
              "stale_metric_event",
              "older than the dedupe window",
              failures,
            );
        }
      }
    } catch (error) {
      logger.error("metrics write failed; the batch is retried", { error, events: events.length });
      for (const ids of messagesOf.values()) for (const messageId of ids) failures.add(messageId);
    }
  }
  return { batchItemFailures: [...failures].map((itemIdentifier) => ({ itemIdentifier })) };
}

/** A message that could not even be dead-lettered is retried instead, so it is never lost. */
async function toDeadLetter(
  deadLetter: DeadLetter,
  record: SQSEvent["Records"][number],
  code: string,
  reason: string,
  failures: Set<string>,
): Promise<void> {
  try {
    await deadLetter.send(record, code, reason);
  } catch (error) {
    logger.error("dead-lettering failed; the message is retried", { messageId: record.messageId, error });
    failures.add(record.messageId);
  }
}

let store: DynamoMetricsStore | undefined;
let deadLetter: DeadLetter | undefined;

export const handler = edge(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  store ??= new DynamoMetricsStore(documentClient(), requireEnv("METRICS_TABLE"), {
    shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
  });
  deadLetter ??= new SqsDeadLetter(sqsClient(), requireEnv("METRICS_DLQ_URL"));
  return processBatch(event, store, deadLetter);
});

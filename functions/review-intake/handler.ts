import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { type IntakeMessage, storeHeldItem } from "../../core/review/intake";
import { deps } from "../shared/deps";

const intake = {
  reviews: deps.reviews(),
  decisions: deps.decisions(),
  experiments: deps.cachedExperiments(),
  audit: deps.audit(),
  events: deps.metrics(),
  now: deps.now,
};

/**
 * Each message carries one hold round and its task token (from `sqs:sendMessage.waitForTaskToken`).
 * A message that fails is reported alone, so SQS retries just it; storing is idempotent.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      await storeHeldItem(intake, JSON.parse(record.body) as IntakeMessage);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", messageId: record.messageId, error: String(error) }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};

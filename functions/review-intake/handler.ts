import { type IntakeMessage, storeHeldItem } from "../../core/review/intake";
import { sqsRecords } from "../shared/batch";
import { deps } from "../shared/deps";

const intake = {
  reviews: deps.reviews(),
  decisions: deps.decisions(),
  experiments: deps.cachedExperiments(),
  audit: deps.audit(),
  now: deps.now,
};

/**
 * Each message carries one hold round and its task token (from `sqs:sendMessage.waitForTaskToken`).
 * A message that fails is reported alone, so SQS retries just it; storing is idempotent.
 */
export const handler = sqsRecords(async (record) => {
  await storeHeldItem(intake, JSON.parse(record.body) as IntakeMessage);
});

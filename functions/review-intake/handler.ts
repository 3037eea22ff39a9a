import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoGoldStore } from "../../adapters/dynamodb/reviewer-store";
import { sqsClient } from "../../adapters/sqs/client";
import { SqsDeadLetter } from "../../adapters/sqs/dead-letter";
import { storeHeldItem } from "../../core/review/intake";
import { readIntakeMessage } from "../../core/review/intake-message";
import { sqsRecords } from "../shared/batch";
import { deps } from "../shared/deps";

const gold = new DynamoGoldStore(documentClient(), requireEnv("REVIEWS_TABLE"));
const intake = {
  absorbShadow: (queue: string) => gold.absorbShadow(queue),
  reviews: deps.reviews(),
  decisions: deps.decisions(),
  experiments: deps.cachedExperiments(),
  audit: deps.audit(),
  now: deps.now,
};
const deadLetter = new SqsDeadLetter(sqsClient(), requireEnv("REVIEW_INTAKE_DLQ_URL"));

/**
 * Each message carries one hold round and its task token (from `sqs:sendMessage.waitForTaskToken`).
 * A message that is not a hold round goes straight to the dead-letter queue with its problem named;
 * one that fails otherwise is reported alone, so SQS retries just it; storing is idempotent.
 */
export const handler = sqsRecords(async (record) => {
  const read = readIntakeMessage(record.body);
  if (!read.ok) return deadLetter.send(record, read.code, read.problem);
  await storeHeldItem(intake, read.message);
});

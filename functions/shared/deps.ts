import { randomUUID } from "node:crypto";
import { DynamoAuditLog } from "../../adapters/dynamodb/audit-log";
import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoDecisionStore } from "../../adapters/dynamodb/decision-store";
import { CachedExperimentReader, DynamoExperimentStore } from "../../adapters/dynamodb/experiment-store";
import { DynamoFeedbackStore } from "../../adapters/dynamodb/feedback-store";
import { DynamoReviewStore } from "../../adapters/dynamodb/review-store";
import { sqsClient } from "../../adapters/sqs/client";
import { SqsNotifier } from "../../adapters/sqs/notifier";

/** Wiring shared by handlers: each piece is built on first use from the function's environment. */
export const deps = {
  experiments: () => new DynamoExperimentStore(documentClient(), requireEnv("EXPERIMENTS_TABLE")),
  cachedExperiments: () =>
    new CachedExperimentReader(new DynamoExperimentStore(documentClient(), requireEnv("EXPERIMENTS_TABLE"))),
  decisions: () => new DynamoDecisionStore(documentClient(), requireEnv("DECISIONS_TABLE")),
  audit: () => new DynamoAuditLog(documentClient(), requireEnv("AUDIT_TABLE")),
  reviews: () => new DynamoReviewStore(documentClient(), requireEnv("REVIEWS_TABLE")),
  feedback: () => new DynamoFeedbackStore(documentClient(), requireEnv("DECISIONS_TABLE")),
  notifier: () =>
    new SqsNotifier(sqsClient(), requireEnv("OUTCOMES_QUEUE_URL"), requireEnv("FEEDBACK_QUEUE_URL")),
  now: () => new Date(),
  newId: () => randomUUID(),
};

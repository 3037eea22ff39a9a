import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoFeedbackStore } from "../../adapters/dynamodb/feedback-store";
import { DynamoGroundTruthStore } from "../../adapters/dynamodb/ground-truth-store";
import { DynamoSignalStore } from "../../adapters/dynamodb/signal-store";
import { sqsClient } from "../../adapters/sqs/client";
import { SqsNotifier } from "../../adapters/sqs/notifier";
import { acknowledgeFeedback } from "../../core/feedback/acknowledge";
import { exportFeedback, toJsonLines } from "../../core/feedback/export";
import { attachGroundTruth } from "../../core/feedback/ground-truth";
import { recordSignal } from "../../core/feedback/types/signals";
import { deps } from "../shared/deps";
import { httpApi } from "../shared/http";

const table = requireEnv("DECISIONS_TABLE");
const feed = new DynamoFeedbackStore(documentClient(), table);

const groundTruth = {
  store: new DynamoGroundTruthStore(documentClient(), table),
  reviews: deps.reviews(),
  audit: deps.audit(),
  // Corrections only: ground truth never changes an outcome, so nothing goes to the outcomes queue.
  notify: new SqsNotifier(sqsClient(), "", requireEnv("FEEDBACK_QUEUE_URL")),
  now: deps.now,
};

const signals = {
  store: new DynamoSignalStore(documentClient(), table),
  experiments: deps.cachedExperiments(),
  reviews: deps.reviews(),
  audit: deps.audit(),
  now: deps.now,
};

export const handler = httpApi({
  "GET /v1/feedback": {
    roles: ["ml"],
    async run({ query }) {
      const page = await exportFeedback({ feed }, query);
      return {
        body: toJsonLines(page.lines),
        headers: {
          "content-type": "application/x-ndjson",
          "x-record-count": String(page.lines.length),
          ...(page.nextCursor ? { "x-next-cursor": page.nextCursor } : {}),
        },
      };
    },
  },
  "POST /v1/feedback/ack": {
    roles: ["ml"],
    run: async ({ body }) => ({
      body: await acknowledgeFeedback({ feed, now: deps.now }, body),
    }),
  },
  "POST /v1/decisions/{id}/ground-truth": {
    roles: ["producer", "ml"],
    async run({ params, body, caller }) {
      const result = await attachGroundTruth(groundTruth, params.id ?? "", body, caller.id);
      const headers: Record<string, string> = result.replayed ? { "x-hitl-replayed": "true" } : {};
      return { body: result, headers };
    },
  },
  "POST /v1/decisions/{id}/signals": {
    roles: ["producer"],
    async run({ params, body, caller }) {
      const result = await recordSignal(signals, params.id ?? "", body, caller.id);
      const headers: Record<string, string> = result.replayed ? { "x-hitl-replayed": "true" } : {};
      return { body: result, headers };
    },
  },
});

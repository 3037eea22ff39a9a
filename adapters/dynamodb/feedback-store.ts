import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { FeedbackRecord } from "../../core/feedback/record";
import type { FeedbackStore } from "../../core/ports";
import { isConditionFailure } from "./client";

export const FEEDBACK_SK = "FEEDBACK";
/** Corrections arrive at human speed, so one index partition holds them all in time order. */
export const FEED_PARTITION = "feedback";

/** Feedback lives in the decisions table (pk = feedback id, sk = "FEEDBACK"), listed by the `feed` index. */
export class DynamoFeedbackStore implements FeedbackStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async put(record: FeedbackRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: record.feedbackId,
            sk: FEEDBACK_SK,
            feedPartition: FEED_PARTITION,
            feedKey: `${record.producedAt}#${record.feedbackId}`,
            ...record,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // A retried workflow step produces the same feedback id: the first record stands.
      if (!isConditionFailure(error)) throw error;
    }
  }
}

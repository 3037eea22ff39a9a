import { type DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { DecisionWithGroundTruth, GroundTruth, GroundTruthStore } from "../../core/feedback/ports";
import type { FeedbackRecord } from "../../core/feedback/record";
import { readDecisionForFeedback, SK } from "./decision-store";
import { createFeedbackUpdate } from "./feedback-store";
import { cancellationCodes } from "./transactions";

/**
 * Ground truth lives on the decision item (`groundTruth`, beside `outcome`). Attaching it and creating
 * the correction it implies are one transaction of two conditional updates, so a failure or a race
 * leaves neither behind.
 */
export class DynamoGroundTruthStore implements GroundTruthStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  get(decisionId: string): Promise<DecisionWithGroundTruth | undefined> {
    return readDecisionForFeedback(this.db, this.table, decisionId);
  }

  async attach(
    decisionId: string,
    groundTruth: GroundTruth,
    feedback?: FeedbackRecord,
  ): Promise<"attached" | "conflict"> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: { pk: decisionId, sk: SK },
                UpdateExpression: "SET groundTruth = :gt, updatedAt = :at",
                ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(groundTruth)",
                ExpressionAttributeValues: { ":gt": groundTruth, ":at": groundTruth.at },
              },
            },
            ...(feedback ? [{ Update: createFeedbackUpdate(this.table, feedback) }] : []),
          ],
        }),
      );
      return "attached";
    } catch (error) {
      if (cancellationCodes(error)?.includes("ConditionalCheckFailed")) return "conflict";
      throw error;
    }
  }
}

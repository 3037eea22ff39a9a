import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ItemWrite, ReReviewWrites, RevisionWrite } from "../../core/reviewers/ports";
import { isConditionFailure } from "./client";
import { updateExpression } from "./pages";
import { REVIEW_SK } from "./review-store";
import { cancellationCodes } from "./transactions";

/** The lease holder's update of a claimed item: the same condition as every desk write. */
export function claimedUpdate(table: string, write: Extract<ItemWrite, { kind: "update-claimed" }>) {
  const update = updateExpression(write.changes, write.remove);
  return {
    TableName: table,
    Key: { pk: write.reviewId, sk: REVIEW_SK },
    UpdateExpression: update.expression,
    ConditionExpression: "#s = :claimed AND leaseHolder = :me AND #round = :round",
    ExpressionAttributeNames: { ...update.names, "#s": "status", "#round": "round" },
    ExpressionAttributeValues: {
      ...update.values,
      ":claimed": "claimed",
      ":me": write.reviewer,
      ":round": write.round,
    },
  };
}

/** A revision of the original item, only if nobody changed it since it was read. */
function revisionUpdate(table: string, revision: RevisionWrite) {
  const update = updateExpression(revision.changes);
  return {
    TableName: table,
    Key: { pk: revision.reviewId, sk: REVIEW_SK },
    UpdateExpression: update.expression,
    ConditionExpression: "#u = :expected",
    ExpressionAttributeNames: { ...update.names, "#u": "updatedAt" },
    ExpressionAttributeValues: { ...update.values, ":expected": revision.expectedUpdatedAt },
  };
}

/** A re-review's write and the original's revision: one TransactWriteItems, or one update without a revision. */
export class DynamoReReviewWrites implements ReReviewWrites {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async close(write: Extract<ItemWrite, { kind: "update-claimed" }>, revision?: RevisionWrite) {
    try {
      if (!revision) {
        await this.db.send(new UpdateCommand(claimedUpdate(this.table, write)));
        return true;
      }
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: claimedUpdate(this.table, write) },
            { Update: revisionUpdate(this.table, revision) },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error) || cancellationCodes(error)?.includes("ConditionalCheckFailed"))
        return false;
      throw error;
    }
  }
}

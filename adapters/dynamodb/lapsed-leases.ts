import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ReviewItem } from "../../core/review/item";
import type { LapsedLeases } from "../../core/reviewers/ports";
import { isConditionFailure } from "./client";
import { updateExpression } from "./pages";
import { fromReviewItem, REVIEW_SK } from "./review-store";

/** Sparse: only gold and re-review items while claimed (leaseQueue and leaseUntil both set). */
export const BY_LEASE = "byLease";

export class DynamoLapsedLeases implements LapsedLeases {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async lapsed(queue: string, before: string, limit: number): Promise<ReviewItem[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: BY_LEASE,
        KeyConditionExpression: "leaseQueue = :q AND leaseUntil < :before",
        ExpressionAttributeValues: { ":q": queue, ":before": before },
        Limit: limit,
      }),
    );
    // The index is eventually consistent: reopen re-checks everything it read.
    return (page.Items ?? []).map(fromReviewItem);
  }

  async reopen(
    item: ReviewItem,
    changes: Partial<ReviewItem>,
    remove: (keyof ReviewItem)[],
  ): Promise<boolean> {
    const update = updateExpression(changes, remove);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: item.reviewId, sk: REVIEW_SK },
          UpdateExpression: update.expression,
          ConditionExpression:
            "#s = :claimed AND leaseHolder = :holder AND #round = :round AND leaseUntil = :until",
          ExpressionAttributeNames: { ...update.names, "#s": "status", "#round": "round" },
          ExpressionAttributeValues: {
            ...update.values,
            ":claimed": "claimed",
            ":holder": item.leaseHolder,
            ":round": item.round,
            ":until": item.leaseUntil,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

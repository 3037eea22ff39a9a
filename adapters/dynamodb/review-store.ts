import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ReviewStore } from "../../core/ports";
import type { ReviewItem } from "../../core/review/item";
import { isConditionFailure } from "./client";
import { updateExpression } from "./pages";

export const REVIEW_SK = "REVIEW";

/** Reviews table: pk = review id, sk = "REVIEW"; GSI byQueue (pendingQueue, priorityKey) holds claimable items. */
export class DynamoReviewStore implements ReviewStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get(id: string): Promise<ReviewItem | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: id, sk: REVIEW_SK } }),
    );
    return Item ? fromReviewItem(Item) : undefined;
  }

  async putRound(item: ReviewItem): Promise<"stored" | "stale"> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: item.reviewId, sk: REVIEW_SK, ...item },
          ConditionExpression: "attribute_not_exists(pk) OR #round < :round",
          ExpressionAttributeNames: { "#round": "round" },
          ExpressionAttributeValues: { ":round": item.round },
        }),
      );
      return "stored";
    } catch (error) {
      if (isConditionFailure(error)) return "stale";
      throw error;
    }
  }

  async update(
    id: string,
    round: number,
    changes: Partial<ReviewItem>,
    remove: (keyof ReviewItem)[] = [],
  ): Promise<boolean> {
    const update = updateExpression(changes, remove);
    if (!update.expression) return true;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: id, sk: REVIEW_SK },
          UpdateExpression: update.expression,
          ConditionExpression: "#round = :round",
          ExpressionAttributeNames: { ...update.names, "#round": "round" },
          ExpressionAttributeValues: { ...update.values, ":round": round },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

export function fromReviewItem(item: Record<string, unknown>): ReviewItem {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ReviewItem;
}

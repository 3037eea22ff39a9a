import { type DynamoDBDocumentClient, QueryCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ReviewDesk } from "../../core/ports";
import type { ReviewItem } from "../../core/review/item";
import { isConditionFailure } from "./client";
import { fromReviewItem, REVIEW_SK } from "./review-store";

const BY_QUEUE = "byQueue";

/** Claim, lease and release as single conditional writes on the reviews table. */
export class DynamoReviewDesk implements ReviewDesk {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async pending(queue: string, limit: number): Promise<ReviewItem[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: BY_QUEUE,
        KeyConditionExpression: "pendingQueue = :q",
        ExpressionAttributeValues: { ":q": queue },
        Limit: limit,
      }),
    );
    // The index projects every attribute, but it is eventually consistent: the claim re-checks.
    return (page.Items ?? []).map(fromReviewItem);
  }

  /** The byQueue index is sparse (pending items only), so this reads the waiting work, not history. */
  async allPending(): Promise<ReviewItem[]> {
    const items: ReviewItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({ TableName: this.table, IndexName: BY_QUEUE, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []).map(fromReviewItem));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async claim(id: string, round: number, reviewer: string, leaseUntil: string, at: string): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: id, sk: REVIEW_SK },
        UpdateExpression:
          "SET #s = :claimed, leaseHolder = :me, leaseUntil = :until, claimedAt = :at REMOVE pendingQueue",
        ConditionExpression: "#s = :pending AND #round = :round AND NOT contains(excludedReviewers, :me)",
        ExpressionAttributeNames: { "#s": "status", "#round": "round" },
        ExpressionAttributeValues: {
          ":claimed": "claimed",
          ":pending": "pending",
          ":me": reviewer,
          ":until": leaseUntil,
          ":at": at,
          ":round": round,
        },
      }),
    );
  }

  async updateClaimed(
    id: string,
    round: number,
    reviewer: string,
    changes: Partial<ReviewItem>,
    remove: (keyof ReviewItem)[] = [],
  ): Promise<boolean> {
    const names: Record<string, string> = { "#s": "status", "#round": "round" };
    const values: Record<string, unknown> = { ":claimed": "claimed", ":me": reviewer, ":round": round };
    const sets = Object.entries(changes).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
    const removes = remove.map((k, i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: id, sk: REVIEW_SK },
        UpdateExpression: [
          sets.length ? `SET ${sets.join(", ")}` : "",
          removes.length ? `REMOVE ${removes.join(", ")}` : "",
        ]
          .filter(Boolean)
          .join(" "),
        ConditionExpression: "#s = :claimed AND leaseHolder = :me AND #round = :round",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async conditional(command: UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

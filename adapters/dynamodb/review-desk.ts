import { type DynamoDBDocumentClient, QueryCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { PendingFilter, ReviewDesk } from "../../core/ports";
import type { ReviewItem } from "../../core/review/item";
import { isConditionFailure } from "./client";
import { allPages, updateExpression } from "./pages";
import { fromReviewItem, REVIEW_SK } from "./review-store";

const BY_QUEUE = "byQueue";

/** Claim, lease and release as single conditional writes on the reviews table. */
export class DynamoReviewDesk implements ReviewDesk {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async pending(queue: string, limit: number, filter: PendingFilter = {}): Promise<ReviewItem[]> {
    const { experimentId } = filter;
    const items: ReviewItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: BY_QUEUE,
          KeyConditionExpression: "pendingQueue = :q",
          ...(experimentId ? { FilterExpression: "experimentId = :e" } : {}),
          ExpressionAttributeValues: { ":q": queue, ...(experimentId ? { ":e": experimentId } : {}) },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      );
      // The index projects every attribute, but it is eventually consistent: the claim re-checks.
      items.push(...(page.Items ?? []).map(fromReviewItem));
      // A filter applies after Limit, so a page can hold fewer matches: read on past other experiments' items.
      start = experimentId ? page.LastEvaluatedKey : undefined;
    } while (start && items.length < limit);
    return items.slice(0, limit);
  }

  /** The byQueue index is sparse (pending items only), so this reads the waiting work, not history. */
  async allPending(): Promise<ReviewItem[]> {
    const items = await allPages((start) =>
      this.db.send(new ScanCommand({ TableName: this.table, IndexName: BY_QUEUE, ExclusiveStartKey: start })),
    );
    return items.map(fromReviewItem);
  }

  async claim(
    id: string,
    round: number,
    reviewer: string,
    leaseUntil: string,
    at: string,
    leaseQueue?: string,
  ): Promise<boolean> {
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: id, sk: REVIEW_SK },
        UpdateExpression: `SET #s = :claimed, leaseHolder = :me, leaseUntil = :until, claimedAt = :at${leaseQueue ? ", leaseQueue = :lq" : ""} REMOVE pendingQueue`,
        ConditionExpression: "#s = :pending AND #round = :round AND NOT contains(excludedReviewers, :me)",
        ExpressionAttributeNames: { "#s": "status", "#round": "round" },
        ExpressionAttributeValues: {
          ":claimed": "claimed",
          ":pending": "pending",
          ":me": reviewer,
          ":until": leaseUntil,
          ":at": at,
          ":round": round,
          ...(leaseQueue ? { ":lq": leaseQueue } : {}),
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
    const update = updateExpression(changes, remove);
    return this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: id, sk: REVIEW_SK },
        UpdateExpression: update.expression,
        ConditionExpression: "#s = :claimed AND leaseHolder = :me AND #round = :round",
        ExpressionAttributeNames: { ...update.names, "#s": "status", "#round": "round" },
        ExpressionAttributeValues: {
          ...update.values,
          ":claimed": "claimed",
          ":me": reviewer,
          ":round": round,
        },
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

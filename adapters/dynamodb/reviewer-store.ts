import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { ReviewItem } from "../../core/review/item";
import type { GoldItem } from "../../core/reviewers/gold";
import type {
  GoldPool,
  GoldStore,
  ItemWrite,
  ReviewerState,
  ReviewerStates,
  StoredGold,
  VerdictSearch,
} from "../../core/reviewers/ports";
import { isConditionFailure } from "./client";
import { allPages, batchGetAll } from "./pages";
import { claimedUpdate } from "./re-review-writes";
import { fromReviewItem, REVIEW_SK } from "./review-store";
import { cancellationCodes } from "./transactions";

/**
 * Gold items and reviewer states live in the reviews table, next to the items they commit with:
 * - gold items: pk `GOLD#<queue>`, sk `G#<goldId>`; the pool's seed: sk `SEED`;
 * - reviewer states: pk `REVIEWER#<queue>`, sk `<reviewer>` (claims, gold served, qualification).
 * Neither has a review item's sort key, so the metrics counter reads past their stream records.
 */
export const goldPk = (queue: string) => `GOLD#${queue}`;
export const goldSk = (goldId: string) => `G#${goldId}`;
const SEED_SK = "SEED";
export const reviewerPk = (queue: string) => `REVIEWER#${queue}`;
const REVIEWER_PREFIX = "REVIEWER#";
const BATCH_WRITE = 25;

export class DynamoGoldStore implements GoldStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async add(
    experimentId: string,
    queue: string,
    items: readonly GoldItem[],
    at: string,
    seed: string,
  ): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: goldPk(queue), sk: SEED_SK, seed, createdAt: at },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    for (let i = 0; i < items.length; i += BATCH_WRITE) {
      let requests = items.slice(i, i + BATCH_WRITE).map((gold) => ({
        PutRequest: {
          Item: { pk: goldPk(queue), sk: goldSk(gold.goldId), ...gold, experimentId, addedAt: at },
        },
      }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`gold upload to ${queue}: DynamoDB kept items unprocessed`);
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (out.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  async pool(queue: string): Promise<GoldPool> {
    const items = await allPages((start) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ProjectionExpression: "sk, seed",
          ExpressionAttributeValues: { ":pk": goldPk(queue) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      ),
    );
    const seed = items.find((item) => item.sk === SEED_SK)?.seed;
    return {
      ids: items.flatMap((item) => (String(item.sk).startsWith("G#") ? [String(item.sk).slice(2)] : [])),
      ...(typeof seed === "string" ? { seed } : {}),
    };
  }

  async seed(queue: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: goldPk(queue), sk: SEED_SK } }),
    );
    return typeof Item?.seed === "string" ? Item.seed : undefined;
  }

  async shadows(queues: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const keys = queues.map((queue) => ({ pk: goldPk(queue), sk: SEED_SK }));
    for (const item of await batchGetAll(this.db, this.table, keys)) {
      const queue = String(item.pk).slice(goldPk("").length);
      if (typeof item.shadows === "number" && item.shadows > 0) out.set(queue, item.shadows);
    }
    return out;
  }

  async absorbShadow(queue: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: goldPk(queue), sk: SEED_SK },
          UpdateExpression: "ADD shadows :minus",
          ConditionExpression: "shadows > :zero",
          ExpressionAttributeValues: { ":minus": -1, ":zero": 0 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(queue: string, goldId: string): Promise<StoredGold | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: goldPk(queue), sk: goldSk(goldId) } }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...gold } = Item;
    return gold as StoredGold;
  }
}

export class DynamoReviewerStates implements ReviewerStates {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(queue: string, reviewer: string): Promise<ReviewerState | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: reviewerPk(queue), sk: reviewer },
        ConsistentRead: true,
      }),
    );
    return Item ? strip(Item) : undefined;
  }

  async list(queue?: string): Promise<ReviewerState[]> {
    const items = await allPages((start) =>
      queue !== undefined
        ? this.db.send(
            new QueryCommand({
              TableName: this.table,
              KeyConditionExpression: "pk = :pk",
              ExpressionAttributeValues: { ":pk": reviewerPk(queue) },
              ExclusiveStartKey: start,
            }),
          )
        : // Listing every queue's reviewers is an admin's page: a scan of the states' prefix.
          this.db.send(
            new ScanCommand({
              TableName: this.table,
              FilterExpression: "begins_with(pk, :p)",
              ExpressionAttributeValues: { ":p": REVIEWER_PREFIX },
              ExclusiveStartKey: start,
            }),
          ),
    );
    return items
      .map(strip)
      .sort((a, b) => a.queue.localeCompare(b.queue) || a.reviewer.localeCompare(b.reviewer));
  }

  async commit(state: ReviewerState, item?: ItemWrite, shadow?: { queue: string }): Promise<boolean> {
    const put = {
      Put: {
        TableName: this.table,
        Item: { pk: reviewerPk(state.queue), sk: state.reviewer, ...state },
        ...(state.version <= 1
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : {
              ConditionExpression: "#v = :expected",
              ExpressionAttributeNames: { "#v": "version" },
              ExpressionAttributeValues: { ":expected": state.version - 1 },
            }),
      },
    };
    const actions: NonNullable<TransactWriteCommand["input"]["TransactItems"]> = [put];
    if (item?.kind === "create") {
      actions.push({
        Put: {
          TableName: this.table,
          Item: { pk: item.item.reviewId, sk: REVIEW_SK, ...item.item },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
    } else if (item?.kind === "update-claimed") {
      actions.push({ Update: claimedUpdate(this.table, item) });
    }
    if (shadow)
      actions.push({
        Update: {
          TableName: this.table,
          Key: { pk: goldPk(shadow.queue), sk: SEED_SK },
          UpdateExpression: "ADD shadows :one",
          ExpressionAttributeValues: { ":one": 1 },
        },
      });
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: actions }));
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.includes("ConditionalCheckFailed")) return false;
      throw error;
    }
  }
}

function strip(item: Record<string, unknown>): ReviewerState {
  const { pk: _pk, sk: _sk, ...state } = item;
  return state as unknown as ReviewerState;
}

/**
 * The review items a reviewer decided in a queue: a scan (4 parallel segments), since no index by
 * reviewer exists (one would add a write to every verdict). Run only when a reviewer is paused.
 */
export class DynamoVerdictSearch implements VerdictSearch {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async decidedBy(
    reviewer: string,
    queue: string,
    window: { from: string; to: string },
  ): Promise<ReviewItem[]> {
    const segments = 4;
    const pages = await Promise.all(
      Array.from({ length: segments }, (_, segment) =>
        allPages((start) =>
          this.db.send(
            new ScanCommand({
              TableName: this.table,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression:
                "sk = :review AND attribute_not_exists(gold) AND attribute_not_exists(reReview) AND updatedAt > :from",
              ExpressionAttributeValues: { ":review": REVIEW_SK, ":from": window.from },
              ExclusiveStartKey: start,
            }),
          ),
        ),
      ),
    );
    return pages
      .flat()
      .map(fromReviewItem)
      .filter((item) =>
        item.verdicts.some(
          (v) =>
            v.reviewer === reviewer &&
            v.at > window.from &&
            v.at <= window.to &&
            (item.rounds?.find((r) => r.round === v.round)?.queue ?? item.queue) === queue,
        ),
      );
  }
}

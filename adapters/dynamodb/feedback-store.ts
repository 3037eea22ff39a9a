import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import type { FeedbackFeed } from "../../core/feedback/ports";
import { FEEDBACK_STAGES, type FeedbackRecord, type FeedbackStage } from "../../core/feedback/record";
import type { FeedbackStore } from "../../core/ports";
import { isConditionFailure } from "./client";
import { awaitDeploymentUpdate } from "./model-versions";
import { allPages } from "./pages";
import { isRetryableCancellation, withRetries } from "./retry";
import { cancellationCodes } from "./transactions";

export const FEEDBACK_SK = "FEEDBACK";
/** Corrections arrive at human speed, so one index partition holds them all in time order. */
export const FEED_PARTITION = "feedback";
const FEED_INDEX = "feed";

/**
 * Which model version acknowledged a record at a stage, as a plain attribute beside `acks`: conditions
 * ("not yet acknowledged for this stage") and filters ("taken in by m-8") cannot look inside a list.
 */
export const stageAttribute = (stage: FeedbackStage) => `ack_${stage}`;
const INTERNAL = new Set(["pk", "sk", "feedPartition", "feedKey", ...FEEDBACK_STAGES.map(stageAttribute)]);

export function feedbackItem(record: FeedbackRecord): Record<string, unknown> {
  return {
    pk: record.feedbackId,
    sk: FEEDBACK_SK,
    feedPartition: FEED_PARTITION,
    feedKey: `${record.producedAt}#${record.feedbackId}`,
    ...record,
  };
}

export function feedbackFromItem(item: Record<string, unknown>): FeedbackRecord {
  return Object.fromEntries(
    Object.entries(item).filter(([name]) => !INTERNAL.has(name)),
  ) as unknown as FeedbackRecord;
}

/**
 * A feedback record created by UpdateItem (condition: it does not exist yet), for writers granted
 * UpdateItem but not PutItem on the decisions table.
 */
export function createFeedbackUpdate(table: string, record: FeedbackRecord) {
  const { pk, sk, ...fields } = feedbackItem(record);
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    TableName: table,
    Key: { pk, sk },
    UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :f${i}`).join(", ")}`,
    ConditionExpression: "attribute_not_exists(pk)",
    ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:f${i}`, value])),
  };
}

/** Feedback lives in the decisions table (pk = feedback id, sk = "FEEDBACK"), listed by the `feed` index. */
export class DynamoFeedbackStore implements FeedbackStore, FeedbackFeed {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async put(record: FeedbackRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: feedbackItem(record),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // A retried workflow step produces the same feedback id: the first record stands.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async page(query: { since?: string; after?: string; limit: number }) {
    // The cursor's key excludes itself; `since` includes its instant (keys are "<producedAt>#<id>").
    const after = query.after !== undefined && (query.since === undefined || query.after >= query.since);
    const bound = after
      ? { op: ">", key: query.after }
      : query.since
        ? { op: ">=", key: query.since }
        : undefined;
    const records: FeedbackRecord[] = [];
    let start: Record<string, unknown> | undefined;
    // One record more than asked tells whether another page follows (no empty last page).
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: FEED_INDEX,
          KeyConditionExpression: `feedPartition = :p${bound ? ` AND feedKey ${bound.op} :k` : ""}`,
          ExpressionAttributeValues: { ":p": FEED_PARTITION, ...(bound ? { ":k": bound.key } : {}) },
          Limit: query.limit + 1 - records.length,
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(page.Items ?? []).map(feedbackFromItem));
      start = page.LastEvaluatedKey;
    } while (start && records.length <= query.limit);
    return { records: records.slice(0, query.limit), more: records.length > query.limit };
  }

  async get(ids: readonly string[]): Promise<Map<string, FeedbackRecord>> {
    const out = new Map<string, FeedbackRecord>();
    // GetItem, a few at a time: the function is granted GetItem, not BatchGetItem.
    for (let i = 0; i < ids.length; i += 16) {
      const items = await Promise.all(
        ids.slice(i, i + 16).map(async (id) => {
          const { Item } = await this.db.send(
            new GetCommand({ TableName: this.table, Key: { pk: id, sk: FEEDBACK_SK }, ConsistentRead: true }),
          );
          return Item;
        }),
      );
      for (const item of items) if (item) out.set(String(item.pk), feedbackFromItem(item));
    }
    return out;
  }

  unacknowledged(until: string, stage: FeedbackStage): Promise<FeedbackRecord[]> {
    return this.queryAll({
      // "$" sorts right after "#", so every key of the instant `until` is included.
      KeyConditionExpression: "feedPartition = :p AND feedKey < :bound",
      FilterExpression: "attribute_not_exists(#stage)",
      ExpressionAttributeNames: { "#stage": stageAttribute(stage) },
      ExpressionAttributeValues: { ":p": FEED_PARTITION, ":bound": `${until}$` },
    });
  }

  takenInBy(modelVersion: string): Promise<FeedbackRecord[]> {
    return this.queryAll({
      KeyConditionExpression: "feedPartition = :p",
      FilterExpression: "#training = :v OR #evaluation = :v",
      ExpressionAttributeNames: {
        "#training": stageAttribute("training"),
        "#evaluation": stageAttribute("evaluation"),
      },
      ExpressionAttributeValues: { ":p": FEED_PARTITION, ":v": modelVersion },
    });
  }

  async acknowledge(write: Parameters<FeedbackFeed["acknowledge"]>[0]) {
    if (write.acks.length === 0) return { ok: true as const };
    const at =
      write.acks
        .map((a) => a.at)
        .sort()
        .at(-1) ?? "";
    const input = {
      TransactItems: [
        ...write.acks.map((ack) => ({
          Update: {
            TableName: this.table,
            Key: { pk: ack.feedbackId, sk: FEEDBACK_SK },
            UpdateExpression: "SET acks = list_append(if_not_exists(acks, :none), :ack), #stage = :v",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#stage)",
            ExpressionAttributeNames: { "#stage": stageAttribute(write.stage) },
            ExpressionAttributeValues: {
              ":none": [],
              ":ack": [{ stage: write.stage, modelVersion: write.modelVersion, at: ack.at }],
              ":v": write.modelVersion,
            },
          },
        })),
        ...(write.awaitDeployment
          ? [{ Update: awaitDeploymentUpdate(this.table, write.modelVersion, at) }]
          : []),
      ],
    };
    // A concurrent transaction on one of the items (nothing was written): try again shortly.
    return withRetries(
      async () => {
        try {
          await this.db.send(new TransactWriteCommand(input));
          return { ok: true as const };
        } catch (error) {
          const refused = write.acks
            .filter((_, i) => cancellationCodes(error)?.[i] === "ConditionalCheckFailed")
            .map((a) => a.feedbackId);
          if (refused.length > 0) return { ok: false as const, refused };
          throw error;
        }
      },
      isRetryableCancellation,
      { maxAttempts: 6 },
    );
  }

  private async queryAll(
    input: Omit<QueryCommandInput, "TableName" | "IndexName" | "ExclusiveStartKey">,
  ): Promise<FeedbackRecord[]> {
    const items = await allPages((start) =>
      this.db.send(
        new QueryCommand({
          ...input,
          TableName: this.table,
          IndexName: FEED_INDEX,
          ExclusiveStartKey: start,
        }),
      ),
    );
    return items.map(feedbackFromItem);
  }
}

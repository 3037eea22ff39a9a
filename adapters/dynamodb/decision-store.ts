import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DecisionRecord } from "../../core/decisions/record";
import type { DecisionWithGroundTruth } from "../../core/feedback/ports";
import type { DecisionStore } from "../../core/ports";
import { isConditionFailure } from "./client";

export const SK = "DECISION";

/** Decisions table: pk = decision id, sk = "DECISION". */
export class DynamoDecisionStore implements DecisionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<DecisionRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: id, sk: SK } }));
    return Item ? fromItem(Item) : undefined;
  }

  async create(record: DecisionRecord): Promise<"created" | "exists"> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(record),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return "created";
    } catch (error) {
      if (isConditionFailure(error)) return "exists";
      throw error;
    }
  }

  async withdraw(id: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: id, sk: SK },
          UpdateExpression: "SET #s = :withdrawn, updatedAt = :at",
          ConditionExpression: "#s = :held",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":withdrawn": "withdrawn", ":held": "held", ":at": at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async settle(id: string, change: Parameters<DecisionStore["settle"]>[1]): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: id, sk: SK },
        UpdateExpression: "SET #s = :s, outcome = :o, outcomeSource = :src, outcomeAt = :at, updatedAt = :at",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":s": change.status,
          ":o": change.outcome,
          ":src": change.outcomeSource,
          ":at": change.at,
        },
      }),
    );
  }
}

export function toItem(record: DecisionRecord): Record<string, unknown> {
  return { pk: record.decisionId, sk: SK, ...record };
}

export function fromItem(item: Record<string, unknown>): DecisionRecord {
  const { pk: _pk, sk: _sk, createdKey: _ck, ...record } = item;
  return record as unknown as DecisionRecord;
}

/**
 * The decision with what the feedback paths add to it (ground truth, signals), read consistently:
 * they decide on what is stored, and a conditional write follows.
 */
export async function readDecisionForFeedback(
  db: DynamoDBDocumentClient,
  table: string,
  decisionId: string,
): Promise<DecisionWithGroundTruth | undefined> {
  const { Item } = await db.send(
    new GetCommand({ TableName: table, Key: { pk: decisionId, sk: SK }, ConsistentRead: true }),
  );
  return Item ? (fromItem(Item) as DecisionWithGroundTruth) : undefined;
}

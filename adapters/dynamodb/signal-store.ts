import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DecisionWithGroundTruth } from "../../core/feedback/ports";
import type { ImplicitSignal, SignalStore } from "../../core/feedback/types/signals";
import { isConditionFailure } from "./client";
import { readDecisionForFeedback, SK } from "./decision-store";

/**
 * Implicit signals live on the decision item (`signals`, appended in arrival order, and
 * `signalCount`, which the metrics stream's filter matches). Each append is one conditional update
 * on the count the caller read, so concurrent signals never overwrite each other.
 */
export class DynamoSignalStore implements SignalStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  get(decisionId: string): Promise<DecisionWithGroundTruth | undefined> {
    return readDecisionForFeedback(this.db, this.table, decisionId);
  }

  async append(
    decisionId: string,
    signal: ImplicitSignal,
    expected: number,
  ): Promise<"appended" | "conflict"> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: decisionId, sk: SK },
          UpdateExpression:
            "SET signals = list_append(if_not_exists(signals, :empty), :one), signalCount = :count, updatedAt = :at",
          ConditionExpression:
            expected === 0
              ? "attribute_exists(pk) AND attribute_not_exists(signals)"
              : "attribute_exists(pk) AND signalCount = :expected",
          ExpressionAttributeValues: {
            ":empty": [],
            ":one": [signal],
            ":count": expected + 1,
            ":at": signal.receivedAt,
            ...(expected === 0 ? {} : { ":expected": expected }),
          },
        }),
      );
      return "appended";
    } catch (error) {
      if (isConditionFailure(error)) return "conflict";
      throw error;
    }
  }
}

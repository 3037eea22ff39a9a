import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ModelVersionRegistry, ModelVersionState } from "../../core/feedback/ports";
import { isConditionFailure } from "./client";

/**
 * One item per model version that took corrections in, in the decisions table (pk = "model#<version>",
 * sk = "MODEL"; in no index). The routing path reads it (GetItem, which the router already may do) to
 * tell whether a decision's version awaits deployment confirmation.
 */
export const MODEL_SK = "MODEL";
export const modelKey = (modelVersion: string) => ({ pk: `model#${modelVersion}`, sk: MODEL_SK });

/** The transaction part that flags a version as awaiting deployment (see DynamoFeedbackStore.acknowledge). */
export function awaitDeploymentUpdate(table: string, modelVersion: string, at: string) {
  return {
    TableName: table,
    Key: modelKey(modelVersion),
    UpdateExpression: "SET modelVersion = :v, awaitingDeployment = :yes, lastAckAt = :at ADD revision :one",
    ExpressionAttributeValues: { ":v": modelVersion, ":yes": true, ":at": at, ":one": 1 },
  };
}

export class DynamoModelVersions implements ModelVersionRegistry {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get(modelVersion: string): Promise<ModelVersionState | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: modelKey(modelVersion) }),
    );
    if (!Item) return undefined;
    return {
      modelVersion,
      awaitingDeployment: Item.awaitingDeployment === true,
      revision: Number(Item.revision ?? 0),
      ...(typeof Item.deployedAt === "string" ? { deployedAt: Item.deployedAt } : {}),
    };
  }

  async confirmed(modelVersion: string, revision: number, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: modelKey(modelVersion),
          UpdateExpression: "SET awaitingDeployment = :no, deployedAt = if_not_exists(deployedAt, :at)",
          ConditionExpression: "revision = :r",
          ExpressionAttributeValues: { ":no": false, ":at": at, ":r": revision },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

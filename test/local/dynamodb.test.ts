import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../local/dynamodb";

const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

function clientFor(endpoint: string, region = "us-east-1"): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: CREDENTIALS });
}

/** A conditional Put plus an ADD in one transaction: how a counted write pairs a condition with its counters. */
function countEvent(eventId: string): TransactWriteItemsCommandInput {
  return {
    TransactItems: [
      {
        Put: {
          TableName: "Metrics",
          Item: { pk: { S: `dedupe#${eventId}` } },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Update: {
          TableName: "Metrics",
          Key: { pk: { S: "counter#decisions" } },
          UpdateExpression: "ADD #n :one",
          ExpressionAttributeNames: { "#n": "n" },
          ExpressionAttributeValues: { ":one": { N: "1" } },
        },
      },
    ],
  };
}

describe("DynamoDB Local stand-in", () => {
  const dataDir = join(tmpdir(), `hitl-ddb-${process.pid}-${Date.now()}`);
  let dynamo: DynamoDbLocal | undefined;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal({ dataDir });
    client = clientFor(dynamo.endpoint);
    await client.send(
      new CreateTableCommand({
        TableName: "Metrics",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves on 127.0.0.1 and shares its tables across regions and credentials", async () => {
    // Arrange
    const endpoint = dynamo?.endpoint ?? "";
    const otherRegion = new DynamoDBClient({
      endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "someoneElse", secretAccessKey: "x" },
    });

    // Act
    const { TableNames } = await otherRegion.send(new ListTablesCommand({}));
    otherRegion.destroy();

    // Assert
    expect(new URL(endpoint).hostname).toBe("127.0.0.1");
    expect(TableNames).toContain("Metrics");
  });

  it("applies a conditional TransactWriteItems once and cancels the replay of the same event", async () => {
    // Arrange
    await client.send(new TransactWriteItemsCommand(countEvent("e-1")));

    // Act
    const replay: unknown = await client
      .send(new TransactWriteItemsCommand(countEvent("e-1")))
      .catch((e: unknown) => e);
    const counter = await client.send(
      new GetItemCommand({
        TableName: "Metrics",
        Key: { pk: { S: "counter#decisions" } },
        ConsistentRead: true,
      }),
    );

    // Assert
    expect(replay).toBeInstanceOf(TransactionCanceledException);
    expect((replay as TransactionCanceledException).CancellationReasons?.[0]?.Code).toBe(
      "ConditionalCheckFailed",
    );
    expect(counter.Item?.n?.N).toBe("1");
  });

  it("keeps the data in dataDir across a stop and a new start", async () => {
    // Arrange
    await client.send(new TransactWriteItemsCommand(countEvent("e-2")));
    client.destroy();
    await dynamo?.stop();

    // Act
    dynamo = await startDynamoDbLocal({ dataDir });
    client = clientFor(dynamo.endpoint);
    const counter = await client.send(
      new GetItemCommand({
        TableName: "Metrics",
        Key: { pk: { S: "counter#decisions" } },
        ConsistentRead: true,
      }),
    );

    // Assert
    expect(counter.Item?.n?.N).toBe("2");
  }, 60_000);
});

import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  COUNT_OPERATIONS_ENV,
  countOperations,
  type OperationRecord,
  parseOperationLine,
} from "../../adapters/aws-operations";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../local/dynamodb";

const TABLE = "CountedTable";

describe("the operation-counting middleware on DynamoDB Local", () => {
  let dynamo: DynamoDbLocal | undefined;
  let endpoint = "";
  const clientFor = () =>
    new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal({});
    endpoint = dynamo.endpoint;
    const setup = clientFor();
    await setup.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "group", AttributeType: "S" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: "byGroup",
            KeySchema: [{ AttributeName: "group", KeyType: "HASH" }],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
    setup.destroy();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  it("counts each call with the capacity DynamoDB reports, indexes included", async () => {
    const records: OperationRecord[] = [];
    const client = countOperations(clientFor(), { enabled: true, sink: (r) => records.push(r) });

    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: "a" }, group: { S: "g" }, body: { S: "x".repeat(1500) } },
      }),
    );
    const got = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "a" } } }));
    client.destroy();

    expect(got.Item?.pk?.S).toBe("a");
    expect(records.map((r) => r.operation)).toEqual(["DynamoDB.PutItem", "DynamoDB.GetItem"]);
    // 1.5 KB → 2 WRU on the table and 2 on the index; an eventually consistent read of ≤ 4 KB is 0.5 RRU.
    expect(records[0]?.units).toEqual({ WRU: 4 });
    expect(records[1]?.units).toEqual({ RRU: 0.5 });
    expect(records.every((r) => r.ms >= 0 && r.error === undefined)).toBe(true);
  });

  it("counts document-client calls too, and a refused conditional write with its error", async () => {
    const records: OperationRecord[] = [];
    const doc = DynamoDBDocumentClient.from(
      countOperations(clientFor(), { enabled: true, sink: (r) => records.push(r) }),
    );

    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "b", n: 1 } }));
    await expect(
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: "b" },
          UpdateExpression: "SET n = :two",
          ConditionExpression: "n = :zero",
          ExpressionAttributeValues: { ":two": 2, ":zero": 0 },
        }),
      ),
    ).rejects.toMatchObject({ name: "ConditionalCheckFailedException" });
    const got = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: "b" } }));
    doc.destroy();

    expect(got.Item).toEqual({ pk: "b", n: 1 });
    expect(records.map((r) => [r.operation, r.error])).toEqual([
      ["DynamoDB.PutItem", undefined],
      ["DynamoDB.UpdateItem", "ConditionalCheckFailedException"],
      ["DynamoDB.GetItem", undefined],
    ]);
    expect(records[0]?.units).toEqual({ WRU: 1 });
  });

  it("keeps the caller's own ReturnConsumedCapacity and bills transactions per action", async () => {
    const records: OperationRecord[] = [];
    const client = countOperations(clientFor(), { enabled: true, sink: (r) => records.push(r) });

    const out = await client.send(
      new TransactWriteItemsCommand({
        ReturnConsumedCapacity: "INDEXES",
        TransactItems: Array.from({ length: 5 }, (_, i) => ({
          Put: { TableName: TABLE, Item: { pk: { S: `t${i}` } } },
        })),
      }),
    );
    client.destroy();

    expect(out.ConsumedCapacity?.[0]?.Table).toBeDefined(); // INDEXES, as asked, not TOTAL
    expect(records).toHaveLength(1);
    expect(records[0]?.units).toEqual({ WRU: 10 }); // 5 puts × 2, whatever DynamoDB Local reports
  });

  it("writes one parsable log line per call when HITL_COUNT_OPERATIONS=1, and nothing without it", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const before = process.env[COUNT_OPERATIONS_ENV];
    try {
      delete process.env[COUNT_OPERATIONS_ENV];
      const quiet = countOperations(clientFor());
      await quiet.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "a" } } }));
      quiet.destroy();
      expect(log).not.toHaveBeenCalled();

      process.env[COUNT_OPERATIONS_ENV] = "1";
      const counted = countOperations(clientFor());
      await counted.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: "a" } } }));
      counted.destroy();
      expect(log).toHaveBeenCalledTimes(1);
      const parsed = parseOperationLine(String(log.mock.calls[0]?.[0]));
      expect(parsed?.ops).toEqual({ "DynamoDB.GetItem": 1 });
      expect(parsed?.units).toEqual({ "DynamoDB.GetItem RRU": 0.5 });
    } finally {
      log.mockRestore();
      if (before === undefined) delete process.env[COUNT_OPERATIONS_ENV];
      else process.env[COUNT_OPERATIONS_ENV] = before;
    }
  });
});

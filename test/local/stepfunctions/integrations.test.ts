import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../local/dynamodb";
import { type SqsServer, startSqs } from "../../../local/sqs";
import { createStepFunctionsService, type StepFunctionsService } from "../../../local/stepfunctions/service";
import {
  ACCOUNT,
  baseDeps,
  CREDENTIALS,
  createQueue,
  machineArn,
  REGION,
  sqsClient,
  waitForStatus,
} from "./helpers";

const TABLE = "Decisions";

describe("local Step Functions: DynamoDB, SQS and Step Functions integrations", () => {
  let dynamo: DynamoDbLocal;
  let sqsServer: SqsServer;
  let sqs: SQSClient;
  let service: StepFunctionsService;

  beforeAll(async () => {
    [dynamo, sqsServer] = await Promise.all([
      startDynamoDbLocal({}),
      startSqs({ region: REGION, accountId: ACCOUNT }),
    ]);
    const ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: CREDENTIALS });
    await ddb.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    ddb.destroy();
    sqs = sqsClient(sqsServer.endpoint);
    service = createStepFunctionsService(
      baseDeps({ sqsEndpoint: sqsServer.endpoint, dynamodbEndpoint: dynamo.endpoint }),
    );
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    sqs?.destroy();
    await Promise.all([dynamo?.stop(), sqsServer?.stop()]);
  });

  it("writes, updates, reads and deletes an item through the dynamodb integrations", async () => {
    // Arrange
    const definition = {
      StartAt: "Put",
      States: {
        Put: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Parameters: { TableName: TABLE, Item: { pk: { "S.$": "$.id" }, count: { N: "1" } } },
          ResultPath: null,
          Next: "Add",
        },
        Add: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:updateItem",
          Parameters: {
            TableName: TABLE,
            Key: { pk: { "S.$": "$.id" } },
            UpdateExpression: "ADD #c :one",
            ExpressionAttributeNames: { "#c": "count" },
            ExpressionAttributeValues: { ":one": { N: "1" } },
            ReturnValues: "UPDATED_NEW",
          },
          ResultSelector: { "count.$": "$.Attributes.count.N" },
          ResultPath: "$.updated",
          Next: "Get",
        },
        Get: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:getItem",
          Parameters: { TableName: TABLE, Key: { pk: { "S.$": "$.id" } } },
          ResultSelector: { "item.$": "$.Item" },
          ResultPath: "$.read",
          Next: "Query",
        },
        Query: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:dynamodb:query",
          Parameters: {
            TableName: TABLE,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": { "S.$": "$.id" } },
          },
          ResultSelector: { "count.$": "$.Count" },
          ResultPath: "$.queried",
          Next: "Delete",
        },
        Delete: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:deleteItem",
          Parameters: { TableName: TABLE, Key: { pk: { "S.$": "$.id" } } },
          ResultPath: null,
          End: true,
        },
      },
    };
    service.registerStateMachine({ arn: machineArn("Items"), name: "Items", type: "EXPRESS", definition });

    // Act
    const result = await service.startSyncExecution({
      stateMachineArn: machineArn("Items"),
      input: '{"id":"d-1"}',
    });

    // Assert
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output ?? "null")).toEqual({
      id: "d-1",
      updated: { count: "2" },
      read: { item: { pk: { S: "d-1" }, count: { N: "2" } } },
      queried: { count: 1 },
    });
  });

  it("surfaces a failed condition as DynamoDB.ConditionalCheckFailedException for Catch", async () => {
    // Arrange
    const definition = {
      StartAt: "Claim",
      States: {
        Claim: {
          Type: "Task",
          Resource: "arn:aws:states:::dynamodb:putItem",
          Parameters: {
            TableName: TABLE,
            Item: { pk: { "S.$": "$.id" } },
            ConditionExpression: "attribute_not_exists(pk)",
          },
          ResultPath: null,
          Catch: [
            {
              ErrorEquals: ["DynamoDB.ConditionalCheckFailedException"],
              ResultPath: "$.error",
              Next: "Duplicate",
            },
          ],
          Next: "First",
        },
        First: { Type: "Pass", Result: "first", End: true },
        Duplicate: { Type: "Pass", Result: "duplicate", End: true },
      },
    };
    service.registerStateMachine({ arn: machineArn("Claim"), name: "Claim", type: "EXPRESS", definition });

    // Act
    const first = await service.startSyncExecution({
      stateMachineArn: machineArn("Claim"),
      input: '{"id":"c-1"}',
    });
    const second = await service.startSyncExecution({
      stateMachineArn: machineArn("Claim"),
      input: '{"id":"c-1"}',
    });

    // Assert
    expect(first.output).toBe(JSON.stringify("first"));
    expect(second.output).toBe(JSON.stringify("duplicate"));
  });

  it("sends an object MessageBody as JSON with its attributes and returns MessageId and MD5", async () => {
    // Arrange
    const queueUrl = await createQueue(sqs, "outcomes");
    const definition = {
      StartAt: "Notify",
      States: {
        Notify: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage",
          Parameters: {
            QueueUrl: queueUrl,
            MessageBody: { "decisionId.$": "$.id", outcome: "approved" },
            MessageAttributes: { kind: { DataType: "String", StringValue: "outcome" } },
          },
          End: true,
        },
      },
    };
    service.registerStateMachine({ arn: machineArn("Notify"), name: "Notify", type: "EXPRESS", definition });

    // Act
    const result = await service.startSyncExecution({
      stateMachineArn: machineArn("Notify"),
      input: '{"id":"d-9"}',
    });
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }),
    );

    // Assert
    expect(JSON.parse(result.output ?? "null")).toMatchObject({
      MessageId: expect.any(String),
      MD5OfMessageBody: expect.any(String),
    });
    expect(JSON.parse(Messages?.[0]?.Body ?? "null")).toEqual({ decisionId: "d-9", outcome: "approved" });
    expect(Messages?.[0]?.MessageAttributes?.kind?.StringValue).toBe("outcome");
  });

  it("starts a STANDARD execution from an EXPRESS machine with states:startExecution", async () => {
    // Arrange
    service.registerStateMachine({
      arn: machineArn("Review"),
      name: "Review",
      type: "STANDARD",
      definition: { StartAt: "Take", States: { Take: { Type: "Pass", End: true } } },
    });
    const router = {
      StartAt: "StartReview",
      States: {
        StartReview: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution",
          Parameters: {
            StateMachineArn: machineArn("Review"),
            "Name.$": "$.id",
            Input: {
              "decisionId.$": "$.id",
              "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
            },
          },
          ResultSelector: { "executionArn.$": "$.ExecutionArn", "startDate.$": "$.StartDate" },
          End: true,
        },
      },
    };
    service.registerStateMachine({
      arn: machineArn("Router"),
      name: "Router",
      type: "EXPRESS",
      definition: router,
    });

    // Act
    const routed = await service.startSyncExecution({
      stateMachineArn: machineArn("Router"),
      input: '{"id":"r-42"}',
    });
    const output = JSON.parse(routed.output ?? "null") as { executionArn: string; startDate: number };
    const review = await waitForStatus(service, output.executionArn, "SUCCEEDED");

    // Assert
    expect(output.executionArn).toBe(`${machineArn("Review").replace(":stateMachine:", ":execution:")}:r-42`);
    expect(typeof output.startDate).toBe("number");
    expect(JSON.parse(review.input)).toEqual({
      decisionId: "r-42",
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: routed.executionArn,
    });
  });

  it("waits for the child execution with states:startExecution.sync:2 and returns its output as JSON", async () => {
    // Arrange
    service.registerStateMachine({
      arn: machineArn("Child"),
      name: "Child",
      type: "STANDARD",
      definition: {
        StartAt: "Answer",
        States: { Answer: { Type: "Pass", Result: { label: "ok" }, End: true } },
      },
    });
    const parent = {
      StartAt: "Run",
      States: {
        Run: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: machineArn("Child"), Input: {} },
          OutputPath: "$.Output",
          End: true,
        },
      },
    };
    service.registerStateMachine({
      arn: machineArn("Parent"),
      name: "Parent",
      type: "STANDARD",
      definition: parent,
    });

    // Act
    const { executionArn } = await service.startExecution({ stateMachineArn: machineArn("Parent") });
    const done = await waitForStatus(service, executionArn, "SUCCEEDED");

    // Assert
    expect(JSON.parse(done.output ?? "null")).toEqual({ label: "ok" });
  });
});

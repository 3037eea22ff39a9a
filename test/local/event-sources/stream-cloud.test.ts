import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCloud, startLocalCloud } from "../../../local/cloud";
import type { CfnTemplate } from "../../../local/template";

// A hand-written cloud assembly shaped like the CDK app's: a TableV2 (GlobalTable) with a stream in
// one stack, the counting function and its stream mapping in another, joined by Fn::ImportValue.
const FREE_PORTS = { api: 0, dynamodb: 0, sqs: 0, stepfunctions: 0 };
const ROUTED_DECISIONS = '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"sk":{"S":["DECISION"]}}}}';

const HANDLER = `
export async function handler(event) {
  const pks = event.Records.map((record) => record.dynamodb.NewImage.pk.S);
  console.log("BATCH " + JSON.stringify({ pks, shardId: event.shardId, final: event.isFinalInvokeForWindow }));
  if (pks.some((pk) => pk.startsWith("poison"))) throw new Error("cannot count " + pks.join(","));
  return { state: {} };
}
`;

function dataStack(withStream: boolean): CfnTemplate {
  return {
    Resources: {
      DecisionsTable: {
        Type: "AWS::DynamoDB::GlobalTable",
        Properties: {
          AttributeDefinitions: [
            { AttributeName: "pk", AttributeType: "S" },
            { AttributeName: "sk", AttributeType: "S" },
          ],
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
          BillingMode: "PAY_PER_REQUEST",
          Replicas: [{ Region: "us-east-1" }],
          ...(withStream ? { StreamSpecification: { StreamViewType: "NEW_IMAGE" } } : {}),
        },
      },
      StreamFailures: { Type: "AWS::SQS::Queue", Properties: {} },
    },
    Outputs: withStream
      ? {
          StreamArnOut: {
            Value: { "Fn::GetAtt": ["DecisionsTable", "StreamArn"] },
            Export: { Name: "Data:ExportsOutputFnGetAttDecisionsTableStreamArn" },
          },
          FailuresArnOut: {
            Value: { "Fn::GetAtt": ["StreamFailures", "Arn"] },
            Export: { Name: "Data:ExportsOutputFnGetAttStreamFailuresArn" },
          },
        }
      : {},
  };
}

function computeStack(withMapping: boolean): CfnTemplate {
  return {
    Resources: {
      CounterFn: {
        Type: "AWS::Lambda::Function",
        Properties: { Handler: "index.handler", Runtime: "nodejs22.x", Timeout: 5 },
        Metadata: { "aws:asset:path": "asset.counter" },
      },
      ...(withMapping
        ? {
            CounterStream: {
              Type: "AWS::Lambda::EventSourceMapping",
              Properties: {
                EventSourceArn: { "Fn::ImportValue": "Data:ExportsOutputFnGetAttDecisionsTableStreamArn" },
                FunctionName: { Ref: "CounterFn" },
                StartingPosition: "TRIM_HORIZON",
                BatchSize: 500,
                MaximumBatchingWindowInSeconds: 1,
                TumblingWindowInSeconds: 60,
                ParallelizationFactor: 1,
                MaximumRetryAttempts: 1,
                DestinationConfig: {
                  OnFailure: {
                    Destination: { "Fn::ImportValue": "Data:ExportsOutputFnGetAttStreamFailuresArn" },
                  },
                },
                FilterCriteria: { Filters: [{ Pattern: ROUTED_DECISIONS }] },
              },
            },
          }
        : {}),
    },
  };
}

/** Writes the assembly (manifest, templates, the function's asset) into a fresh folder. */
function writeAssembly(withStream: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hitl-stream-cloud-"));
  mkdirSync(path.join(dir, "asset.counter"));
  writeFileSync(path.join(dir, "asset.counter", "index.mjs"), HANDLER);
  writeFileSync(path.join(dir, "Data.template.json"), JSON.stringify(dataStack(withStream)));
  writeFileSync(path.join(dir, "Compute.template.json"), JSON.stringify(computeStack(withStream)));
  const stack = (file: string, dependencies: string[]) => ({
    type: "aws:cloudformation:stack",
    properties: { templateFile: file },
    dependencies,
  });
  const manifest = {
    version: "48.0.0",
    artifacts: { Data: stack("Data.template.json", []), Compute: stack("Compute.template.json", ["Data"]) },
  };
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

const folders: string[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), "hitl-stream-data-"));
let lines: string[] = [];
let cloud: LocalCloud | undefined;

async function start(withStream: boolean): Promise<LocalCloud> {
  const cdkOut = writeAssembly(withStream);
  folders.push(cdkOut);
  lines = [];
  cloud = await startLocalCloud({ cdkOut, dataDir, ports: FREE_PORTS, log: (line) => lines.push(line) });
  return cloud;
}

function clients(local: LocalCloud) {
  const config = { region: local.region, credentials: { ...local.credentials } };
  return {
    dynamodb: new DynamoDBClient({ ...config, endpoint: local.endpoints.dynamodb }),
    sqs: new SQSClient({ ...config, endpoint: local.endpoints.sqs }),
  };
}

async function put(local: LocalCloud, pk: string, sk = "DECISION"): Promise<void> {
  const { dynamodb } = clients(local);
  const table = local.resources.byLogicalId.DecisionsTable?.name ?? "";
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: sk } } }));
  dynamodb.destroy();
}

/** What the function saw, from its log lines: the keys of every batch with records. */
function delivered(): string[] {
  return lines
    .filter((line) => line.startsWith("[CounterFn] BATCH "))
    .flatMap((line) => (JSON.parse(line.slice("[CounterFn] BATCH ".length)) as { pks: string[] }).pks);
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let streamArnAtFirstStart: string | undefined;

beforeAll(async () => {
  // A run of an older app version made the table without a stream, and left an item in it.
  const older = await start(false);
  await put(older, "before-the-stream");
  await older.stop();
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  for (const dir of [...folders, dataDir]) rmSync(dir, { recursive: true, force: true });
});

describe("a DynamoDB stream mapping in the local cloud", () => {
  it("enables the stream on the existing table and resolves StreamArn imports to it", async () => {
    // Act
    const local = await start(true);

    // Assert
    const { dynamodb } = clients(local);
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: "DecisionsTable" }));
    dynamodb.destroy();
    streamArnAtFirstStart = table.Table?.LatestStreamArn;
    expect(table.Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "NEW_IMAGE" });
    expect(streamArnAtFirstStart).toMatch(
      /^arn:aws:dynamodb:ddblocal:000000000000:table\/DecisionsTable\/stream\//,
    );
    expect(local.resources.outputs.StreamArnOut).toBe(streamArnAtFirstStart);
    expect(lines.join("\n")).toMatch(
      /AWS::Lambda::EventSourceMapping\s+CounterStream\s+DecisionsTable stream → CounterFn \(batch 500; window 60 s; 1 filter\(s\); on failure → StreamFailures\)/,
    );
  });

  it("delivers routed decisions with their shard id and never the filtered-out records", async () => {
    // Arrange
    const local = cloud as LocalCloud;

    // Act
    await put(local, "d1");
    await put(local, "f1", "FEEDBACK");
    await put(local, "d2");
    await until(() => delivered().length === 2);

    // Assert
    expect(delivered()).toEqual(["d1", "d2"]);
    const batch = lines.find((line) => line.startsWith("[CounterFn] BATCH "));
    expect(batch).toMatch(/"shardId":"shardId-\d+-[0-9a-f]+"/);
  });

  it("sends a batch that keeps failing to the on-failure queue, then goes on with the next one", async () => {
    // Arrange
    const local = cloud as LocalCloud;
    const { sqs } = clients(local);
    const queueUrl = local.resources.byLogicalId.StreamFailures?.ref ?? "";

    // Act
    await put(local, "poison-1");
    await until(() => delivered().filter((pk) => pk === "poison-1").length === 2);
    await put(local, "d3");
    await until(() => delivered().includes("d3"));

    // Assert
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2 }));
    sqs.destroy();
    const body = JSON.parse(received.Messages?.[0]?.Body ?? "{}");
    expect(body).toMatchObject({
      requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: 2 },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: streamArnAtFirstStart },
    });
    expect(body.requestContext.functionArn).toMatch(/:function:CounterFn$/);
  });

  it("resumes after a restart on the persisted data without delivering anything twice", async () => {
    // Arrange
    await cloud?.stop();

    // Act
    const local = await start(true);
    await put(local, "d4");
    await until(() => delivered().includes("d4"));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assert
    expect(delivered()).toEqual(["d4"]);
    expect(local.resources.outputs.StreamArnOut).toBe(streamArnAtFirstStart);
  });
});

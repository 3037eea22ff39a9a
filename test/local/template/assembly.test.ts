import { beforeAll, describe, expect, it } from "vitest";
import { sqsMappingSpecs } from "../../../local/event-sources";
import { apiSpecs } from "../../../local/http-api";
import { functionSpecs } from "../../../local/lambda";
import {
  type CloudAssembly,
  createTableInput,
  loadCloudAssembly,
  notEmulated,
  queueAttributes,
  resourcesOf,
  stateMachineSpecs,
  TemplateResolver,
} from "../../../local/template";
import { synthFixture } from "../fixtures/synth";

let assembly: CloudAssembly;
let resolver: TemplateResolver;

beforeAll(async () => {
  assembly = loadCloudAssembly(await synthFixture());
  resolver = new TemplateResolver(assembly, { region: "us-east-1", accountId: "000000000000" });
});

const only = <T>(items: readonly T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

describe("reading the fixture app's cloud assembly", () => {
  it("finds both stacks through manifest.json, the stateful one first", () => {
    expect(assembly.stacks.map((stack) => stack.stackName)).toEqual(["FixtureStateful", "FixtureStateless"]);
  });

  it("turns the table resource into a CreateTable request with its index", () => {
    const input = createTableInput(resolver, only(resourcesOf(assembly, "AWS::DynamoDB::Table")));

    expect(input).toMatchObject({
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      GlobalSecondaryIndexes: [
        { IndexName: "byNote", KeySchema: [{ AttributeName: "note", KeyType: "HASH" }] },
      ],
    });
    expect(input.TableName).toMatch(/^Items[0-9A-F]{8}$/);
  });

  it("gives the work queue a redrive policy pointing at the DLQ's ARN", () => {
    const work = only(
      resourcesOf(assembly, "AWS::SQS::Queue").filter((ref) => /^Work[0-9A-F]{8}$/.test(ref.logicalId)),
    );

    const attributes = queueAttributes(resolver, work);

    expect(attributes.VisibilityTimeout).toBe("1");
    expect(JSON.parse(attributes.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: expect.stringMatching(/^arn:aws:sqs:us-east-1:000000000000:WorkDlq[0-9A-F]{8}$/),
      maxReceiveCount: 2,
    });
  });

  it("finds each function's bundled asset and resolves imported values into its environment", () => {
    const { specs, skipped } = functionSpecs(resolver, assembly, { AWS_REGION: "us-east-1" });
    const api = specs.find((spec) => spec.logicalId.startsWith("Api"));

    expect(skipped).toEqual([]);
    expect(specs).toHaveLength(2);
    expect(api).toMatchObject({ handler: "index.handler", timeoutSeconds: 5, concurrency: 4 });
    expect(api?.taskRoot).toMatch(/asset\.[0-9a-f]{64}$/);
    expect(api?.env).toMatchObject({
      TABLE_NAME: expect.stringMatching(/^Items/),
      QUEUE_URL: expect.stringMatching(/\/000000000000\/Work[0-9A-F]{8}$/),
      STATE_MACHINE_ARN: expect.stringMatching(/^arn:aws:states:us-east-1:000000000000:stateMachine:Double/),
      AWS_REGION: "us-east-1",
    });
  });

  it("reads the SQS event source mapping with its batch settings", () => {
    const mapping = only(sqsMappingSpecs(resolver, assembly).specs);

    expect(mapping).toMatchObject({
      batchSize: 5,
      batchingWindowSeconds: 0,
      reportBatchItemFailures: true,
      enabled: true,
      concurrency: 2,
      functionName: expect.stringMatching(/^Worker/),
      queueArn: expect.stringMatching(/:Work[0-9A-F]{8}$/),
    });
  });

  it("parses the state machine definition with the function ARN filled in", () => {
    const machine = only(stateMachineSpecs(resolver, assembly));

    expect(machine.type).toBe("EXPRESS");
    expect(machine.definition).toMatchObject({
      StartAt: "Call worker",
      States: { "Call worker": { Type: "Task", Resource: expect.stringMatching(/:function:Worker/) } },
    });
  });

  it("reads the HTTP API's routes with their scopes and target function", () => {
    const api = only(apiSpecs(resolver, assembly));
    const byKey = Object.fromEntries(api.routes.map((route) => [route.routeKey, route]));

    expect(api.stageName).toBe("$default");
    expect(Object.keys(byKey).sort()).toEqual([
      "GET /boom",
      "GET /env",
      "GET /items/{id}",
      "GET /public/{proxy+}",
      "POST /double",
      "POST /items",
    ]);
    expect(byKey["GET /items/{id}"]?.auth).toEqual({
      type: "JWT",
      scopes: ["fixture/writer", "fixture/reader"],
    });
    expect(byKey["GET /public/{proxy+}"]?.auth).toEqual({ type: "NONE" });
    expect(byKey["POST /items"]?.target).toEqual({
      functionName: expect.stringMatching(/^Api[0-9A-F]{8}$/),
      payloadFormatVersion: "2.0",
      timeoutMs: 30_000,
    });
  });

  it("lists the resource types it does not emulate", () => {
    expect(notEmulated(assembly)).toEqual(
      expect.arrayContaining(["AWS::IAM::Role ×3", "AWS::Lambda::Permission ×6"]),
    );
  });
});

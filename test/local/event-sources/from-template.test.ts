import { describe, expect, it } from "vitest";
import { eventSourceMappings, sqsMappingSpecs, streamMappingNotes } from "../../../local/event-sources";
import {
  type CfnTemplate,
  type CloudAssembly,
  type StackTemplate,
  TemplateResolver,
} from "../../../local/template";

const CTX = { region: "us-east-1", accountId: "000000000000", sqsEndpoint: "http://127.0.0.1:9324" };
const ROUTED_DECISIONS = '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"sk":{"S":["DECISION"]}}}}';

function stack(stackName: string, template: CfnTemplate): StackTemplate {
  return { stackName, dir: "/tmp/out", templateFile: `/tmp/out/${stackName}.template.json`, template };
}

const data = stack("Data", {
  Resources: {
    Decisions: {
      Type: "AWS::DynamoDB::GlobalTable",
      Properties: { StreamSpecification: { StreamViewType: "NEW_IMAGE" } },
    },
    Failures: { Type: "AWS::SQS::Queue", Properties: {} },
    Work: { Type: "AWS::SQS::Queue", Properties: {} },
  },
  Outputs: {
    StreamOut: {
      Value: { "Fn::GetAtt": ["Decisions", "StreamArn"] },
      Export: { Name: "Data:DecisionsStreamArn" },
    },
  },
});

function compute(mappings: Record<string, Record<string, unknown>>): StackTemplate {
  const resources: CfnTemplate["Resources"] = {
    Counter: { Type: "AWS::Lambda::Function", Properties: {} },
  };
  for (const [id, properties] of Object.entries(mappings)) {
    resources[id] = {
      Type: "AWS::Lambda::EventSourceMapping",
      Properties: { FunctionName: { Ref: "Counter" }, ...properties },
    };
  }
  return stack("Compute", { Resources: resources });
}

function read(mappings: Record<string, Record<string, unknown>>) {
  const assembly: CloudAssembly = { dir: "/tmp/out", stacks: [data, compute(mappings)] };
  const resolver = new TemplateResolver(assembly, CTX);
  return { resolver, assembly, ...eventSourceMappings(resolver, assembly) };
}

const STREAM = { "Fn::ImportValue": "Data:DecisionsStreamArn" };

describe("stream mappings read from the templates", () => {
  it("reads every setting of the routed-decision counter's mapping, through the cross-stack import", () => {
    const { streams, skipped } = read({
      CounterStream: {
        EventSourceArn: STREAM,
        StartingPosition: "TRIM_HORIZON",
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 1,
        TumblingWindowInSeconds: 60,
        ParallelizationFactor: 1,
        MaximumRetryAttempts: 100,
        DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:Failures" } },
        FilterCriteria: { Filters: [{ Pattern: ROUTED_DECISIONS }] },
      },
    });

    expect(skipped).toEqual([]);
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({
      streamArn: expect.stringMatching(/^arn:aws:dynamodb:us-east-1:000000000000:table\/Decisions\/stream\//),
      functionName: "Counter",
      startingPosition: "TRIM_HORIZON",
      batchSize: 500,
      batchingWindowSeconds: 1,
      tumblingWindowSeconds: 60,
      parallelizationFactor: 1,
      maximumRetryAttempts: 100,
      maximumRecordAgeSeconds: -1,
      onFailureArn: "arn:aws:sqs:us-east-1:000000000000:Failures",
      filterPatterns: [ROUTED_DECISIONS],
      enabled: true,
    });
  });

  it("follows the provisioned stream once the table's real StreamArn is known", () => {
    const { resolver, assembly } = read({ CounterStream: { EventSourceArn: STREAM } });
    const real = "arn:aws:dynamodb:ddblocal:000000000000:table/Decisions/stream/2026-01-02T03:04:05.678";

    resolver.override(data, "Decisions", { attrs: { StreamArn: real } });

    expect(eventSourceMappings(resolver, assembly).streams[0]?.streamArn).toBe(real);
  });

  it("uses Lambda's defaults for what the template leaves out", () => {
    const { streams } = read({ Plain: { EventSourceArn: STREAM } });

    expect(streams[0]).toMatchObject({
      startingPosition: "TRIM_HORIZON",
      batchSize: 100,
      batchingWindowSeconds: 0,
      tumblingWindowSeconds: 0,
      parallelizationFactor: 1,
      maximumRetryAttempts: -1,
      filterPatterns: [],
      reportBatchItemFailures: false,
      bisectBatchOnFunctionError: false,
    });
    expect(streams[0]?.onFailureArn).toBeUndefined();
  });

  it("keeps zero retries and LATEST as written", () => {
    const { streams } = read({
      Strict: { EventSourceArn: STREAM, MaximumRetryAttempts: 0, StartingPosition: "LATEST" },
    });

    expect(streams[0]).toMatchObject({ maximumRetryAttempts: 0, startingPosition: "LATEST" });
  });

  it("skips a mapping whose filter Lambda would refuse, naming the filter", () => {
    const { streams, skipped } = read({
      Broken: {
        EventSourceArn: STREAM,
        FilterCriteria: { Filters: [{ Pattern: '{"eventName":"INSERT"}' }] },
      },
    });

    expect(streams).toEqual([]);
    expect(skipped[0]?.reason).toMatch(/^filter 0: pattern\.eventName/);
  });

  it("sorts SQS and stream mappings apart and skips Kinesis", () => {
    const { sqs, streams, skipped } = read({
      FromQueue: { EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:Work" },
      FromStream: { EventSourceArn: STREAM },
      FromKinesis: { EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/clicks" },
    });

    expect(sqs.map((spec) => spec.ref.logicalId)).toEqual(["FromQueue"]);
    expect(streams.map((spec) => spec.ref.logicalId)).toEqual(["FromStream"]);
    expect(skipped.map((spec) => [spec.ref.logicalId, spec.reason])).toEqual([
      ["FromKinesis", expect.stringMatching(/Kinesis streams are not emulated/)],
    ]);
  });

  it("leaves sqsMappingSpecs as it was: stream mappings are listed as not SQS", () => {
    const { resolver, assembly } = read({
      FromQueue: { EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:Work" },
      FromStream: { EventSourceArn: STREAM },
    });

    const { specs, skipped } = sqsMappingSpecs(resolver, assembly);

    expect(specs.map((spec) => spec.ref.logicalId)).toEqual(["FromQueue"]);
    expect(skipped[0]?.reason).toMatch(/is not an SQS queue$/);
  });

  it("notes the settings the local poller does not honour as Lambda does", () => {
    const { streams } = read({
      Wide: {
        EventSourceArn: STREAM,
        ParallelizationFactor: 4,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      },
    });

    expect(streamMappingNotes(streams[0] as NonNullable<(typeof streams)[0]>)).toEqual([
      "ParallelizationFactor 4 runs as 1",
      "BisectBatchOnFunctionError not emulated",
      "a reported item failure retries the whole batch",
    ]);
  });
});

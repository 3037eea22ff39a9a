import { describe, expect, it } from "vitest";
import {
  addTotals,
  emptyTotals,
  formatOperationLine,
  operationName,
  parseOperationLine,
  sqsBilledRequests,
  sqsPayloadBytes,
  transactWriteUnits,
  unitsOf,
  unitTotal,
} from "../../adapters/aws-operations";
import { emptyPhase, recordInvocation, recordLine } from "../../bench/recorder";
import { fixed } from "../support/clock";

describe("operation counting lines", () => {
  it("round-trips a record through its log line", () => {
    const line = formatOperationLine({ operation: "DynamoDB.PutItem", units: { WRU: 2 }, ms: 3.456 });
    expect(JSON.parse(line)).toEqual({
      _hitl_ops: { "DynamoDB.PutItem": 1 },
      _hitl_units: { "DynamoDB.PutItem WRU": 2 },
      _hitl_ms: { "DynamoDB.PutItem": 3.46 },
    });
    expect(parseOperationLine(line)).toEqual({
      ops: { "DynamoDB.PutItem": 1 },
      units: { "DynamoDB.PutItem WRU": 2 },
      errors: {},
      ms: { "DynamoDB.PutItem": 3.46 },
    });
  });

  it("finds the JSON after the local cloud's and Lambda's prefixes", () => {
    const json = '{"_hitl_ops":{"SQS.SendMessageBatch":1},"_hitl_units":{"SQS.SendMessageBatch requests":1}}';
    for (const line of [
      `[HitlCompute-RouteDecisionFn] ${json}`,
      `${fixed("2026-11-25T13:00:00.000Z")}\t6f1c0e4a-1111-2222-3333-444455556666\tINFO\t${json}`,
    ]) {
      expect(parseOperationLine(line)?.ops).toEqual({ "SQS.SendMessageBatch": 1 });
    }
  });

  it("records a failed call's error by operation", () => {
    const line = formatOperationLine({
      operation: "DynamoDB.UpdateItem",
      units: { WRU: 0 },
      error: "ConditionalCheckFailedException",
      ms: 1,
    });
    expect(parseOperationLine(line)?.errors).toEqual({
      "DynamoDB.UpdateItem.ConditionalCheckFailedException": 1,
    });
  });

  it("ignores other lines, broken JSON and wrong shapes", () => {
    expect(parseOperationLine('[fn] {"level":"error","error":"boom"}')).toBeUndefined();
    expect(parseOperationLine('[fn] {"_hitl_ops": {"DynamoDB.PutItem": 1}')).toBeUndefined();
    expect(parseOperationLine('{"_hitl_ops": {"DynamoDB.PutItem": "one"}}')).toBeUndefined();
    expect(parseOperationLine('{"_hitl_ops": [1]}')).toBeUndefined();
    expect(parseOperationLine("stepfunctions: something _hitl_ops")).toBeUndefined();
  });

  it("sums lines and totals units by kind and service", () => {
    const totals = emptyTotals();
    for (const line of [
      formatOperationLine({ operation: "DynamoDB.PutItem", units: { WRU: 1 }, ms: 2 }),
      formatOperationLine({ operation: "DynamoDB.PutItem", units: { WRU: 3 }, ms: 4 }),
      formatOperationLine({ operation: "DynamoDB.GetItem", units: { RRU: 0.5 }, ms: 1 }),
      formatOperationLine({ operation: "DynamoDB.TransactWriteItems", units: { WRU: 10 }, ms: 9 }),
    ]) {
      addTotals(totals, parseOperationLine(line) ?? emptyTotals());
    }
    expect(totals.ops).toEqual({
      "DynamoDB.PutItem": 2,
      "DynamoDB.GetItem": 1,
      "DynamoDB.TransactWriteItems": 1,
    });
    expect(totals.ms["DynamoDB.PutItem"]).toBe(6);
    expect(unitTotal(totals.units, "WRU", "DynamoDB")).toBe(14);
    expect(unitTotal(totals.units, "RRU")).toBe(0.5);
    expect(unitTotal(totals.units, "WRU", "SQS")).toBe(0);
  });
});

describe("billed units of one call", () => {
  it("names operations after the client and command", () => {
    expect(operationName({ clientName: "DynamoDBClient", commandName: "PutItemCommand" })).toBe(
      "DynamoDB.PutItem",
    );
    expect(operationName({ clientName: "SFNClient", commandName: "SendTaskSuccessCommand" })).toBe(
      "StepFunctions.SendTaskSuccess",
    );
    expect(operationName({ clientName: "S3Client", commandName: "GetObjectCommand" })).toBe("S3.GetObject");
  });

  it("takes DynamoDB units from ConsumedCapacity, as reads or writes", () => {
    expect(unitsOf("DynamoDB.PutItem", {}, { ConsumedCapacity: { CapacityUnits: 2 } })).toEqual({ WRU: 2 });
    expect(unitsOf("DynamoDB.GetItem", {}, { ConsumedCapacity: { CapacityUnits: 0.5 } })).toEqual({
      RRU: 0.5,
    });
    expect(
      unitsOf(
        "DynamoDB.BatchGetItem",
        {},
        { ConsumedCapacity: [{ CapacityUnits: 1 }, { CapacityUnits: 1.5 }] },
      ),
    ).toEqual({ RRU: 2.5 });
    expect(unitsOf("DynamoDB.DescribeTable", {}, {})).toEqual({});
  });

  it("bills a transaction at least 2 WRU per started KB of each put and 2 per other action", () => {
    const input = {
      TransactItems: [
        { Put: { TableName: "t", Item: { pk: "a", body: "x".repeat(1500) } } },
        { Put: { TableName: "t", Item: { pk: "b" } } },
        { Update: { TableName: "t", Key: { pk: "c" } } },
      ],
    };
    expect(transactWriteUnits(input)).toBe(2 * 2 + 2 + 2);
    // DynamoDB Local reports 2 for any transaction; the request's lower bound wins.
    expect(
      unitsOf("DynamoDB.TransactWriteItems", input, { ConsumedCapacity: [{ CapacityUnits: 2 }] }),
    ).toEqual({
      WRU: 8,
    });
    // AWS's own (higher) figure is kept.
    expect(
      unitsOf("DynamoDB.TransactWriteItems", input, { ConsumedCapacity: [{ CapacityUnits: 12 }] }),
    ).toEqual({
      WRU: 12,
    });
  });

  it("bills SQS sends per started 64 KB of body and attributes", () => {
    const batch = { Entries: [{ MessageBody: "x".repeat(40_000) }, { MessageBody: "y".repeat(40_000) }] };
    expect(sqsPayloadBytes(batch)).toBe(80_000);
    expect(unitsOf("SQS.SendMessageBatch", batch, {})).toEqual({ requests: 2 });
    const single = {
      MessageBody: "hello",
      MessageAttributes: { type: { DataType: "String", StringValue: "outcome" } },
    };
    expect(sqsPayloadBytes(single)).toBe(5 + 4 + 6 + 7);
    expect(sqsBilledRequests(0)).toBe(1);
    expect(sqsBilledRequests(65_536)).toBe(1);
    expect(sqsBilledRequests(65_537)).toBe(2);
  });
});

describe("the benchmark's recorder", () => {
  it("counts counting lines, ended executions and error lines into a phase", () => {
    const phase = emptyPhase();
    recordLine(
      phase,
      `[fn] ${formatOperationLine({ operation: "SQS.SendMessage", units: { requests: 1 }, ms: 1 })}`,
    );
    recordLine(phase, "stepfunctions: arn:aws:states:us-east-1:000000000000:express:Router:x:y SUCCEEDED");
    recordLine(phase, "stepfunctions: arn:aws:states:us-east-1:000000000000:execution:Review:rv-1 SUCCEEDED");
    recordLine(
      phase,
      "stepfunctions: arn:aws:states:us-east-1:000000000000:execution:Review:rv-2 FAILED (Boom)",
    );
    recordLine(phase, '[fn] {"level":"error","error":"boom"}');
    recordLine(phase, '[fn] {"level":"ERROR","message":"request failed","service":"decisions-api"}');
    recordLine(phase, '[fn] {"level":"INFO","message":"deployment confirmed"}');
    recordLine(phase, "local cloud ready in 4.1 s");
    expect(phase.ops.ops).toEqual({ "SQS.SendMessage": 1 });
    expect(phase.executions).toEqual({
      "EXPRESS SUCCEEDED": 1,
      "STANDARD SUCCEEDED": 1,
      "STANDARD FAILED": 1,
    });
    expect(phase.errorLines).toBe(2);
  });

  it("sums invocations with Lambda's 1 ms billing granularity", () => {
    const phase = emptyPhase();
    recordInvocation(phase, { functionName: "f", durationMs: 10.2, queuedMs: 5, ok: true });
    recordInvocation(phase, { functionName: "f", durationMs: 0.3, queuedMs: 0, ok: false });
    expect(phase.invocations.f).toEqual({
      count: 2,
      failed: 1,
      durationMs: 10.5,
      billedMs: 12,
      queuedMs: 5,
      maxQueuedMs: 5,
    });
  });
});

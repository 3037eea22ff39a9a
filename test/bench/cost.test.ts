import { describe, expect, it } from "vitest";
import { emptyTotals } from "../../adapters/aws-operations";
import {
  costReport,
  failedConditionalWrites,
  type Measurement,
  measuredOperations,
  modelledCounting,
  pollerSqsRequests,
} from "../../bench/cost";
import { costOfOperations } from "../../core/cost/model";
import { operationsOf } from "../../core/cost/operations";
import { DEFAULT_PRICES } from "../../core/cost/prices";

/** 1,000 automated decisions as counted: one API request, two functions, one Express run each. */
function automated(): Measurement {
  return {
    items: 1000,
    httpRequests: 1000,
    functions: [
      { label: "DecisionsApi", memoryMb: 128, sqsTriggered: false, invocations: 1000, billedMs: 80_000 },
      { label: "RouteDecision", memoryMb: 256, sqsTriggered: false, invocations: 1000, billedMs: 40_000 },
      { label: "Aggregator", memoryMb: 256, sqsTriggered: true, invocations: 10, billedMs: 2_000 },
    ],
    expressExecutions: 1000,
    expressMeanMs: 60,
    standardTransitions: 0,
    stateMachineSqsSends: 0,
    ops: {
      ops: { "DynamoDB.PutItem": 2000, "SQS.SendMessageBatch": 1000, "DynamoDB.UpdateItem": 10 },
      units: {
        "DynamoDB.PutItem WRU": 2000,
        "SQS.SendMessageBatch requests": 1000,
        "DynamoDB.GetItem RRU": 500,
        "DynamoDB.TransactWriteItems WRU": 3000,
      },
      errors: { "DynamoDB.UpdateItem.ConditionalCheckFailedException": 10 },
      ms: {},
    },
    modelledMetricEvents: 0,
  };
}

describe("operations per item from counts", () => {
  it("divides every count by the items and keeps each function's memory and mean billed duration", () => {
    const ops = measuredOperations(automated());
    expect(ops.httpApiRequests).toBe(1);
    expect(ops.expressRequests).toBe(1);
    expect(ops.expressDurationMs).toBe(60);
    expect(ops.lambda).toEqual([
      { fn: "DecisionsApi", memoryMb: 128, durationMs: 80, invocations: 1 },
      { fn: "RouteDecision", memoryMb: 256, durationMs: 40, invocations: 1 },
      { fn: "Aggregator", memoryMb: 256, durationMs: 200, invocations: 0.01 },
    ]);
    // 1,000 sends + 10 batches × (receive + delete)
    expect(ops.sqsRequests).toBeCloseTo(1.02, 10);
    // 2,000 + 3,000 reported + 10 refused conditional writes, billed ≥ 1 WRU each
    expect(ops.dynamoWriteUnits).toBeCloseTo(5.01, 10);
    expect(ops.dynamoReadUnits).toBe(0.5);
  });

  it("counts poller requests and refused writes on their own", () => {
    expect(pollerSqsRequests(automated().functions)).toBe(20);
    expect(failedConditionalWrites(automated().ops)).toBe(10);
    expect(failedConditionalWrites(emptyTotals())).toBe(0);
  });
});

describe("cost report", () => {
  it("prices the measured operations with core/cost and splits it into lines that add up", () => {
    const m = automated();
    const report = costReport(m);
    const expected = costOfOperations(measuredOperations(m), DEFAULT_PRICES).total;
    expect(report.totalPerItem).toBeCloseTo(expected, 15);
    const sum = report.lines.reduce((s, line) => s + line.usdPerItem, 0);
    expect(sum).toBeCloseTo(report.totalPerItem, 15);
    // By hand, per decision: HTTP $1/M; Lambda 2.01 requests and GB-s; Express one 100 ms unit at 64 MB;
    // SQS 1.02 requests; 5.01 WRU and 0.5 RRU.
    const lambda = 2.01 * 0.2e-6 + (0.125 * 0.08 + 0.25 * 0.04 + 0.01 * 0.25 * 0.2) * 0.0000133334;
    const byHand =
      1e-6 + lambda + (1e-6 + 0.0625 * 0.1 * 0.00001667) + 1.02 * 0.4e-6 + 5.01 * 0.625e-6 + 0.5 * 0.125e-6;
    expect(report.totalPerItem).toBeCloseTo(byHand, 12);
    expect(report.lines.map((l) => l.service)).toEqual([
      "API Gateway HTTP API",
      "Lambda requests",
      "Lambda duration (arm64)",
      "Step Functions Express",
      "Step Functions Standard",
      "SQS",
      "DynamoDB writes",
      "DynamoDB reads",
    ]);
  });

  it("adds core/cost's counting model when the metrics counter was not measured", () => {
    const m = { ...automated(), modelledMetricEvents: 4 };
    const report = costReport(m);
    const modelled = costOfOperations(modelledCounting(4), DEFAULT_PRICES).total;
    expect(report.lines.at(-1)).toMatchObject({
      service: "Metric counting (records streams)",
      source: "modelled",
    });
    expect(report.totalPerItem).toBeCloseTo(report.measured.total + modelled, 15);
    expect(modelledCounting(4).dynamoWriteUnits).toBeCloseTo(
      4 * operationsOf("metricEvent").dynamoWriteUnits,
      12,
    );
  });

  it("adds core/cost's routed-counting model when the routed counter did not run", () => {
    // Arrange
    const m = { ...automated(), modelledRoutedCounts: 1 };
    const expected = costOfOperations(
      {
        ...operationsOf("routedCount"),
        expressRequests: 0,
        httpApiRequests: 0,
      },
      DEFAULT_PRICES,
    ).total;

    // Act
    const report = costReport(m);

    // Assert
    expect(report.lines.at(-1)).toMatchObject({ service: "Routed-decision counting", source: "modelled" });
    expect(report.totalPerItem).toBeCloseTo(report.measured.total + expected, 15);
    expect(costReport(automated()).lines.map((l) => l.service)).not.toContain("Routed-decision counting");
  });

  it("bills Standard transitions at $25 per million", () => {
    const held: Measurement = { ...automated(), standardTransitions: 4000, httpRequests: 0, functions: [] };
    const line = costReport(held).lines.find((l) => l.service === "Step Functions Standard");
    expect(line?.usdPerItem).toBeCloseTo(4 * 0.000025, 15);
  });

  it("costs nothing for nothing", () => {
    const none: Measurement = {
      items: 0,
      httpRequests: 0,
      functions: [],
      expressExecutions: 0,
      expressMeanMs: Number.NaN,
      standardTransitions: 0,
      stateMachineSqsSends: 0,
      ops: emptyTotals(),
      modelledMetricEvents: 0,
    };
    expect(costReport(none).totalPerItem).toBe(0);
  });
});

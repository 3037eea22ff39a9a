import { describe, expect, it } from "vitest";
import {
  costOfOperations,
  infrastructureCost,
  infrastructureCostPerDecision,
  perMillion,
  standardPathPerMillion,
} from "../../../core/cost/model";
import { DEFAULT_ASSUMPTIONS, operationsOf } from "../../../core/cost/operations";
import { DEFAULT_PRICES, withPrices } from "../../../core/cost/prices";

describe("the infrastructure cost model", () => {
  it("prices an automated decision at the hand-computed $4.62 per million", () => {
    // Arrange: per decision, by service (route-decision 256 MB, decisions-api 128 MB, 120/40 ms, 70 ms Express, stream batches of 100)
    const httpApi = 1e-6;
    const lambda =
      0.2e-6 +
      0.125 * 0.12 * 0.0000133334 + // decisions-api
      (0.2e-6 + 0.25 * 0.04 * 0.0000133334) + // route-decision
      0.01 * (0.2e-6 + 0.25 * 0.12 * 0.0000133334); // a hundredth of a metrics-counter batch
    const express = 1e-6 + 0.0625 * 0.1 * 0.00001667; // one 100 ms unit at 64 MB
    // WRU: decision 1 KB (no index), 1 audit item, half a 1-WRU unit item, and per batch of 100 the
    // mark (2) and 2 counter items × 3 KB × 2 in one transaction. RRU: the unit read (consistent) and
    // a hundredth of the mark read. No SQS: the stream carries the decision, and a trigger reads it free.
    const dynamodb = (1 + 1 + 0.5 + (2 + 12) / 100) * 0.625e-6 + (1 + 0.01) * 0.125e-6;

    // Act
    const million = perMillion("auto");

    // Assert
    expect(million.httpApi).toBeCloseTo(httpApi * 1e6, 9);
    expect(million.lambda).toBeCloseTo(lambda * 1e6, 9);
    expect(million.stepFunctionsExpress).toBeCloseTo(express * 1e6, 9);
    expect(million.stepFunctionsStandard).toBe(0);
    expect(million.sqs).toBe(0);
    expect(million.dynamodb).toBeCloseTo(dynamodb * 1e6, 9);
    expect(million.total).toBeCloseTo(4.62, 2);
  });

  it("prices counting a review or feedback event from its record's stream at the hand-computed $0.95 per million", () => {
    // Arrange: a tenth of a 120 ms, 256 MB counter batch; per batch the mark read (1 RRU) and one
    // transaction: the mark (2 WRU) and 2 counter items × 3 KB × 2. No SQS message, no dedupe item.
    const lambda = 0.1 * (0.2e-6 + 0.25 * 0.12 * 0.0000133334);
    const dynamodb = ((2 + 12) / 10) * 0.625e-6 + 0.1 * 0.125e-6;

    // Act
    const cost = infrastructureCost({ metricEvent: 1e6 });

    // Assert
    expect(cost.sqs).toBe(0);
    expect(cost.lambda).toBeCloseTo(lambda * 1e6, 9);
    expect(cost.dynamodb).toBeCloseTo(dynamodb * 1e6, 9);
    expect(cost.total).toBeCloseTo(0.95, 2);
  });

  it("bills Express in 100 ms units: 101 ms costs two units", () => {
    const ops = { ...operationsOf("route"), expressDurationMs: 101 };

    const cost = costOfOperations(ops);

    expect(cost.stepFunctionsExpress).toBeCloseTo(1e-6 + 0.0625 * 0.2 * 0.00001667, 15);
  });

  it("shows why automated decisions stay out of Standard: 4 more transitions cost $100 per million", () => {
    expect(standardPathPerMillion() - perMillion("auto").total).toBeCloseTo(100, 9);
  });

  it("prices a held decision as routing, its stream count, a hold round, a verdict, a settle step and three metric events", () => {
    // Act
    const held = infrastructureCostPerDecision("human");

    // Assert: the parts, each hand-checked by its own operations
    const parts =
      infrastructureCost({ route: 1 }).total +
      infrastructureCost({ routedCount: 1 }).total +
      infrastructureCost({ holdRound: 1 }).total +
      infrastructureCost({ verdict: 1 }).total +
      infrastructureCost({ settle: 1 }).total +
      3 * infrastructureCost({ metricEvent: 1 }).total;
    expect(held).toBeCloseTo(parts, 15);
    // Standard: 1 (Hold) + 3 (Settle, AfterSettle, Done) transitions at $25 per million
    expect(perMillion("human").stepFunctionsStandard).toBeCloseTo(100, 9);
  });

  it("uses overridden prices and assumptions", () => {
    // Arrange: free DynamoDB, and producers that do not send decision ids
    const prices = withPrices({ dynamoWriteUnitUsd: 0, dynamoReadUnitUsd: 0 });

    // Act
    const cost = perMillion("auto", prices, { ...DEFAULT_ASSUMPTIONS, clientDecisionIds: false });

    // Assert
    expect(cost.dynamodb).toBe(0);
    expect(cost.total).toBeCloseTo(perMillion("auto").total - perMillion("auto").dynamodb, 9);
    expect(() => withPrices({ sqsRequestUsd: -1 })).toThrow(/sqsRequestUsd/);
    expect(DEFAULT_PRICES.standardTransitionUsd).toBe(0.000025);
  });

  it("counts the Standard transitions of each review step from the state machine", () => {
    expect(operationsOf("holdRound").standardTransitions).toBe(1);
    expect(operationsOf("settle").standardTransitions).toBe(3);
    expect(operationsOf("escalate").standardTransitions).toBe(2);
    expect(operationsOf("fallback").standardTransitions).toBe(5);
    expect(operationsOf("route").standardTransitions).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { parseDecisionRequest } from "../../../core/decisions/validate";

function validBody(): Record<string, unknown> & { prediction: Record<string, unknown> } {
  return {
    experimentId: "claims-triage",
    unitId: "customer-17",
    decisionId: "dec-0001",
    item: { topic: "billing", amount: 120, customer: { tier: "gold" } },
    prediction: { label: "approve", confidence: 0.97, modelVersion: "v3", costUsd: 0.0004 },
  };
}

function errorsOf(body: unknown) {
  const result = parseDecisionRequest(body);
  if (result.ok) throw new Error("expected validation errors, got a valid request");
  return result.errors;
}

describe("parseDecisionRequest", () => {
  it("accepts a complete request and keeps the product's own item fields", () => {
    const result = parseDecisionRequest(validBody());

    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.item.customer).toEqual({ tier: "gold" });
  });

  it("accepts a request without the optional decisionId, modelVersion and costUsd", () => {
    const { decisionId: _id, ...body } = validBody();

    const result = parseDecisionRequest({ ...body, prediction: { label: "approve", confidence: 0.5 } });

    expect(result.ok).toBe(true);
  });

  it.each([["experimentId"], ["unitId"], ["item"], ["prediction"]])("names the missing field %s", (field) => {
    const body: Record<string, unknown> = validBody();
    delete body[field];

    const [error] = errorsOf(body);

    expect(error?.path).toBe(field);
    expect(error?.message).toMatch(/^is required/);
  });

  it("names a missing prediction.confidence and says what it must be", () => {
    const body = validBody();
    delete body.prediction.confidence;

    expect(errorsOf(body)).toEqual([
      { path: "prediction.confidence", message: "is required (a number between 0 and 1)" },
    ]);
  });

  it("says what it got when confidence is text", () => {
    const body = validBody();
    body.prediction.confidence = "high";

    expect(errorsOf(body)).toEqual([
      { path: "prediction.confidence", message: 'must be a number between 0 and 1, got "high"' },
    ]);
  });

  it.each([
    [1.5, "1.5"],
    [-0.1, "-0.1"],
  ])("rejects confidence %s outside [0, 1]", (confidence, shown) => {
    const body = validBody();
    body.prediction.confidence = confidence;

    expect(errorsOf(body)).toEqual([
      { path: "prediction.confidence", message: `must be a number between 0 and 1, got ${shown}` },
    ]);
  });

  it.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("rejects confidence %s", (confidence, shown) => {
    const body = validBody();
    body.prediction.confidence = confidence;

    expect(errorsOf(body)).toEqual([
      { path: "prediction.confidence", message: `must be a number between 0 and 1, got ${shown}` },
    ]);
  });

  it("says what it got when unitId is a number", () => {
    expect(errorsOf({ ...validBody(), unitId: 17 })).toEqual([
      { path: "unitId", message: "must be text, got 17" },
    ]);
  });

  it("rejects an empty label", () => {
    const body = validBody();
    body.prediction.label = "";

    expect(errorsOf(body)).toEqual([{ path: "prediction.label", message: "must not be empty" }]);
  });

  it("rejects an item topic that is not text", () => {
    expect(errorsOf({ ...validBody(), item: { topic: 3 } })).toEqual([
      { path: "item.topic", message: "must be text, got 3" },
    ]);
  });

  it("rejects an item that is a list", () => {
    expect(errorsOf({ ...validBody(), item: ["a"] })).toEqual([
      { path: "item", message: "must be an object, got a list of 1" },
    ]);
  });

  it("rejects a decisionId with characters that are not allowed", () => {
    const [error] = errorsOf({ ...validBody(), decisionId: "dec 1" });

    expect(error).toEqual({
      path: "decisionId",
      message: 'may hold letters, digits and _ . : @ - (got "dec 1")',
    });
  });

  it("rejects an extra top-level field and names it", () => {
    const [error] = errorsOf({ ...validBody(), priority: "high" });

    expect(error?.path).toBe("priority");
    expect(error?.message).toBe(
      "is not a known field (known fields: experimentId, unitId, decisionId, item, prediction)",
    );
  });

  it("rejects an extra field inside prediction and names its path", () => {
    const body = validBody();
    body.prediction.score = 0.9;

    expect(errorsOf(body).map((e) => e.path)).toEqual(["prediction.score"]);
  });

  it("names the alternative whose confidence is out of range", () => {
    const body = validBody();
    body.prediction.alternatives = [
      { label: "reject", confidence: 0.02 },
      { label: "investigate", confidence: 2 },
    ];

    expect(errorsOf(body)).toEqual([
      { path: "prediction.alternatives[1].confidence", message: "must be a number between 0 and 1, got 2" },
    ]);
  });

  it("reports every problem at once", () => {
    const body = { ...validBody(), unitId: "", prediction: { label: "x", confidence: "high" } };

    expect(errorsOf(body).map((e) => e.path)).toEqual(["unitId", "prediction.confidence"]);
  });

  it.each([
    [null, "null"],
    ["text", '"text"'],
    [undefined, "nothing"],
  ])("names the request body when it is %s", (body, shown) => {
    expect(errorsOf(body)).toEqual([{ path: "request body", message: `must be an object, got ${shown}` }]);
  });
});

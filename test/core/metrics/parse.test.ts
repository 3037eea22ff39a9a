import { describe, expect, it } from "vitest";
import { validateMetricEvent } from "../../../core/metrics/parse";
import { acknowledged, groundTruth, outcome, routed, verdict } from "./events";

describe("validateMetricEvent", () => {
  it("accepts every event of the catalogue as the records imply it", () => {
    for (const event of [
      routed({ latencyMs: 12 }),
      verdict(),
      outcome({ pair: ["a", "b"] }),
      groundTruth(),
      acknowledged(),
    ]) {
      expect(validateMetricEvent(event)).toEqual({ ok: true, event });
    }
  });

  it("refuses a number a counter cannot hold", () => {
    const result = validateMetricEvent({ ...verdict(), handlingSeconds: Number.NaN });

    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("handlingSeconds") });
  });

  it("refuses an unknown event type", () => {
    const result = validateMetricEvent({ ...routed(), type: "decision.exploded" });

    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("type") });
  });

  it("names a missing or mistyped field", () => {
    const { unitId: _gone, ...missing } = routed();

    expect(validateMetricEvent(missing)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("unitId"),
    });
    expect(validateMetricEvent({ ...verdict(), handlingSeconds: "90" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("handlingSeconds"),
    });
    expect(validateMetricEvent({ ...routed(), at: "yesterday" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("at"),
    });
  });
});

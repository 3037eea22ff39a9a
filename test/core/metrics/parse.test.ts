import { describe, expect, it } from "vitest";
import { parseMetricEvent } from "../../../core/metrics/parse";
import { acknowledged, groundTruth, outcome, routed, verdict } from "./events";

describe("parseMetricEvent", () => {
  it("accepts every event of the catalogue as the emitters write it", () => {
    for (const event of [
      routed({ latencyMs: 12 }),
      verdict(),
      outcome({ pair: ["a", "b"] }),
      groundTruth(),
      acknowledged(),
    ]) {
      expect(parseMetricEvent(JSON.stringify(event))).toEqual({ ok: true, event });
    }
  });

  it("refuses a body that is not JSON", () => {
    const result = parseMetricEvent("{not json");

    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^not JSON/) });
  });

  it("refuses an unknown event type", () => {
    const result = parseMetricEvent(JSON.stringify({ ...routed(), type: "decision.exploded" }));

    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("type") });
  });

  it("names a missing or mistyped field", () => {
    const { unitId: _gone, ...missing } = routed();

    expect(parseMetricEvent(JSON.stringify(missing))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("unitId"),
    });
    expect(parseMetricEvent(JSON.stringify({ ...verdict(), handlingSeconds: "90" }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("handlingSeconds"),
    });
    expect(parseMetricEvent(JSON.stringify({ ...routed(), at: "yesterday" }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining("at"),
    });
  });
});

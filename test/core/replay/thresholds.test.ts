import { describe, expect, it } from "vitest";
import { normalizeThresholds, parseThresholdList, thresholdRange } from "../../../core/replay/thresholds";

describe("thresholdRange", () => {
  it("gives the 50 thresholds 0.50 … 0.99 for the default range, without floating-point tails", () => {
    // Act
    const thresholds = thresholdRange(0.5, 0.99, 0.01);

    // Assert
    expect(thresholds).toHaveLength(50);
    expect(thresholds[0]).toBe(0.5);
    expect(thresholds[30]).toBe(0.8);
    expect(thresholds[49]).toBe(0.99);
  });

  it("includes the upper end when the step divides the range and stops below it otherwise", () => {
    expect(thresholdRange(0.8, 0.95, 0.05)).toEqual([0.8, 0.85, 0.9, 0.95]);
    expect(thresholdRange(0.8, 0.95, 0.1)).toEqual([0.8, 0.9]);
    expect(thresholdRange(0.9, 0.9, 0.01)).toEqual([0.9]);
  });

  it("rejects bounds outside [0, 1], a reversed range and a step that is not positive", () => {
    expect(() => thresholdRange(-0.1, 0.9, 0.1)).toThrow(/from must be a number between 0 and 1/);
    expect(() => thresholdRange(0.5, 1.5, 0.1)).toThrow(/to must be/);
    expect(() => thresholdRange(0.9, 0.8, 0.01)).toThrow("from (0.9) must not exceed to (0.8)");
    expect(() => thresholdRange(0.5, 0.9, 0)).toThrow(/step must be a number > 0/);
  });
});

describe("parseThresholdList", () => {
  it("sorts the thresholds and drops duplicates", () => {
    expect(parseThresholdList("0.95, 0.8,0.9,0.8")).toEqual([0.8, 0.9, 0.95]);
  });

  it("names the entry that is not a threshold", () => {
    expect(() => parseThresholdList("0.8,high")).toThrow('threshold "high" must be a number between 0 and 1');
    expect(() => parseThresholdList("0.8,,0.9")).toThrow('threshold "" must be');
    expect(() => parseThresholdList("1.5")).toThrow('threshold "1.5"');
  });
});

describe("normalizeThresholds", () => {
  it("needs at least one threshold, each between 0 and 1", () => {
    expect(() => normalizeThresholds([])).toThrow("at least one threshold is needed");
    expect(() => normalizeThresholds([0.5, 2])).toThrow(/threshold must be/);
    expect(normalizeThresholds([0.9, 0.5 + 30 * 0.01])).toEqual([0.8, 0.9]);
  });
});

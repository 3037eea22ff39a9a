import { describe, expect, it } from "vitest";
import { mean, percentile, ratePerSecond, summarize } from "../../bench/stats";

describe("benchmark statistics", () => {
  it("takes nearest-rank percentiles of sorted values", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  it("gives the only value for every percentile of one value, and NaN for none", () => {
    expect(percentile([7], 0.01)).toBe(7);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });

  it("rounds the rank up, so p50 of four values is the second", () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20);
    expect(percentile([10, 20, 30, 40], 0.51)).toBe(30);
  });

  it("refuses a quantile outside [0, 1]", () => {
    expect(() => percentile([1, 2], 1.5)).toThrow(RangeError);
  });

  it("summarizes unsorted values without changing them", () => {
    const values = [30, 10, 20, 40];
    const summary = summarize(values);
    expect(summary).toEqual({ count: 4, mean: 25, min: 10, max: 40, p50: 20, p95: 40, p99: 40 });
    expect(values).toEqual([30, 10, 20, 40]);
  });

  it("computes rates and means, NaN where undefined", () => {
    expect(ratePerSecond(500, 2000)).toBe(250);
    expect(ratePerSecond(5, 0)).toBeNaN();
    expect(mean([1, 2, 3])).toBe(2);
    expect(mean([])).toBeNaN();
  });
});

import { describe, expect, it } from "vitest";
import { binomial, multinomial, sortedQuantile } from "../../../core/stats/resample";
import { seededRandom } from "./random";

describe("binomial", () => {
  it("has mean np and variance np(1 − p) for small and large n", () => {
    // Arrange
    const random = seededRandom(4);
    for (const [n, p] of [
      [10, 0.3],
      [1000, 0.02],
      [250_000, 0.6],
    ] as const) {
      const draws = 4000;
      let sum = 0;
      let squares = 0;

      // Act
      for (let i = 0; i < draws; i++) {
        const x = binomial(random, n, p);
        sum += x;
        squares += x * x;
      }

      // Assert: within 4 standard errors of the mean, and the variance within 10%
      const mean = sum / draws;
      const variance = squares / draws - mean * mean;
      const expectedVariance = n * p * (1 - p);
      expect(Math.abs(mean - n * p)).toBeLessThan(4 * Math.sqrt(expectedVariance / draws));
      expect(variance / expectedVariance).toBeGreaterThan(0.9);
      expect(variance / expectedVariance).toBeLessThan(1.1);
    }
  });

  it("returns whole numbers between 0 and n, exactly 0 for p = 0 and n for p = 1", () => {
    const random = seededRandom(5);
    expect(binomial(random, 1000, 0)).toBe(0);
    expect(binomial(random, 1000, 1)).toBe(1000);
    for (let i = 0; i < 200; i++) {
      const x = binomial(random, 777, random());
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(777);
    }
  });
});

describe("multinomial", () => {
  it("always sums to n and gives each cell its share on average", () => {
    // Arrange
    const random = seededRandom(6);
    const weights = [5, 0, 3, 2];
    const totals = [0, 0, 0, 0];

    // Act
    for (let i = 0; i < 2000; i++) {
      const draw = multinomial(random, 100, weights);
      expect(draw.reduce((s, x) => s + x, 0)).toBe(100);
      draw.forEach((x, j) => {
        totals[j] = (totals[j] ?? 0) + x;
      });
    }

    // Assert
    expect((totals[0] ?? 0) / 2000).toBeCloseTo(50, 0);
    expect(totals[1]).toBe(0);
    expect((totals[2] ?? 0) / 2000).toBeCloseTo(30, 0);
    expect((totals[3] ?? 0) / 2000).toBeCloseTo(20, 0);
  });
});

describe("sortedQuantile", () => {
  it("interpolates linearly between order statistics", () => {
    expect(sortedQuantile([1, 2, 3, 4], 0)).toBe(1);
    expect(sortedQuantile([1, 2, 3, 4], 1)).toBe(4);
    expect(sortedQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(sortedQuantile([], 0.5)).toBeNaN();
  });
});

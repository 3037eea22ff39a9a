import { describe, expect, it } from "vitest";
import { twoProportionZTest, wilson } from "../../../core/stats/proportions";

describe("wilson", () => {
  it("gives the published 95 % interval (0.2553, 0.3662) for 81 successes in 263 trials", () => {
    // Act
    const [lower, upper] = wilson(81, 263);

    // Assert
    expect(lower).toBeCloseTo(0.2553, 4);
    expect(upper).toBeCloseTo(0.3662, 4);
  });

  it("starts exactly at 0 with no successes and ends exactly at 1 with all successes", () => {
    // With p̂ = 0 the upper end is z²/(n + z²); for n = 10: 3.8415/13.8415
    const z2 = 1.959963984540054 ** 2;

    expect(wilson(0, 10)).toEqual([0, expect.closeTo(z2 / (10 + z2), 12)]);
    expect(wilson(10, 10)).toEqual([expect.closeTo(10 / (10 + z2), 12), 1]);
  });

  it("narrows when the confidence level drops", () => {
    // Act
    const wide = wilson(40, 100, 0.99);
    const narrow = wilson(40, 100, 0.8);

    // Assert
    expect(wide[0]).toBeLessThan(narrow[0]);
    expect(wide[1]).toBeGreaterThan(narrow[1]);
  });

  it("returns the whole unit interval when there are no trials", () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it("rejects impossible counts and confidence levels", () => {
    expect(() => wilson(5, 4)).toThrow(RangeError);
    expect(() => wilson(-1, 4)).toThrow(RangeError);
    expect(() => wilson(1, 4, 1)).toThrow(/confidence/);
  });
});

describe("twoProportionZTest", () => {
  it("matches a hand-computed pooled z-test", () => {
    // Arrange: 130/1000 vs 100/1000, pooled p = 0.115
    const se = Math.sqrt(0.115 * 0.885 * (2 / 1000));

    // Act
    const { z, pValue } = twoProportionZTest(130, 1000, 100, 1000);

    // Assert: z = 0.03/0.0142671 = 2.10274; two-sided p from the normal table ≈ 0.03549
    expect(z).toBeCloseTo(0.03 / se, 12);
    expect(z).toBeCloseTo(2.10274, 5);
    expect(pValue).toBeCloseTo(0.035488, 5);
  });

  it("changes the sign of z but not the p-value when the groups are swapped", () => {
    const forward = twoProportionZTest(30, 200, 45, 210);
    const backward = twoProportionZTest(45, 210, 30, 200);

    expect(backward.z).toBeCloseTo(-forward.z, 14);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 14);
  });

  it("reports no evidence when both groups are identical at 0 %", () => {
    expect(twoProportionZTest(0, 50, 0, 80)).toEqual({ z: 0, pValue: 1 });
  });

  it("returns NaN when a group is empty", () => {
    const result = twoProportionZTest(0, 0, 3, 10);

    expect(result.z).toBeNaN();
    expect(result.pValue).toBeNaN();
  });
});

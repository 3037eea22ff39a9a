import { describe, expect, it } from "vitest";
import { srm } from "../../../core/stats/srm";

describe("srm", () => {
  it("gives the published chi-square of 22.77 for 821,588 vs 815,482 users at 50/50 and flags it", () => {
    // Act
    const result = srm([821588, 815482], [0.5, 0.5]);

    // Assert: χ² = 2·3053²/818535; p = 2·Φ(−√22.774) ≈ 1.82e-6
    expect(result.chiSquare).toBeCloseTo(22.77, 2);
    expect(result.chiSquare).toBeCloseTo((2 * 3053 ** 2) / 818535, 9);
    expect(result.pValue).toBeCloseTo(1.8218e-6, 9);
    expect(result.mismatch).toBe(true);
  });

  it("does not flag a split that matches the weights exactly", () => {
    expect(srm([300, 100], [3, 1])).toEqual({ chiSquare: 0, pValue: 1, mismatch: false });
  });

  it("computes three arms by hand against unequal weights", () => {
    // Arrange: expected 500, 250, 250 for 1000 units at 50/25/25
    // χ² = 20²/500 + 10²/250 + 10²/250 = 0.8 + 0.4 + 0.4 = 1.6 on 2 df, p = exp(−0.8)

    // Act
    const result = srm([480, 260, 260], [0.5, 0.25, 0.25]);

    // Assert
    expect(result.chiSquare).toBeCloseTo(1.6, 12);
    expect(result.pValue).toBeCloseTo(Math.exp(-0.8), 12);
    expect(result.mismatch).toBe(false);
  });

  it("treats units in an arm with weight zero as a mismatch", () => {
    expect(srm([100, 100, 1], [1, 1, 0])).toEqual({
      chiSquare: Number.POSITIVE_INFINITY,
      pValue: 0,
      mismatch: true,
    });
    expect(srm([100, 100, 0], [1, 1, 0]).mismatch).toBe(false);
  });

  it("reports no mismatch before any units arrive", () => {
    expect(srm([0, 0], [0.5, 0.5])).toEqual({ chiSquare: 0, pValue: 1, mismatch: false });
  });

  it("rejects mismatched lengths, a single arm and negative counts", () => {
    expect(() => srm([1, 2], [1])).toThrow(/same length/);
    expect(() => srm([1], [1])).toThrow(/at least 2/);
    expect(() => srm([-1, 2], [1, 1])).toThrow(RangeError);
    expect(() => srm([1, 2], [0, 0])).toThrow(/weight/);
  });
});

import { describe, expect, it } from "vitest";
import { benjaminiHochberg, holm } from "../../../core/stats/multiple-comparisons";

describe("holm", () => {
  it("matches a hand-computed step-down adjustment, in input order", () => {
    // Arrange: sorted 0.01, 0.02, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.04, 0.06, 0.06, 0.04
    // then the running maximum: 0.04, 0.06, 0.06, 0.06
    const pValues = [0.03, 0.01, 0.04, 0.02];

    // Act
    const adjusted = holm(pValues);

    // Assert
    expect(adjusted).toEqual([0.06, 0.04, 0.06, 0.06].map((v) => expect.closeTo(v, 14)));
  });

  it("caps adjusted p-values at 1", () => {
    expect(holm([0.5, 0.6, 0.9])).toEqual([1, 1, 1]);
  });

  it("leaves NaN (inconclusive) p-values out of the family", () => {
    // Two real p-values: 0.01·2 = 0.02 and 0.04·1 → max(0.02, 0.04) = 0.04
    const adjusted = holm([0.04, Number.NaN, 0.01]);

    expect(adjusted[0]).toBeCloseTo(0.04, 14);
    expect(adjusted[1]).toBeNaN();
    expect(adjusted[2]).toBeCloseTo(0.02, 14);
  });

  it("returns an empty list for no p-values and rejects values outside [0, 1]", () => {
    expect(holm([])).toEqual([]);
    expect(() => holm([0.2, 1.2])).toThrow(RangeError);
  });
});

describe("benjaminiHochberg", () => {
  it("matches a hand-computed step-up adjustment, in input order", () => {
    // Arrange: sorted 0.005, 0.01, 0.03, 0.04, 0.2 (m = 5) → m·p/rank:
    // 0.025, 0.025, 0.05, 0.05, 0.2; running minimum from the top leaves them unchanged
    const pValues = [0.04, 0.005, 0.2, 0.03, 0.01];

    // Act
    const adjusted = benjaminiHochberg(pValues);

    // Assert
    expect(adjusted).toEqual([0.05, 0.025, 0.2, 0.05, 0.025].map((v) => expect.closeTo(v, 14)));
  });

  it("takes the running minimum from the largest p-value down", () => {
    // Sorted 0.01, 0.04, 0.045 (m = 3): 0.03, 0.06, 0.045 → minimum from the top: 0.03, 0.045, 0.045
    expect(benjaminiHochberg([0.045, 0.01, 0.04])).toEqual(
      [0.045, 0.03, 0.045].map((v) => expect.closeTo(v, 14)),
    );
  });

  it("is never larger than Holm's adjustment", () => {
    const pValues = [0.001, 0.2, 0.013, 0.04, 0.5, 0.03];

    const bh = benjaminiHochberg(pValues);
    const fwer = holm(pValues);

    bh.forEach((q, i) => {
      expect(q).toBeLessThanOrEqual((fwer[i] ?? 0) + 1e-15);
    });
  });
});

import { describe, expect, it } from "vitest";
import { frequentistTest } from "../../../core/stats/frequentist";
import { sequentialTest } from "../../../core/stats/sequential";

describe("sequentialTest", () => {
  it("reproduces the asymptotic confidence sequence computed by hand from arXiv:2103.06476 eq. 9", () => {
    // Arrange: 100/1000 vs 130/1000, alpha 0.05, N* = 5000
    // ρ = √((−2 ln 0.05 + ln(1 − 2 ln 0.05))/5000) = 0.0398401; n = 2000; Var = 0.0002031
    // half-width = √(Var·n) · √(2(nρ² + 1)/(nρ)² · ln(√(nρ² + 1)/0.05)) = 0.0445180
    // p = min(1, √(nρ² + 1)·exp(−ρ²·n·Δ²/Var / (2(nρ² + 1)))) = 0.378932
    const control = { n: 1000, sum: 100 };
    const treatment = { n: 1000, sum: 130 };

    // Act
    const result = sequentialTest(control, treatment);

    // Assert
    expect(result.expected).toBeCloseTo(0.03, 14);
    expect(result.ci[0]).toBeCloseTo(0.03 - 0.044517962, 8);
    expect(result.ci[1]).toBeCloseTo(0.03 + 0.044517962, 8);
    expect(result.pValue).toBeCloseTo(0.3789315, 6);
  });

  it("is wider than the fixed-horizon interval for the same data", () => {
    // Arrange
    const control = { n: 5000, sum: 500 };
    const treatment = { n: 5000, sum: 600 };

    // Act
    const fixed = frequentistTest(control, treatment);
    const sequential = sequentialTest(control, treatment);

    // Assert
    expect(sequential.ci[0]).toBeLessThan(fixed.ci[0]);
    expect(sequential.ci[1]).toBeGreaterThan(fixed.ci[1]);
    expect(sequential.pValue).toBeGreaterThan(fixed.pValue);
    expect(sequential.stddev).toBe(fixed.stddev);
  });

  it("never reports a narrower interval than Welch's t when a tiny arm leaves few degrees of freedom", () => {
    // Arrange: control has 2 units (values −100 and 100, df ≈ 1), treatment 5000 units near 1;
    // the asymptotic sequence alone would be about 3σ wide each side, the t interval 12.7σ
    const control = { n: 2, sum: 0, sumSquares: 20000 };
    const treatment = { n: 5000, sum: 5000, sumSquares: 10000 };

    // Act
    const fixed = frequentistTest(control, treatment);
    const sequential = sequentialTest(control, treatment);

    // Assert
    expect(sequential.ci[0]).toBeCloseTo(fixed.ci[0], 12);
    expect(sequential.ci[1]).toBeCloseTo(fixed.ci[1], 12);
    expect(sequential.pValue).toBeGreaterThanOrEqual(fixed.pValue);
  });

  it("rejects exactly when its interval excludes zero", () => {
    for (const lift of [0, 10, 20, 30, 40, 60, 90]) {
      const result = sequentialTest({ n: 3000, sum: 300 }, { n: 3000, sum: 300 + lift });

      expect(result.pValue < 0.05).toBe(result.ci[0] > 0 || result.ci[1] < 0);
    }
  });

  it("rejects invalid tuning", () => {
    expect(() => sequentialTest({ n: 10, sum: 1 }, { n: 10, sum: 2 }, { tuning: 0 })).toThrow(/tuning/);
  });

  it("is inconclusive on the same edge cases as the fixed-horizon test", () => {
    expect(sequentialTest({ n: 0, sum: 0 }, { n: 10, sum: 2 }).reason).toBe("too-few-units");
  });
});

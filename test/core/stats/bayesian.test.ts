import { describe, expect, it } from "vitest";
import { bayesianTest } from "../../../core/stats/bayesian";

describe("bayesianTest with a flat prior", () => {
  it("gives a normal posterior centred on the observed lift", () => {
    // Arrange: 100/1000 vs 130/1000; σ = √((0.09 + 0.1131)/1000) = 0.0142513, Δ/σ = 2.10507
    const sigma = Math.sqrt(0.2031 / 1000);

    // Act
    const result = bayesianTest({ n: 1000, sum: 100 }, { n: 1000, sum: 130 });

    // Assert: Φ(2.10507) = 0.982357 from the normal table; CI Δ ± 1.959964σ
    expect(result.expected).toBeCloseTo(0.03, 14);
    expect(result.stddev).toBeCloseTo(sigma, 14);
    expect(result.chanceToWin).toBeCloseTo(0.9823573, 6);
    expect(result.ci[0]).toBeCloseTo(0.03 - 1.959963984540054 * sigma, 12);
    expect(result.ci[1]).toBeCloseTo(0.03 + 1.959963984540054 * sigma, 12);
  });

  it("gives the expected losses found by numerically integrating the posterior", () => {
    // Reference: ∫ max(δ, 0) dN(0.03, σ²) = 0.0300909 and ∫ max(−δ, 0) dN(0.03, σ²) = 9.08995e-5
    // (adaptive quadrature in SciPy, independent of the closed form used here)

    // Act
    const { risk } = bayesianTest({ n: 1000, sum: 100 }, { n: 1000, sum: 130 });

    // Assert
    expect(risk[0]).toBeCloseTo(0.0300908995, 9);
    expect(risk[1]).toBeCloseTo(9.089952e-5, 10);
  });

  it("has risk σ/√(2π) on both sides and a coin-flip chance to win when the arms are equal", () => {
    // Arrange: both arms 0.5, Var = 2·0.25/400
    const sigma = Math.sqrt(0.5 / 400);

    // Act
    const result = bayesianTest({ n: 400, sum: 200 }, { n: 400, sum: 200 });

    // Assert
    expect(result.chanceToWin).toBe(0.5);
    expect(result.risk[0]).toBeCloseTo(sigma / Math.sqrt(2 * Math.PI), 14);
    expect(result.risk[1]).toBeCloseTo(sigma / Math.sqrt(2 * Math.PI), 14);
  });

  it("returns NaN fields and a reason when the control mean is zero for a relative lift", () => {
    const result = bayesianTest({ n: 100, sum: 0 }, { n: 100, sum: 4 }, { relative: true });

    expect(result.reason).toBe("zero-control-mean");
    expect(result.chanceToWin).toBeNaN();
    expect(result.risk).toEqual([Number.NaN, Number.NaN]);
  });
});

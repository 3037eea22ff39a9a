import { describe, expect, it } from "vitest";
import { normalCdf, normalSf } from "../../../core/stats/distributions";
import { nonInferiorityTest } from "../../../core/stats/noninferiority";

describe("nonInferiorityTest", () => {
  it("shows a small quality drop to be within a 3 % margin, by hand", () => {
    // Arrange: quality 960/1000 (control) vs 955/1000; Δ = −0.005/0.96 = −0.0052083
    // σ = √(0.042975/(1000·0.96²) + 0.0384·0.955²/(1000·0.96⁴)) = 0.00937361, df = 1991.70
    // p = P(T > (Δ + 0.03)/σ) = 0.0041186; lower bound Δ − t(0.95, df)·σ = −0.0206337 (SciPy)

    // Act
    const result = nonInferiorityTest(
      { n: 1000, sum: 960 },
      { n: 1000, sum: 955 },
      { margin: 0.03, direction: "increase" },
    );

    // Assert
    expect(result.diff).toBeCloseTo(-0.005 / 0.96, 14);
    expect(result.pValue).toBeCloseTo(0.0041186, 6);
    expect(result.ci[0]).toBeCloseTo(-0.0206337, 6);
    expect(result.ci[1]).toBe(Number.POSITIVE_INFINITY);
    expect(result.nonInferior).toBe(true);
  });

  it("does not show non-inferiority when the margin is tighter than the uncertainty", () => {
    // Same data, 1 % margin: p = P(T > (Δ + 0.01)/σ) = 0.304638
    const result = nonInferiorityTest(
      { n: 1000, sum: 960 },
      { n: 1000, sum: 955 },
      { margin: 0.01, direction: "increase" },
    );

    expect(result.pValue).toBeCloseTo(0.304638, 5);
    expect(result.nonInferior).toBe(false);
  });

  it("tests the upper side for a metric where lower is better", () => {
    // Arrange: error rate 40/1000 vs 45/1000, margin 50 %: Δ = 0.125, σ = 0.239237
    // p = P(T < (0.125 − 0.5)/σ) = 0.0585804; upper bound 0.518693

    // Act
    const result = nonInferiorityTest(
      { n: 1000, sum: 40 },
      { n: 1000, sum: 45 },
      { margin: 0.5, direction: "decrease" },
    );

    // Assert
    expect(result.pValue).toBeCloseTo(0.0585804, 6);
    expect(result.ci[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(result.ci[1]).toBeCloseTo(0.518693, 5);
    expect(result.nonInferior).toBe(false);
  });

  it("agrees with its own interval: non-inferior exactly when the bound clears the margin", () => {
    for (const treatmentSuccesses of [900, 930, 945, 950, 955, 960, 975]) {
      for (const sequential of [false, true]) {
        const result = nonInferiorityTest(
          { n: 2000, sum: 1900 },
          { n: 2000, sum: treatmentSuccesses * 2 },
          { margin: 0.02, direction: "increase", sequential },
        );

        expect(result.nonInferior).toBe(result.ci[0] > -0.02);
      }
    }
  });

  it("is more cautious when it is sequential", () => {
    const control = { n: 3000, sum: 2880 };
    const treatment = { n: 3000, sum: 2870 };

    const fixed = nonInferiorityTest(control, treatment, { margin: 0.02, direction: "increase" });
    const sequential = nonInferiorityTest(control, treatment, {
      margin: 0.02,
      direction: "increase",
      sequential: true,
    });

    expect(sequential.ci[0]).toBeLessThan(fixed.ci[0]);
    expect(sequential.pValue).toBeGreaterThan(fixed.pValue);
  });

  it("rejects a negative margin and an unknown direction", () => {
    const arm = { n: 10, sum: 5 };

    expect(() => nonInferiorityTest(arm, arm, { margin: -0.1, direction: "increase" })).toThrow(/margin/);
    // @ts-expect-error direction is checked at run time too
    expect(() => nonInferiorityTest(arm, arm, { margin: 0.1, direction: "up" })).toThrow(/direction/);
  });

  it("is inconclusive when the control mean is zero", () => {
    const result = nonInferiorityTest(
      { n: 10, sum: 0 },
      { n: 10, sum: 1 },
      { margin: 0.1, direction: "decrease" },
    );

    expect(result.reason).toBe("zero-control-mean");
    expect(result.nonInferior).toBe(false);
  });

  describe("in Spotify's convention (absolute difference, margin times the control mean, z-test)", () => {
    it("matches the hand computation for quality 960/1000 vs 955/1000 at a 3% relative margin", () => {
      // Δ = −0.005, boundary −0.03 × 0.96 = −0.0288, σ² = 0.96·0.04/1000 + 0.955·0.045/1000.
      const sigma = Math.sqrt((0.96 * 0.04 + 0.955 * 0.045) / 1000);

      const r = nonInferiorityTest(
        { n: 1000, sum: 960 },
        { n: 1000, sum: 955 },
        {
          margin: 0.03,
          direction: "increase",
          convention: "spotify",
        },
      );

      expect(r.diff).toBeCloseTo(-0.005, 12);
      expect(r.boundary).toBeCloseTo(-0.0288, 12);
      expect(r.pValue).toBeCloseTo(normalSf((-0.005 + 0.0288) / sigma), 12);
      expect(r.ci[0]).toBeCloseTo(-0.005 - 1.6448536269514722 * sigma, 10);
      expect(r.ci[1]).toBe(Number.POSITIVE_INFINITY);
      expect(r.nonInferior).toBe(true);
    });

    it("tests a lower-is-better metric against +margin × control mean", () => {
      // Error rate 4% vs 4.6%, margin 10% of 4% = 0.4 pp: not shown non-inferior.
      const r = nonInferiorityTest(
        { n: 2000, sum: 80 },
        { n: 2000, sum: 92 },
        {
          margin: 0.1,
          direction: "decrease",
          convention: "spotify",
        },
      );
      const sigma = Math.sqrt((0.04 * 0.96 + 0.046 * 0.954) / 2000);

      expect(r.boundary).toBeCloseTo(0.004, 12);
      expect(r.pValue).toBeCloseTo(normalCdf((0.006 - 0.004) / sigma), 12);
      expect(r.ci[0]).toBe(Number.NEGATIVE_INFINITY);
      expect(r.nonInferior).toBe(false);
    });

    it("agrees with the relative convention on the verdict for a large sample", () => {
      const a = { n: 50_000, sum: 47_500 };
      const b = { n: 50_000, sum: 47_300 };
      const options = { margin: 0.01, direction: "increase" as const };

      const relative = nonInferiorityTest(a, b, options);
      const spotify = nonInferiorityTest(a, b, { ...options, convention: "spotify" });

      expect(spotify.nonInferior).toBe(relative.nonInferior);
      expect(spotify.diff).toBeCloseTo(relative.diff * 0.95, 12);
      expect(spotify.pValue).toBeCloseTo(relative.pValue, 3);
    });

    it("rejects an unknown convention", () => {
      expect(() =>
        nonInferiorityTest(
          { n: 10, sum: 5 },
          { n: 10, sum: 5 },
          {
            margin: 0.1,
            direction: "increase",
            convention: "gbstats" as "relative",
          },
        ),
      ).toThrow(/convention must be "relative" or "spotify"/);
    });
  });
});

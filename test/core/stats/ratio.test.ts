import { describe, expect, it } from "vitest";
import { frequentistTest } from "../../../core/stats/frequentist";
import { armMoments } from "../../../core/stats/moments";
import { ratioTest } from "../../../core/stats/ratio";

// Per-unit (numerator, denominator): control (1,2) (2,3) (3,3) (0,1) (4,5);
// treatment (2,2) (3,4) (1,2) (5,5) (2,3) (4,4).
const control = {
  n: 5,
  sumNumerator: 10,
  sumNumeratorSquares: 30,
  sumDenominator: 14,
  sumDenominatorSquares: 48,
  sumCross: 37,
};
const treatment = {
  n: 6,
  sumNumerator: 17,
  sumNumeratorSquares: 59,
  sumDenominator: 20,
  sumDenominatorSquares: 74,
  sumCross: 65,
};

describe("ratioTest", () => {
  it("computes each arm's ratio and delta-method variance by hand", () => {
    // Arrange: control mm = 2, md = 2.8, vm = 2.5, vd = 2.2, cov = 2.25
    // var = 2.5/2.8² + 2.2·2²/2.8⁴ − 2·2.25·2/2.8³ = 0.318878 + 0.143170 − 0.409985
    const expected = 2.5 / 2.8 ** 2 + (2.2 * 4) / 2.8 ** 4 - (2 * 2.25 * 2) / 2.8 ** 3;

    // Act
    const moments = armMoments(control);

    // Assert
    expect(moments.mean).toBeCloseTo(10 / 14, 14);
    expect(moments.variance).toBeCloseTo(expected, 13);
  });

  it("reproduces a hand-computed Welch test on the ratios", () => {
    // Reference (independent NumPy/SciPy computation of the same formulas):
    // Δ = 0.85 − 0.714286 = 0.135714, se = 0.127700, df = 7.80896, p = 0.319649
    // relative: Δ = 0.19, se = 0.201132, p = 0.373143

    // Act
    const absolute = ratioTest(control, treatment);
    const relative = ratioTest(control, treatment, { relative: true });

    // Assert
    expect(absolute.expected).toBeCloseTo(0.85 - 10 / 14, 14);
    expect(absolute.stddev).toBeCloseTo(0.1277001496, 9);
    expect(absolute.pValue).toBeCloseTo(0.3196493, 6);
    expect(relative.expected).toBeCloseTo(0.19, 13);
    expect(relative.stddev).toBeCloseTo(0.2011322948, 9);
    expect(relative.pValue).toBeCloseTo(0.3731426, 6);
  });

  it("equals the mean-metric test when every denominator is 1", () => {
    // Arrange: numerators 1..5 and 2, 4, ..., 12 with denominator 1 per unit
    const asRatio = (n: number, sum: number, sumSquares: number) => ({
      n,
      sumNumerator: sum,
      sumNumeratorSquares: sumSquares,
      sumDenominator: n,
      sumDenominatorSquares: n,
      sumCross: sum,
    });

    // Act
    const ratio = ratioTest(asRatio(5, 15, 55), asRatio(6, 42, 364));
    const mean = frequentistTest({ n: 5, sum: 15, sumSquares: 55 }, { n: 6, sum: 42, sumSquares: 364 });

    // Assert
    expect(ratio.expected).toBeCloseTo(mean.expected, 14);
    expect(ratio.stddev).toBeCloseTo(mean.stddev, 14);
    expect(ratio.pValue).toBeCloseTo(mean.pValue, 12);
  });

  it("is inconclusive when an arm's denominator sums to zero", () => {
    const empty = { ...control, sumDenominator: 0, sumDenominatorSquares: 0, sumCross: 0 };

    expect(ratioTest(empty, treatment).reason).toBe("zero-denominator");
  });

  it("rejects arms that are not ratio sums", () => {
    // @ts-expect-error a proportion is not a ratio metric
    expect(() => ratioTest({ n: 5, sum: 2 }, treatment)).toThrow(/ratio sums/);
  });
});

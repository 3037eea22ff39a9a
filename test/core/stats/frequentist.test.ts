import { describe, expect, it } from "vitest";
import { frequentistTest } from "../../../core/stats/frequentist";

// Control values 1, 2, 3, 4, 5 and treatment values 2, 4, 6, 8, 10, 12 as sufficient statistics.
const control = { n: 5, sum: 15, sumSquares: 55 }; // mean 3, sample variance 2.5
const treatment = { n: 6, sum: 42, sumSquares: 364 }; // mean 7, sample variance 14

describe("frequentistTest on a mean metric", () => {
  it("reproduces a hand-computed Welch t-test", () => {
    // Arrange: Var = 14/6 + 2.5/5 = 2.8333; df = 2.8333² / ((14/6)²/5 + 0.5²/4) = 6.97226
    // Welch t = 4/1.68325 = 2.37635, two-sided p = 0.049284 (same as Welch's test in R or SciPy)
    const stddev = Math.sqrt(14 / 6 + 2.5 / 5);

    // Act
    const result = frequentistTest(control, treatment);

    // Assert
    expect(result.expected).toBeCloseTo(4, 14);
    expect(result.stddev).toBeCloseTo(stddev, 14);
    expect(result.pValue).toBeCloseTo(0.0492843, 6);
    // t(0.975, 6.97226) = 2.36653, so the interval is 4 ± 3.98347
    expect(result.ci[0]).toBeCloseTo(0.016531, 5);
    expect(result.ci[1]).toBeCloseTo(7.983469, 5);
  });

  it("uses the delta method for the relative lift", () => {
    // Arrange: lift 4/3; Var = 14/(6·3²) + 2.5·7²/(5·3⁴) = 0.259259 + 0.302469
    const variance = 14 / (6 * 9) + (2.5 * 49) / (5 * 81);

    // Act
    const result = frequentistTest(control, treatment, { relative: true });

    // Assert: t = 1.33333/0.749485 = 1.77899 on the same 6.97226 df, p = 0.118638
    expect(result.expected).toBeCloseTo(4 / 3, 14);
    expect(result.stddev).toBeCloseTo(Math.sqrt(variance), 14);
    expect(result.pValue).toBeCloseTo(0.118638, 5);
  });

  it("widens the interval when alpha is smaller", () => {
    const at5 = frequentistTest(control, treatment, { alpha: 0.05 });
    const at1 = frequentistTest(control, treatment, { alpha: 0.01 });

    expect(at1.ci[0]).toBeLessThan(at5.ci[0]);
    expect(at1.ci[1]).toBeGreaterThan(at5.ci[1]);
  });
});

describe("frequentistTest on a proportion", () => {
  it("uses the variance p(1 − p) for each arm", () => {
    // Arrange: 100/1000 vs 130/1000; Var = (0.1·0.9 + 0.13·0.87)/1000
    const stddev = Math.sqrt((0.09 + 0.1131) / 1000);

    // Act
    const result = frequentistTest({ n: 1000, sum: 100 }, { n: 1000, sum: 130 });

    // Assert: t = 2.10507 on df = 1972.48 gives p = 0.035411 (SciPy: 2·t.sf(2.10507, 1972.48))
    expect(result.expected).toBeCloseTo(0.03, 14);
    expect(result.stddev).toBeCloseTo(stddev, 14);
    expect(result.pValue).toBeCloseTo(0.03541, 4);
  });
});

describe("frequentistTest edge cases", () => {
  it("is inconclusive with NaN statistics when an arm has fewer than two units", () => {
    const result = frequentistTest({ n: 1, sum: 1 }, { n: 10, sum: 5 });

    expect(result.reason).toBe("too-few-units");
    expect(result.pValue).toBeNaN();
    expect(result.ci).toEqual([Number.NaN, Number.NaN]);
  });

  it("is inconclusive but keeps the point estimate when both arms have zero variance", () => {
    const result = frequentistTest({ n: 10, sum: 10 }, { n: 10, sum: 10 });

    expect(result.reason).toBe("zero-variance");
    expect(result.expected).toBe(0);
    expect(result.stddev).toBeNaN();
  });

  it("is inconclusive for a relative lift over a control mean of zero", () => {
    const result = frequentistTest({ n: 10, sum: 0 }, { n: 10, sum: 3 }, { relative: true });

    expect(result.reason).toBe("zero-control-mean");
    expect(result.expected).toBeNaN();
  });

  it("still tests when only one arm has zero variance", () => {
    const result = frequentistTest({ n: 50, sum: 0 }, { n: 50, sum: 5 });

    expect(result.reason).toBeUndefined();
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1);
  });

  it("rejects invalid arguments with a RangeError that names the problem", () => {
    expect(() => frequentistTest({ n: 10, sum: 11 }, { n: 10, sum: 5 })).toThrow(/sumSquares for a mean/);
    expect(() => frequentistTest({ n: -1, sum: 0 }, { n: 10, sum: 5 })).toThrow(RangeError);
    expect(() => frequentistTest({ n: 10, sum: 1 }, { n: 10, sum: 5 }, { alpha: 0 })).toThrow(/alpha/);
    expect(() => frequentistTest({ n: 10, sum: 1 }, { n: 10, sum: 5, sumSquares: 5 })).toThrow(/same kind/);
  });
});

import { describe, expect, it } from "vitest";
import { binomialLowerTailPValue, hoeffdingBentkusPValue } from "../../../core/stats/binomial";
import {
  type CalibrationSums,
  calibrationSums,
  certifyThreshold,
  certifyThresholds,
  type ScoredOutcome,
} from "../../../core/stats/certificate";
import { wilson } from "../../../core/stats/proportions";

const sums = (n: number, rows: [threshold: number, n: number, errors: number][]): CalibrationSums => ({
  n,
  thresholds: rows.map(([threshold, count, errors]) => ({ threshold, n: count, errors })),
});

/** `count` outcomes at `confidence`, the first `wrong` of them wrong. */
const outcomes = (confidence: number, count: number, wrong: number, weight?: number): ScoredOutcome[] =>
  Array.from({ length: count }, (_, i) => ({
    confidence,
    correct: i >= wrong,
    ...(weight === undefined ? {} : { weight }),
  }));

describe("certifyThresholds (Learn-Then-Test, fixed sequence)", () => {
  it("tests from the strictest threshold down and stops at the first it cannot certify", () => {
    // Arrange: 0.8 alone would pass, but 0.9 stops the sequence before it is reached.
    const data = sums(2000, [
      [0.8, 1000, 5],
      [0.9, 500, 12],
      [0.95, 300, 0],
    ]);

    // Act
    const c = certifyThresholds(data, { targetError: 0.02, confidence: 0.95 });

    // Assert
    expect(c.threshold).toBe(0.95);
    expect(c.tested.map((t) => t.threshold)).toEqual([0.95, 0.9]);
    expect(c.tested[0]?.pValue).toBeCloseTo(0.98 ** 300, 12);
    expect(c.tested[1]?.pValue).toBeCloseTo(binomialLowerTailPValue(500, 12, 0.02), 12);
    expect(c.tested.map((t) => t.certified)).toEqual([true, false]);
    expect(c.untested).toEqual([0.8]);
    expect(c.stop).toEqual({ reason: "not-rejected", threshold: 0.9 });
    expect(c.summary).toMatch(/^Certified: automate at confidence ≥ 0.95/);
  });

  it("certifies the lowest threshold when every threshold passes", () => {
    const c = certifyThresholds(
      sums(1000, [
        [0.9, 800, 2],
        [0.95, 500, 0],
      ]),
      { targetError: 0.02 },
    );

    expect(c.threshold).toBe(0.9);
    expect(c.stop).toEqual({ reason: "all-certified", threshold: null });
    expect(c.needed).toBeNull();
  });

  it("gives the automation rate at the certified threshold with its Wilson interval", () => {
    const c = certifyThresholds(sums(1000, [[0.9, 800, 2]]), { targetError: 0.02, confidence: 0.9 });

    expect(c.automationRate).toBe(0.8);
    expect(c.automationRateInterval).toEqual(wilson(800, 1000, 0.9));
  });

  it("says nothing is certified, and how many more outcomes would be, when the strictest has too few", () => {
    // Arrange: 0 errors in 50: p = 0.98^50 = 0.364 > 0.05. Zero errors certify from
    // n ≥ ln 0.05 / ln 0.98 = 148.3, so 149 outcomes: 99 more at 0.99, i.e. 99 / (50/1000) = 1980 in all.
    const c = certifyThresholds(
      sums(1000, [
        [0.9, 600, 3],
        [0.99, 50, 0],
      ]),
      { targetError: 0.02 },
    );

    expect(c.threshold).toBeNull();
    expect(c.automationRate).toBeNull();
    expect(c.tested).toHaveLength(1);
    expect(c.needed).toEqual({ threshold: 0.99, atThreshold: 99, overall: 1980 });
    expect(c.summary).toContain("No threshold certified at 2.00% with 95% confidence");
    expect(c.summary).toContain("About 99 more labelled outcomes at or above 0.99 (about 1,980 more in all)");
  });

  it("says more outcomes cannot help when the strictest threshold's error rate already reaches the target", () => {
    const c = certifyThresholds(sums(100, [[0.99, 40, 2]]), { targetError: 0.05 });

    expect(c.threshold).toBeNull();
    expect(c.needed).toBeNull();
    expect(c.summary).toContain("more outcomes alone will not certify it");
  });

  it("treats a threshold with no outcomes as no evidence (p = 1)", () => {
    const c = certifyThresholds(sums(10, [[0.99, 0, 0]]), { targetError: 0.05 });

    expect(c.tested[0]?.pValue).toBe(1);
    expect(c.summary).toContain("no labelled outcome has confidence ≥ 0.99");
  });

  it("can use Hoeffding–Bentkus p-values, which are never smaller than the exact binomial ones", () => {
    const data = sums(1000, [[0.9, 1000, 8]]);

    const exact = certifyThresholds(data, { targetError: 0.02 });
    const hb = certifyThresholds(data, { targetError: 0.02, pValue: "hoeffding-bentkus" });

    expect(hb.tested[0]?.pValue).toBeCloseTo(hoeffdingBentkusPValue(1000, 0.008, 0.02), 14);
    expect(hb.tested[0]?.pValue).toBeGreaterThan(exact.tested[0]?.pValue ?? 1);
  });

  it("rejects impossible options and sums with a message naming the problem", () => {
    const ok = sums(10, [[0.9, 5, 1]]);
    expect(() => certifyThresholds(ok, { targetError: 0 })).toThrow(/targetError/);
    expect(() => certifyThresholds(ok, { targetError: 0.1, confidence: 1 })).toThrow(/confidence/);
    expect(() => certifyThresholds(sums(10, [[0.9, 11, 1]]), { targetError: 0.1 })).toThrow(/n must be/);
    expect(() => certifyThresholds(sums(10, [[0.9, 5, 6]]), { targetError: 0.1 })).toThrow(/errors must be/);
    expect(() => certifyThresholds(sums(10, [[1.5, 5, 1]]), { targetError: 0.1 })).toThrow(/between 0 and 1/);
    expect(() =>
      certifyThresholds(
        sums(10, [
          [0.9, 5, 1],
          [0.9, 5, 1],
        ]),
        { targetError: 0.1 },
      ),
    ).toThrow(/listed twice/);
    expect(() => certifyThresholds({ n: 0, thresholds: [] }, { targetError: 0.1 })).toThrow(/at least one/);
  });
});

describe("calibrationSums", () => {
  it("counts an outcome at exactly the threshold as automated there", () => {
    const s = calibrationSums([...outcomes(0.9, 3, 1), ...outcomes(0.85, 2, 2)], [0.85, 0.9, 0.95]);

    expect(s.n).toBe(5);
    expect(s.weights).toBeUndefined();
    expect(s.thresholds).toEqual([
      { threshold: 0.85, n: 5, errors: 3 },
      { threshold: 0.9, n: 3, errors: 1 },
      { threshold: 0.95, n: 0, errors: 0 },
    ]);
  });

  it("keeps the weighted sums a weighted certificate needs", () => {
    const s = calibrationSums([...outcomes(0.9, 2, 1, 4), ...outcomes(0.7, 1, 0, 10)], [0.8]);

    expect(s.weights).toEqual({ sum: 18, squares: 132, max: 10 });
    expect(s.thresholds[0]).toEqual({
      threshold: 0.8,
      n: 2,
      errors: 1,
      weights: { sum: 8, squares: 32, errors: 4 },
    });
  });

  it("rejects a bad confidence, a bad weight, a half-weighted set and a max weight below the data", () => {
    expect(() => calibrationSums([{ confidence: 1.2, correct: true }], [0.5])).toThrow(
      /outcome 0: confidence/,
    );
    expect(() => calibrationSums([{ confidence: 0.9, correct: true, weight: 0 }], [0.5])).toThrow(
      /weight must be/,
    );
    expect(() =>
      calibrationSums(
        [
          { confidence: 0.9, correct: true, weight: 2 },
          { confidence: 0.9, correct: true },
        ],
        [0.5],
      ),
    ).toThrow(/outcome 1 has no weight/);
    expect(() => calibrationSums(outcomes(0.9, 2, 0, 20), [0.5], 10)).toThrow(/maxWeight 10 is below/);
  });
});

describe("certifyThreshold with weighted outcomes", () => {
  it("reduces to Hoeffding–Bentkus on the plain error rate when every weight is the largest weight", () => {
    // X = α + w(error − α)/W is the error itself when w = W.
    const data = outcomes(0.95, 400, 2, 5);

    const c = certifyThreshold(data, [0.9], { targetError: 0.03 });

    expect(c.weighted).toBe(true);
    expect(c.pValue).toBe("hoeffding-bentkus");
    expect(c.tested[0]?.pValue).toBeCloseTo(hoeffdingBentkusPValue(400, 2 / 400, 0.03), 14);
  });

  it("counts an error of a heavily sampled outcome (small weight) for less than one at the floor", () => {
    // Same counts and errors; the errors sit on weight-1 outcomes in one set and on weight-10 ones in the other.
    const cheapErrors = [...outcomes(0.95, 20, 4, 1), ...outcomes(0.95, 380, 0, 10)];
    const costlyErrors = [...outcomes(0.95, 20, 0, 1), ...outcomes(0.95, 380, 4, 10)];

    const cheap = certifyThreshold(cheapErrors, [0.9], { targetError: 0.03, maxWeight: 10 });
    const costly = certifyThreshold(costlyErrors, [0.9], { targetError: 0.03, maxWeight: 10 });

    expect(cheap.tested[0]?.errorRate).toBeLessThan(costly.tested[0]?.errorRate ?? 0);
    expect(cheap.tested[0]?.pValue).toBeLessThan(costly.tested[0]?.pValue ?? 0);
  });

  it("refuses exact binomial p-values for weighted outcomes", () => {
    expect(() =>
      certifyThreshold(outcomes(0.95, 10, 0, 2), [0.9], { targetError: 0.05, pValue: "binomial" }),
    ).toThrow(/weighted outcomes need pValue "hoeffding-bentkus"/);
  });
});

import { describe, expect, it } from "vitest";
import { moverInterval, newcombe, scoreDifferenceTest, wilsonArm } from "../../../core/stats/newcombe";
import { randomInt, seededRandom } from "./random";

describe("newcombe (hybrid score interval for a difference of proportions)", () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions",
  // Statistics in Medicine 17, Table II, method 10: the interval of x1/n1 − x2/n2.
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ])("gives the published interval for %d/%d − %d/%d: %f to %f", (x1, n1, x2, n2, lower, upper) => {
    // Our arms are (control a, treatment b) and the difference b − a, so group 2 is the control.
    const [lo, hi] = newcombe(x2, n2, x1, n1);

    expect(lo).toBeCloseTo(lower, 4);
    expect(hi).toBeCloseTo(upper, 4);
  });

  it("never leaves ±1, however small the arms", () => {
    const random = seededRandom(13);
    for (let i = 0; i < 500; i++) {
      const na = randomInt(random, 1, 6);
      const nb = randomInt(random, 1, 6);
      const [lo, hi] = newcombe(randomInt(random, 0, na), na, randomInt(random, 0, nb), nb, 0.999);
      expect(lo).toBeGreaterThanOrEqual(-1);
      expect(hi).toBeLessThanOrEqual(1);
    }
  });

  it("rejects an empty arm", () => {
    expect(() => newcombe(0, 0, 1, 2)).toThrow(/both arms need n > 0/);
  });
});

describe("scoreDifferenceTest", () => {
  it("gives a p-value below alpha exactly when the interval excludes 0", () => {
    const random = seededRandom(17);
    for (let i = 0; i < 200; i++) {
      const na = randomInt(random, 2, 40);
      const nb = randomInt(random, 2, 40);
      const a = wilsonArm(randomInt(random, 0, na), na);
      const b = wilsonArm(randomInt(random, 0, nb), nb);

      const r = scoreDifferenceTest(a, b, 0.05);

      const excludes = r.ci[0] > 0 || r.ci[1] < 0;
      // Ties at the boundary are a matter of rounding; skip p within 1e-6 of alpha.
      if (Math.abs(r.pValue - 0.05) > 1e-6) expect(r.pValue < 0.05).toBe(excludes);
    }
  });

  it("is 1 when the two estimates are equal", () => {
    expect(scoreDifferenceTest(wilsonArm(3, 10), wilsonArm(6, 20)).pValue).toBe(1);
  });
});

describe("moverInterval", () => {
  it("moves with an affine map of a rate: c + w·p has c + w·(Wilson interval) as its own", () => {
    // Quality 0.5 + 0.5·p: the difference of two such qualities is half the difference of the p's.
    const affine = (x: number, n: number) => ({
      estimate: 0.5 + (0.5 * x) / n,
      interval: (c: number) =>
        wilsonArm(x, n)
          .interval(c)
          .map((e) => 0.5 + 0.5 * e) as [number, number],
    });

    const [lo, hi] = moverInterval(affine(1, 2), affine(3, 3));
    const [plo, phi] = newcombe(1, 2, 3, 3);

    expect(lo).toBeCloseTo(plo / 2, 12);
    expect(hi).toBeCloseTo(phi / 2, 12);
  });
});

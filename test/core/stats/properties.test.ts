import { describe, expect, it } from "vitest";
import { bayesianTest } from "../../../core/stats/bayesian";
import { frequentistTest } from "../../../core/stats/frequentist";
import type { MeanSums, ProportionSums } from "../../../core/stats/moments";
import { benjaminiHochberg, holm } from "../../../core/stats/multiple-comparisons";
import { twoProportionZTest, wilson } from "../../../core/stats/proportions";
import { sequentialTest } from "../../../core/stats/sequential";
import { srm } from "../../../core/stats/srm";
import { randomInt, seededRandom } from "./random";

const TRIALS = 300;

function randomProportion(random: () => number): ProportionSums {
  const n = randomInt(random, 2, 20000);
  return { n, sum: Math.round(n * random()) };
}

function randomMean(random: () => number): MeanSums {
  const n = randomInt(random, 2, 500);
  const location = (random() - 0.5) * 100;
  const spread = 0.1 + random() * 20;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const x = location + spread * (random() - 0.5);
    sum += x;
    sumSquares += x * x;
  }
  return { n, sum, sumSquares };
}

describe("symmetry", () => {
  it("swapping control and treatment negates the effect and keeps the p-value", () => {
    // Arrange
    const random = seededRandom(1);

    for (let trial = 0; trial < TRIALS; trial++) {
      const a = trial % 2 === 0 ? randomProportion(random) : randomMean(random);
      const b = trial % 2 === 0 ? randomProportion(random) : randomMean(random);

      for (const test of [frequentistTest, sequentialTest]) {
        // Act
        const forward = test(a, b);
        const backward = test(b, a);
        if (forward.reason) continue;

        // Assert
        expect(backward.expected).toBeCloseTo(-forward.expected, 10);
        expect(backward.pValue).toBeCloseTo(forward.pValue, 10);
        expect(backward.ci[0]).toBeCloseTo(-forward.ci[1], 10);
      }
    }
  });

  it("swapping control and treatment flips the Bayesian chance to win and swaps the risks", () => {
    // Arrange
    const random = seededRandom(2);

    for (let trial = 0; trial < TRIALS; trial++) {
      const a = randomProportion(random);
      const b = randomProportion(random);

      // Act
      const forward = bayesianTest(a, b);
      const backward = bayesianTest(b, a);
      if (forward.reason) continue;

      // Assert
      expect(backward.chanceToWin).toBeCloseTo(1 - forward.chanceToWin, 10);
      expect(backward.risk[0]).toBeCloseTo(forward.risk[1], 10);
      expect(backward.risk[1]).toBeCloseTo(forward.risk[0], 10);
    }
  });
});

describe("bounds", () => {
  it("keeps p-values in [0, 1] and intervals ordered around the estimate", () => {
    // Arrange
    const random = seededRandom(3);

    for (let trial = 0; trial < TRIALS; trial++) {
      const a = randomProportion(random);
      const b = randomProportion(random);
      const relative = random() < 0.5;

      for (const result of [frequentistTest(a, b, { relative }), sequentialTest(a, b, { relative })]) {
        if (result.reason) continue;

        // Assert
        expect(result.pValue).toBeGreaterThanOrEqual(0);
        expect(result.pValue).toBeLessThanOrEqual(1);
        expect(result.ci[0]).toBeLessThanOrEqual(result.expected);
        expect(result.expected).toBeLessThanOrEqual(result.ci[1]);
      }
      const bayes = bayesianTest(a, b, { relative });
      if (!bayes.reason) {
        expect(bayes.chanceToWin).toBeGreaterThanOrEqual(0);
        expect(bayes.chanceToWin).toBeLessThanOrEqual(1);
        expect(bayes.risk[0]).toBeGreaterThanOrEqual(0);
        expect(bayes.risk[1]).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("keeps Wilson intervals inside [0, 1] and around the observed rate", () => {
    // Arrange
    const random = seededRandom(4);

    for (let trial = 0; trial < TRIALS * 3; trial++) {
      const n = randomInt(random, 1, 5000);
      const successes = randomInt(random, 0, n);
      const confidence = 0.5 + random() * 0.499;

      // Act
      const [lower, upper] = wilson(successes, n, confidence);

      // Assert
      expect(lower).toBeGreaterThanOrEqual(0);
      expect(upper).toBeLessThanOrEqual(1);
      expect(lower).toBeLessThanOrEqual(successes / n + 1e-12);
      expect(upper).toBeGreaterThanOrEqual(successes / n - 1e-12);
    }
  });

  it("keeps z-test, SRM and adjusted p-values in [0, 1], with adjusted ≥ raw", () => {
    // Arrange
    const random = seededRandom(5);

    for (let trial = 0; trial < TRIALS; trial++) {
      const n1 = randomInt(random, 1, 1000);
      const n2 = randomInt(random, 1, 1000);
      const pValues = Array.from({ length: randomInt(random, 1, 12) }, () => random());

      // Act
      const z = twoProportionZTest(randomInt(random, 0, n1), n1, randomInt(random, 0, n2), n2);
      const s = srm([randomInt(random, 0, 1e5), randomInt(random, 0, 1e5)], [0.5, 0.5]);
      const h = holm(pValues);
      const bh = benjaminiHochberg(pValues);

      // Assert
      for (const p of [z.pValue, s.pValue, ...h, ...bh]) {
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
      }
      pValues.forEach((p, i) => {
        expect(h[i]).toBeGreaterThanOrEqual(p);
        expect(bh[i]).toBeGreaterThanOrEqual(p);
      });
    }
  });
});

describe("limits", () => {
  it("makes the sequential interval wider than the fixed-horizon one for the same data", () => {
    // Arrange
    const random = seededRandom(6);

    for (let trial = 0; trial < TRIALS; trial++) {
      const a = trial % 2 === 0 ? randomProportion(random) : randomMean(random);
      const b = trial % 2 === 0 ? randomProportion(random) : randomMean(random);
      const tuning = 10 ** (2 + random() * 4);

      // Act
      const fixed = frequentistTest(a, b);
      const sequential = sequentialTest(a, b, { tuning });
      if (fixed.reason) continue;

      // Assert: never narrower; strictly wider once both arms are out of small-sample territory
      const sequentialWidth = sequential.ci[1] - sequential.ci[0];
      const fixedWidth = fixed.ci[1] - fixed.ci[0];
      expect(sequentialWidth).toBeGreaterThanOrEqual(fixedWidth);
      if (Math.min(a.n, b.n) >= 30) expect(sequentialWidth).toBeGreaterThan(fixedWidth);
      expect(sequential.pValue).toBeGreaterThanOrEqual(fixed.pValue);
    }
  });

  it("shrinks every interval as the sample grows at the same rates", () => {
    // Arrange
    const random = seededRandom(7);

    for (let trial = 0; trial < 50; trial++) {
      const rateA = 0.05 + random() * 0.9;
      const rateB = 0.05 + random() * 0.9;
      let previous = { fixed: Number.POSITIVE_INFINITY, sequential: Number.POSITIVE_INFINITY, wilson: 2 };

      for (let n = 100; n <= 1_600_000; n *= 4) {
        const a = { n, sum: Math.round(rateA * n) };
        const b = { n, sum: Math.round(rateB * n) };

        // Act
        const fixed = frequentistTest(a, b);
        const sequential = sequentialTest(a, b);
        const [lower, upper] = wilson(a.sum, n);
        const widths = {
          fixed: fixed.ci[1] - fixed.ci[0],
          sequential: sequential.ci[1] - sequential.ci[0],
          wilson: upper - lower,
        };

        // Assert
        expect(widths.fixed).toBeLessThan(previous.fixed);
        expect(widths.sequential).toBeLessThan(previous.sequential);
        expect(widths.wilson).toBeLessThan(previous.wilson);
        previous = widths;
      }
    }
  });

  it("keeps the fixed-horizon false-positive rate near alpha under the null", () => {
    // Arrange: A/A tests from a seeded binomial simulation
    const random = seededRandom(8);
    let rejections = 0;
    const runs = 2000;

    for (let run = 0; run < runs; run++) {
      const n = 400;
      let x1 = 0;
      let x2 = 0;
      for (let i = 0; i < n; i++) {
        if (random() < 0.3) x1++;
        if (random() < 0.3) x2++;
      }

      // Act
      if (frequentistTest({ n, sum: x1 }, { n, sum: x2 }).pValue < 0.05) rejections++;
    }

    // Assert: 5 % ± about 3 binomial standard errors (0.49 %)
    expect(rejections / runs).toBeGreaterThan(0.035);
    expect(rejections / runs).toBeLessThan(0.065);
  });
});

import { describe, expect, it } from "vitest";
import { armMetrics, costOf } from "../../../core/metrics/read";
import { hourlyCost, qualitySums, ratioSums } from "../../../core/report/sums";
import { armMoments } from "../../../core/stats";
import { hourCounters, rows } from "./fixtures";

describe("sufficient statistics from the counters", () => {
  it("makes quality the mean of one value per audit: mean q, variance w²·p̃(1 − p̃) with p̃ = (correct + ½)/(audits + 1)", () => {
    // Arrange: 1,000 decisions, 700 automated, 100 audited (90 right), 300 held and reviewed.
    const m = armMetrics(
      "a",
      "run",
      hourCounters({ decisions: 1000, auto: 700, audits: 100, auditsCorrect: 90 }, 0),
    );

    // Act
    const atDecision = qualitySums(m);
    const afterCorrections = qualitySums(m, "final");

    // Assert: at decision time every automated answer is the model's: w = 700/1000, q = 0.93;
    // after corrections the 100 audited outcomes count as correct: w = 600/1000, q = 0.94.
    expect(atDecision.ok && afterCorrections.ok).toBe(true);
    if (!atDecision.ok || !afterCorrections.ok) return;
    const smoothed = 90.5 / 101;
    const decision = armMoments(atDecision.sums);
    expect(decision.n).toBe(100);
    expect(decision.mean).toBeCloseTo((700 * 0.9 + 300) / 1000, 12);
    expect(decision.variance).toBeCloseTo(0.49 * smoothed * (1 - smoothed), 12);
    const final = armMoments(afterCorrections.sums);
    expect(final.n).toBe(100);
    expect(final.mean).toBeCloseTo((600 * 0.9 + 100 + 300) / 1000, 12);
    expect(final.variance).toBeCloseTo(0.36 * smoothed * (1 - smoothed), 12);
  });

  it("gives an arm without estimated outcomes a quality with no sampling error", () => {
    // Arrange: nothing automated, 50 held items reviewed.
    const m = armMetrics(
      "a",
      "run",
      hourCounters({ decisions: 50, auto: 0, audits: 0, auditsCorrect: 0 }, 0),
    );

    // Act
    const sums = qualitySums(m);

    // Assert
    expect(sums.ok && armMoments(sums.sums)).toEqual({ n: 50, mean: 1, variance: 0 });
  });

  it("refuses to estimate quality from no audits, saying why", () => {
    // Arrange
    const m = armMetrics(
      "a",
      "run",
      hourCounters({ decisions: 100, auto: 80, audits: 0, auditsCorrect: 0 }, 0),
    );

    // Act
    const sums = qualitySums(m);

    // Assert
    expect(sums).toEqual({
      ok: false,
      reason: "arm a has 80 automated outcomes and no audit to estimate their accuracy",
    });
  });

  it("prices each hour like the cost model does, hour by hour", () => {
    // Arrange
    const hours = rows("a", 5, { decisions: 100, auto: 60, audits: 5, auditsCorrect: 5 });
    const modelPriceUsd = {};

    // Act
    const priced = hourlyCost(hours, { modelPriceUsd });

    // Assert
    hours.forEach((row, i) => {
      expect(priced[i]?.numerator).toBeCloseTo(costOf(row.counters, { modelPriceUsd }).totalUsd, 12);
      expect(priced[i]?.denominator).toBe(100);
    });
  });

  it("builds ratio sums over the hours with data: Σx, Σx², Σy, Σy², Σxy", () => {
    // Act
    const sums = ratioSums(
      [
        { numerator: 2, denominator: 10 },
        { numerator: 0, denominator: 0 },
        { numerator: 3, denominator: 20 },
      ],
      "cost",
    );

    // Assert
    expect(sums).toEqual({
      ok: true,
      sums: {
        n: 2,
        sumNumerator: 5,
        sumNumeratorSquares: 13,
        sumDenominator: 30,
        sumDenominatorSquares: 500,
        sumCross: 80,
      },
    });
  });
});

import { describe, expect, it } from "vitest";
import {
  type CostModel,
  ReplayAccumulator,
  type ReplayOptions,
  replayLines,
  type ThresholdRow,
} from "../../../core/replay/replay";
import { thresholdRange } from "../../../core/replay/thresholds";
import { wilson } from "../../../core/stats/proportions";

/** $36/h makes a reviewed second cost exactly one cent, so human costs can be added up by eye. */
const CENT_PER_SECOND: CostModel = {
  defaultModelCostUsd: 0.01,
  human: { kind: "hourly", hourlyRateUsd: 36, defaultHandlingSeconds: 60 },
};

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

/**
 * Ten decisions; errors (label ≠ truth) on lines 2, 5, 7 and 9. Line 6 has no handlingSeconds
 * (default 60 s), line 10 no costUsd (default $0.01), line 9 is a legal item at confidence 0.99.
 */
const TEN = [
  line({ confidence: 0.95, label: "a", truth: "a", costUsd: 0.01, handlingSeconds: 120 }),
  line({ confidence: 0.92, label: "a", truth: "b", costUsd: 0.01, handlingSeconds: 60 }),
  line({ confidence: 0.9, label: "b", truth: "b", costUsd: 0.01, handlingSeconds: 180 }),
  line({ confidence: 0.85, label: "b", truth: "b", costUsd: 0.01, handlingSeconds: 60 }),
  line({ confidence: 0.8, label: "a", truth: "b", costUsd: 0.01, handlingSeconds: 240 }),
  line({ confidence: 0.75, label: "a", truth: "a", costUsd: 0.01 }),
  line({ confidence: 0.7, label: "b", truth: "a", costUsd: 0.01, handlingSeconds: 120 }),
  line({ confidence: 0.6, label: "a", truth: "a", costUsd: 0.01, handlingSeconds: 60 }),
  line({ confidence: 0.99, label: "a", truth: "b", topic: "legal", costUsd: 0.01, handlingSeconds: 360 }),
  line({ confidence: 0.55, label: "b", truth: "b", handlingSeconds: 60 }),
];

function options(overrides: Partial<ReplayOptions> = {}): ReplayOptions {
  return { thresholds: [0.8, 0.9], targetError: 0.02, cost: CENT_PER_SECOND, ...overrides };
}

function rowAt(rows: ThresholdRow[], threshold: number): ThresholdRow {
  const row = rows.find((candidate) => candidate.threshold === threshold);
  if (row === undefined) throw new Error(`no row for threshold ${threshold}`);
  return row;
}

/** Mean and the normal-approximation 95 % interval of a list, computed the long way. */
function meanInterval(values: number[]): [mean: number, lower: number, upper: number] {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  const half = 1.959963984540054 * Math.sqrt(variance / values.length);
  return [mean, mean - half, mean + half];
}

describe("replayLines on ten hand-checked decisions", () => {
  it("automates decisions at or above the threshold and counts errors among them", () => {
    // Act
    const result = replayLines(TEN, options());

    // Assert: at 0.8 lines 1, 2, 3, 4, 5 and 9 are automated, with errors on 2, 5 and 9
    const at80 = rowAt(result.rows, 0.8);
    expect(at80).toMatchObject({ decisions: 10, automated: 6, humanReviews: 4, automatedErrors: 3 });
    expect(at80.automationRate).toBe(0.6);
    expect(at80.errorRateAutomated).toBe(0.5);
    expect(at80.errorRateOverall).toBe(0.3);
    // At 0.9: lines 1, 2, 3 and 9, errors on 2 and 9
    const at90 = rowAt(result.rows, 0.9);
    expect(at90).toMatchObject({ automated: 4, automatedErrors: 2 });
    expect(at90.errorRateAutomated).toBe(0.5);
    expect(at90.errorRateOverall).toBe(0.2);
  });

  it("holds always-human topics at every threshold, however confident the model is", () => {
    // Act
    const result = replayLines(TEN, options({ alwaysHumanTopics: ["legal"] }));

    // Assert: line 9 (legal, 0.99, wrong) moves from automated to held
    expect(result.alwaysHumanDecisions).toBe(1);
    expect(rowAt(result.rows, 0.8)).toMatchObject({
      automated: 5,
      automatedErrors: 2,
      errorRateAutomated: 0.4,
    });
    expect(rowAt(result.rows, 0.8).errorRateOverall).toBe(0.2);
    expect(rowAt(result.rows, 0.9)).toMatchObject({ automated: 3, automatedErrors: 1 });
    expect(rowAt(result.rows, 0.9).errorRateAutomated).toBeCloseTo(1 / 3, 15);
  });

  it("charges the model on every decision and the reviewer's time on held ones, with defaults for gaps", () => {
    // Act
    const result = replayLines(TEN, options({ alwaysHumanTopics: ["legal"] }));

    // Assert: at 0.8 lines 6 (default 60 s), 7, 8, 9 and 10 are held: 0.60 + 1.20 + 0.60 + 3.60 + 0.60
    // in review plus 10 × $0.01 for the model (line 10 through the default) = $6.70 over 10 decisions.
    const at80 = rowAt(result.rows, 0.8);
    expect(at80.costPerDecisionUsd).toBeCloseTo(0.67, 12);
    const [mean, lower, upper] = meanInterval([0.01, 0.01, 0.01, 0.01, 0.01, 0.61, 1.21, 0.61, 3.61, 0.61]);
    expect(at80.costPerDecisionUsd).toBeCloseTo(mean, 12);
    expect(at80.costPerDecisionInterval[0]).toBeCloseTo(Math.max(0, lower), 12);
    expect(at80.costPerDecisionInterval[1]).toBeCloseTo(upper, 12);
    // At 0.9 lines 4 and 5 are held as well: + 0.60 + 2.40 → $9.70 in total
    expect(rowAt(result.rows, 0.9).costPerDecisionUsd).toBeCloseTo(0.97, 12);
    expect(result.defaulted).toEqual({ costUsd: 1, handlingSeconds: 1 });
  });

  it("charges a flat amount per review when the cost model says so", () => {
    // Arrange
    const cost: CostModel = { defaultModelCostUsd: 0, human: { kind: "per-review", usd: 2 } };

    // Act
    const result = replayLines(TEN, options({ cost }));

    // Assert: 4 held at 0.8 → (9 × $0.01 logged + 4 × $2) / 10; line 10 has no costUsd and the default is 0
    expect(rowAt(result.rows, 0.8).costPerDecisionUsd).toBeCloseTo((0.09 + 8) / 10, 12);
  });

  it("gives Wilson intervals that contain their point estimates", () => {
    // Act
    const result = replayLines(TEN, options({ alwaysHumanTopics: ["legal"] }));

    // Assert
    const at80 = rowAt(result.rows, 0.8);
    expect(at80.automationRateInterval).toEqual(wilson(5, 10));
    expect(at80.errorRateAutomatedInterval).toEqual(wilson(2, 5));
    expect(at80.errorRateOverallInterval).toEqual(wilson(2, 10));
    for (const row of result.rows) {
      for (const [point, [lower, upper]] of [
        [row.automationRate, row.automationRateInterval],
        [row.errorRateAutomated, row.errorRateAutomatedInterval],
        [row.errorRateOverall, row.errorRateOverallInterval],
        [row.costPerDecisionUsd, row.costPerDecisionInterval],
      ] as const) {
        expect(lower).toBeLessThanOrEqual(point);
        expect(upper).toBeGreaterThanOrEqual(point);
      }
    }
  });

  it("counts a decision logged exactly at a threshold as automated, also for thresholds built by stepping", () => {
    // Arrange: 0.5 + 30 × 0.01 is 0.8000000000000003 before rounding
    const thresholds = thresholdRange(0.5, 0.99, 0.01);

    // Act
    const result = replayLines([line({ confidence: 0.8, label: "a", truth: "a" })], options({ thresholds }));

    // Assert
    expect(rowAt(result.rows, 0.8).automated).toBe(1);
    expect(rowAt(result.rows, 0.81).automated).toBe(0);
  });
});

describe("bad lines", () => {
  it("are skipped and listed with their line numbers and reasons; blank lines are only counted", () => {
    // Arrange
    const lines = [
      TEN[0] as string,
      "not json",
      "",
      '{"confidence":"0.9","label":"a","truth":"a"}',
      TEN[1] as string,
      '{"confidence":0.9,"label":"a"}',
    ];

    // Act
    const result = replayLines(lines, options());

    // Assert
    expect(result.linesRead).toBe(6);
    expect(result.decisions).toBe(2);
    expect(result.blankLines).toBe(1);
    expect(result.badLineCount).toBe(3);
    expect(result.badLines).toEqual([
      { line: 2, reason: "not valid JSON" },
      { line: 4, reason: 'confidence: must be a number between 0 and 1, got "0.9"' },
      { line: 6, reason: "truth: missing" },
    ]);
  });

  it("keeps counting exactly beyond the number it lists", () => {
    // Act
    const result = replayLines(["x", "y", TEN[0] as string, "z"], options({ maxListedBadLines: 2 }));

    // Assert
    expect(result.badLineCount).toBe(3);
    expect(result.badLines.map((bad) => bad.line)).toEqual([1, 2]);
  });

  it("tolerates a byte-order mark at the start of the file", () => {
    // Act
    const result = replayLines([`\uFEFF${TEN[0]}`], options());

    // Assert
    expect(result.decisions).toBe(1);
    expect(result.badLineCount).toBe(0);
  });
});

describe("the recommended threshold", () => {
  /** 100 decisions at 0.85 with 30 errors, 200 at 0.95 without any. */
  const lines = [
    ...Array.from({ length: 100 }, (_, i) =>
      line({ confidence: 0.85, label: "a", truth: i < 30 ? "b" : "a" }),
    ),
    ...Array.from({ length: 200 }, () => line({ confidence: 0.95, label: "a", truth: "a" })),
  ];

  it("is the cheapest threshold whose upper error bound meets the target", () => {
    // Act
    const result = replayLines(lines, options({ targetError: 0.02 }));

    // Assert: at 0.8 the error is 10 %; at 0.9 it is 0/200, whose Wilson upper bound is z²/(n + z²) ≈ 1.88 %
    const z2 = 1.959963984540054 ** 2;
    expect(rowAt(result.rows, 0.8).meetsTarget).toBe(false);
    expect(rowAt(result.rows, 0.9).errorRateAutomatedInterval[1]).toBeCloseTo(z2 / (200 + z2), 12);
    expect(rowAt(result.rows, 0.9).meetsTarget).toBe(true);
    expect(result.recommendation).toMatchObject({ met: true, threshold: 0.9 });
    expect(result.recommendation.message).toContain("Recommended threshold 0.9: automates 66.7%");
    expect(result.recommendation.message).toContain("upper 95% bound 1.88% ≤ target 2.00%");
  });

  it("prefers the lower of two qualifying thresholds because holding fewer items costs less", () => {
    // Act
    const result = replayLines(lines, options({ targetError: 0.2 }));

    // Assert
    expect(result.rows.every((row) => row.meetsTarget)).toBe(true);
    expect(result.recommendation).toMatchObject({ met: true, threshold: 0.8 });
  });

  it("goes to the threshold that automates more when costs tie", () => {
    // Arrange: nothing costs anything
    const free: CostModel = { defaultModelCostUsd: 0, human: { kind: "per-review", usd: 0 } };

    // Act
    const result = replayLines(lines, options({ targetError: 0.2, cost: free, thresholds: [0.9, 0.8] }));

    // Assert
    expect(result.recommendation).toMatchObject({ met: true, threshold: 0.8 });
  });

  it("says clearly when no threshold meets the target, and names the closest", () => {
    // Act
    const result = replayLines(lines, options({ targetError: 0.01 }));

    // Assert
    expect(result.recommendation).toMatchObject({ met: false, closestThreshold: 0.9 });
    expect(result.recommendation.message).toBe(
      "No threshold from 0.8 to 0.9 keeps the error rate among automated decisions at or below 1.00% with 95% " +
        "confidence. Closest: threshold 0.9, upper bound 1.88% (0 errors in 200 automated decisions). " +
        "More history narrows the interval; otherwise relax the target or improve the model.",
    );
  });

  it("does not count a threshold that automates nothing as meeting the target", () => {
    // Act
    const result = replayLines(lines, options({ thresholds: [0.99], targetError: 1 }));

    // Assert
    expect(result.rows[0]).toMatchObject({ automated: 0, meetsTarget: false });
    expect(result.rows[0]?.errorRateAutomated).toBeNaN();
    expect(result.recommendation.message).toBe(
      "Threshold 0.99 does not keep the error rate among automated decisions at or below 100.00% with 95% " +
        "confidence. It automates nothing.",
    );
  });

  it("reads as a statement about the one threshold when only one was asked for", () => {
    // Act
    const result = replayLines(lines, options({ thresholds: [0.8] }));

    // Assert
    expect(result.recommendation.message).toMatch(
      /^Threshold 0\.8 does not keep the error rate .* Closest: threshold 0\.8, upper bound 13\.\d\d% \(30 errors in 300/,
    );
  });

  it("is withheld when the log has no valid decisions", () => {
    // Act
    const result = replayLines(["oops"], options());

    // Assert
    expect(result.decisions).toBe(0);
    expect(result.recommendation).toEqual({
      met: false,
      message: "No valid decisions in the log, so no threshold can be recommended.",
    });
  });
});

describe("ReplayAccumulator", () => {
  it("matches a direct per-threshold count on a random log, whatever the order of the thresholds", () => {
    // Arrange: a small seeded LCG, so the case is the same on every run
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const decisions = Array.from({ length: 500 }, () => ({
      confidence: Math.round(random() * 100) / 100,
      label: "a",
      truth: random() < 0.1 ? "b" : "a",
      topic: random() < 0.05 ? "legal" : "other",
      handlingSeconds: Math.round(random() * 300),
    }));
    const thresholds = [0.95, 0.5, 0.7, 0.73, 0.9];

    // Act
    const replay = new ReplayAccumulator(options({ thresholds, alwaysHumanTopics: ["legal"] }));
    for (const decision of decisions) replay.addLine(JSON.stringify(decision));
    const result = replay.result();

    // Assert
    expect(result.rows.map((row) => row.threshold)).toEqual([0.5, 0.7, 0.73, 0.9, 0.95]);
    for (const row of result.rows) {
      const automated = decisions.filter((d) => d.confidence >= row.threshold && d.topic !== "legal");
      const held = decisions.filter((d) => !automated.includes(d));
      const costs = [...automated.map(() => 0.01), ...held.map((d) => 0.01 + d.handlingSeconds / 100)];
      expect(row.automated).toBe(automated.length);
      expect(row.automatedErrors).toBe(automated.filter((d) => d.label !== d.truth).length);
      const [mean, lower, upper] = meanInterval(costs);
      expect(row.costPerDecisionUsd).toBeCloseTo(mean, 10);
      expect(row.costPerDecisionInterval[0]).toBeCloseTo(lower, 10);
      expect(row.costPerDecisionInterval[1]).toBeCloseTo(upper, 10);
    }
  });

  it("rejects a target, confidence or cost it cannot work with", () => {
    expect(() => new ReplayAccumulator(options({ targetError: 1.5 }))).toThrow(/targetError/);
    expect(() => new ReplayAccumulator(options({ confidence: 1 }))).toThrow(/confidence/);
    expect(() => new ReplayAccumulator(options({ thresholds: [] }))).toThrow(/at least one threshold/);
    const negative: CostModel = { defaultModelCostUsd: 0, human: { kind: "per-review", usd: -1 } };
    expect(() => new ReplayAccumulator(options({ cost: negative }))).toThrow(/per-review usd/);
  });
});

describe("the certificate beside the recommendation", () => {
  /** `n` decisions at `confidence`, the first `wrong` of them wrong. */
  const band = (confidence: number, n: number, wrong: number) =>
    Array.from({ length: n }, (_, i) => line({ confidence, label: 1, truth: i < wrong ? 0 : 1 }));

  it("never certifies 0.79 when 0.80 fails, although today's Wilson screen recommends 0.79 (the digits case)", () => {
    // Arrange: at 0.81, 3 errors in 600; at 0.80, 12 in 660 (upper bound 3.15%); at 0.79, 14 in 1,660 (1.41%).
    const log = [...band(0.85, 600, 3), ...band(0.805, 60, 9), ...band(0.795, 1000, 2)];

    // Act
    const result = replayLines(log, { thresholds: [0.79, 0.8, 0.81], targetError: 0.02 });

    // Assert
    expect(result.rows.map((row) => row.meetsTarget)).toEqual([true, false, true]);
    expect(result.recommendation).toMatchObject({ met: true, threshold: 0.79 });
    expect(result.certificate).toMatchObject({ threshold: 0.81, untested: [0.79], stop: { threshold: 0.8 } });
    expect(result.certificate?.tested.map((t) => [t.threshold, t.n, t.errors])).toEqual([
      [0.81, 600, 3],
      [0.8, 660, 12],
    ]);
  });

  it("tests only what the policy would automate: always-human topics never count", () => {
    const log = [...band(0.95, 300, 0), line({ confidence: 0.99, label: 1, truth: 0, topic: "legal" })];

    const result = replayLines(log, { thresholds: [0.9], targetError: 0.02, alwaysHumanTopics: ["legal"] });

    expect(result.certificate?.tested[0]).toMatchObject({ n: 300, errors: 0, certified: true });
  });

  it("has no certificate for a target of 0 or 1, where there is nothing to test", () => {
    expect(replayLines(band(0.95, 10, 0), { thresholds: [0.9], targetError: 0 }).certificate).toBeNull();
    expect(replayLines(band(0.95, 10, 0), { thresholds: [0.9], targetError: 1 }).certificate).toBeNull();
  });
});

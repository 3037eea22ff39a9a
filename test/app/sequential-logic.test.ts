import { describe, expect, it } from "vitest";
import {
  periodLabel,
  sequentialLabels,
  sequentialLines,
  sequentialRows,
} from "../../app/src/sequential-logic";
import type { Comparison } from "../../core/report/types";

const comparison = {
  arm: "aggressive",
  control: "conservative",
  sequentialOverTime: {
    grain: "hour",
    metrics: [
      {
        metric: "automationRate",
        points: [
          { period: "2026-11-25T13", difference: 0.25, ci: [0.05, 0.45] },
          { period: "2026-11-25T14", difference: 0.2, ci: [0.12, 0.28] },
        ],
      },
      {
        metric: "decisionQuality",
        points: [
          { period: "2026-11-25T13", difference: null, ci: [null, null] },
          { period: "2026-11-25T14", difference: -0.01, ci: [-0.03, 0.01] },
        ],
      },
    ],
  },
} as unknown as Comparison;

describe("the sequential interval over time on the experiment page", () => {
  it("labels hours by day and hour, and days as they are", () => {
    expect(periodLabel("2026-11-25T14")).toBe("11-25 14:00");
    expect(periodLabel("2026-11-25")).toBe("2026-11-25");
    expect(sequentialLabels(comparison)).toEqual(["11-25 13:00", "11-25 14:00"]);
  });

  it("draws each metric's difference with its interval as the band", () => {
    expect(sequentialLines(comparison)).toEqual([
      { label: "automation rate", values: [0.25, 0.2], lower: [0.05, 0.12], upper: [0.45, 0.28] },
      { label: "quality at decision time", values: [null, -0.01], lower: [null, -0.03], upper: [null, 0.01] },
    ]);
  });

  it("lists the periods newest first with each metric's difference and interval in points", () => {
    expect(sequentialRows(comparison)).toEqual([
      ["11-25 14:00", "+20.0 pp", "+12.0 pp to +28.0 pp", "−1.0 pp", "−3.0 pp to +1.0 pp"],
      ["11-25 13:00", "+25.0 pp", "+5.0 pp to +45.0 pp", "–", "– to –"],
    ]);
  });
});

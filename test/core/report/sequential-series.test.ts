import { describe, expect, it } from "vitest";
import { buildReport } from "../../../core/report";
import { fixed, fixedDate } from "../../support/clock";
import { clearWinner, experiment, rows } from "./fixtures";

const NOW = fixedDate("2026-11-05T00:00:00Z");
const sequentialOf = (report: ReturnType<typeof buildReport>, metric: string) =>
  report.comparisons[0]?.metrics.find((m) => m.metric === metric)?.sequential.ci;

describe("each comparison's sequential interval over time", () => {
  it("gives a young experiment's interval at the end of each hour, ending at the report's own", () => {
    // Arrange: 10 hours of the clear winner.
    const input = { experiment: experiment(), rows: clearWinner(), now: NOW };

    // Act
    const report = buildReport(input);

    // Assert
    const series = report.comparisons[0]?.sequentialOverTime;
    const automation = series?.metrics.find((m) => m.metric === "automationRate")?.points ?? [];
    expect(series?.grain).toBe("hour");
    expect(automation.map((p) => p.period)).toEqual(
      Array.from({ length: 10 }, (_, i) => fixed(`2026-11-01T${String(i).padStart(2, "0")}`)),
    );
    expect(automation.at(-1)?.ci).toEqual(sequentialOf(report, "automationRate"));
    expect(automation.at(-1)?.difference).toBeCloseTo(0.2, 10);
    // Narrower as the data grows: the sequence after ten hours is inside the one after two.
    const width = (ci: (number | null)[] | undefined) => Number(ci?.[1]) - Number(ci?.[0]);
    expect(width(automation[9]?.ci)).toBeLessThan(width(automation[1]?.ci));
  });

  it("reads each point as the report on the data up to that period would, by day once the data spans more days", () => {
    // Arrange: four days of data; the report of the first two days alone, for comparison.
    const shape = (auto: number) => ({ decisions: 100, auto, audits: 10, auditsCorrect: 9 });
    const all = [...rows("conservative", 96, shape(50)), ...rows("aggressive", 96, shape(60))];
    const firstTwoDays = all.filter((r) => r.hour < fixed("2026-11-03T00"));

    // Act
    const report = buildReport({ experiment: experiment(), rows: all, now: NOW });
    const then = buildReport({ experiment: experiment(), rows: firstTwoDays, now: NOW });

    // Assert
    const series = report.comparisons[0]?.sequentialOverTime;
    expect(series?.grain).toBe("day");
    for (const metric of ["automationRate", "decisionQuality", "costPerDecision"]) {
      const points = series?.metrics.find((m) => m.metric === metric)?.points ?? [];
      expect(points.map((p) => p.period)).toEqual(
        ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"].map(fixed),
      );
      expect(points[1]?.ci).toEqual(sequentialOf(then, metric));
      expect(points[3]?.ci).toEqual(sequentialOf(report, metric));
      expect(points[3]?.ci.every((v) => typeof v === "number")).toBe(true);
    }
  });
});

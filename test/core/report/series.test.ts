import { describe, expect, it } from "vitest";
import { buildReport } from "../../../core/report";
import { HOURLY_SERIES_HOURS } from "../../../core/report/series";
import { fixed, fixedDate } from "../../support/clock";
import { experiment, rows } from "./fixtures";

const NOW = fixedDate("2026-11-05T00:00:00Z");

describe("the report's hourly series", () => {
  it("gives each arm's hours with their automation rate, for the last 48 hours with data only", () => {
    // Arrange: 60 hours per arm, control automating 50 of 100 decisions an hour, aggressive 70.
    const input = {
      experiment: experiment(),
      rows: [
        ...rows("conservative", 60, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
        ...rows("aggressive", 60, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10 }),
      ],
      now: NOW,
    };

    // Act
    const { hourly } = buildReport(input);

    // Assert
    const hours = [...new Set(hourly.map((r) => r.hour))];
    expect(hours).toHaveLength(HOURLY_SERIES_HOURS);
    expect(hours[0]).toBe(fixed("2026-11-01T12"));
    expect(hours.at(-1)).toBe(fixed("2026-11-03T11"));
    const last = hourly.filter((r) => r.hour === fixed("2026-11-03T11"));
    expect(last.map((r) => [r.arm, r.decisions, r.automationRate.value])).toEqual([
      ["aggressive", 100, 0.7],
      ["conservative", 100, 0.5],
    ]);
    expect(last[0]?.automationRate.interval[0]).toBeLessThan(0.7);
  });

  it("is empty without counters", () => {
    // Act
    const { hourly } = buildReport({ experiment: experiment(), rows: [], now: NOW });

    // Assert
    expect(hourly).toEqual([]);
  });
});

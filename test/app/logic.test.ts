import { describe, expect, it } from "vitest";
import {
  apiBaseOf,
  diffConfigs,
  experimentSummary,
  formatAgeSince,
  formatPoints,
  formatRate,
  formatRateRange,
  formatUsd,
  seriesGrain,
  seriesOf,
} from "../../app/src/logic";
import { buildReport } from "../../core/report";
import { experiment, rows } from "../core/report/fixtures";
import { fixed, fixedDate } from "../support/clock";
import { experiment as experimentConfig } from "../support/experiments";

describe("the app's formatting", () => {
  it("shows rates, intervals, points and dollars the way the report's words do, and a dash for null", () => {
    // Act
    const shown = [
      formatRate(0.18345),
      formatRate(null),
      formatRateRange([0.16, 0.2]),
      formatRateRange([null, 0.2]),
      formatPoints(0.182),
      formatPoints(-0.0105),
      formatUsd(0.0512),
      formatUsd(12.4),
      formatUsd(0.000059),
    ];

    // Assert
    expect(shown).toEqual([
      "18.3%",
      "–",
      "16.0 to 20.0%",
      "… to 20.0%",
      "+18.2 pp",
      "−1.1 pp",
      "$0.0512",
      "$12.40",
      "$0.00006",
    ]);
  });

  it("gives an experiment's age coarsely and the API's base path from the page's", () => {
    // Arrange
    const now = fixedDate("2026-11-05T12:00:00Z").getTime();

    // Act
    const ages = [
      formatAgeSince(fixed("2026-11-05T11:59:15Z"), now),
      formatAgeSince(fixed("2026-11-05T11:48:00Z"), now),
      formatAgeSince(fixed("2026-11-05T07:00:00Z"), now),
      formatAgeSince(fixed("2026-11-01T12:00:00Z"), now),
    ];

    // Assert
    expect(ages).toEqual(["45 s", "12 min", "5 h", "4 d"]);
    expect(apiBaseOf("/app")).toBe("/");
    expect(apiBaseOf("/prod/app")).toBe("/prod/");
  });
});

describe("the config diff", () => {
  it("lists each changed leaf with its path, ignoring the version bookkeeping", () => {
    // Arrange
    const before = experimentConfig();
    const after = {
      ...before,
      version: 2,
      updatedAt: "2026-12-01T00:00:00.000Z",
      status: "paused",
      arms: before.arms.map((a, i) =>
        i === 1 ? { ...a, policy: { ...a.policy, autoAcceptAbove: 0.85 } } : a,
      ),
    };

    // Act
    const changes = diffConfigs(before, after);

    // Assert
    expect(changes).toEqual([
      { path: "arms[1].policy.autoAcceptAbove", before: 0.8, after: 0.85 },
      { path: "status", before: "running", after: "paused" },
    ]);
  });

  it("shows an added or removed field as absent on one side", () => {
    // Act
    const changes = diffConfigs({ labels: ["a"] }, { labels: ["a", "b"], orderedLabels: true });

    // Assert
    expect(changes).toEqual([
      { path: "labels[1]", before: undefined, after: "b" },
      { path: "orderedLabels", before: undefined, after: true },
    ]);
  });
});

describe("the series from a report", () => {
  const report = (hours: number) =>
    buildReport({
      experiment: experiment(),
      rows: [
        ...rows("conservative", hours, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
        ...rows("aggressive", hours, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10 }),
      ],
      now: fixedDate("2026-11-20T00:00:00Z"),
    });

  it("reads a young experiment by hour: one point per hour and arm, in the report's arm order", () => {
    // Arrange
    const young = report(30);

    // Act
    const series = seriesOf(young);

    // Assert
    expect(seriesGrain(young)).toBe("hour");
    expect(series.labels).toHaveLength(30);
    expect(series.labels[0]).toBe(`${fixed("2026-11-01")} 00:00`);
    expect(series.automation.map((a) => a.arm)).toEqual(["conservative", "aggressive"]);
    expect(series.automation[1]?.values.every((v) => v === 0.7)).toBe(true);
    expect(series.automation[1]?.lower[0]).toBe(
      young.hourly.find((r) => r.arm === "aggressive")?.automationRate.interval[0],
    );
  });

  it("reads an older experiment by day", () => {
    // Arrange
    const older = report(24 * 5);

    // Act
    const series = seriesOf(older);

    // Assert
    expect(seriesGrain(older)).toBe("day");
    expect(series.labels).toEqual(
      ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"].map(fixed),
    );
    expect(series.decisions[0]?.values).toEqual([2400, 2400, 2400, 2400, 2400]);
  });
});

describe("a row of the experiments list", () => {
  it("sums the arms' decisions and carries the headline and warnings of the report", () => {
    // Arrange
    const config = experimentConfig();
    const built = buildReport({
      experiment: experiment(),
      rows: rows("conservative", 2, { decisions: 10, auto: 5, audits: 1, auditsCorrect: 1 }),
      now: fixedDate("2026-11-20T00:00:00Z"),
    });

    // Act
    const row = experimentSummary(config, built, fixedDate("2026-11-27T00:00:00Z").getTime());

    // Assert
    expect(row).toMatchObject({
      id: "claims-triage",
      status: "running",
      arms: "conservative (control) 50%, aggressive 50%",
      age: "2 d",
      decisions: 20,
      headline: built.recommendation.headline,
    });
    expect(row.warnings).toEqual(built.warnings.map((w) => w.message));
    expect(row.warnings.length).toBeGreaterThan(0);
  });
});

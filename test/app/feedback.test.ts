import { describe, expect, it } from "vitest";
import { acknowledgingVersions, byDay, byModelVersion, toJsonLines } from "../../app/src/feedback";
import type { FeedbackRecord } from "../../core/feedback/record";
import { fixed } from "../support/clock";

const record = (id: string, modelVersion: string, producedAt: string, acks: FeedbackRecord["acks"] = []) =>
  ({
    feedbackId: id,
    decisionId: id,
    experimentId: "e",
    arm: "a",
    item: {},
    prediction: { label: "approve", confidence: 0.9, modelVersion },
    humanLabel: "deny",
    reviewers: ["r"],
    source: "review",
    decidedAt: producedAt,
    producedAt,
    acks,
  }) as unknown as FeedbackRecord;

const records = [
  record("1", "m-1", fixed("2026-11-01T10:00:00.000Z"), [
    { stage: "training", modelVersion: "m-2", at: fixed("2026-11-01T16:00:00.000Z") },
    { stage: "deployed", modelVersion: "m-2", at: fixed("2026-11-03T10:00:00.000Z") },
  ]),
  record("2", "m-1", fixed("2026-11-02T10:00:00.000Z"), [
    { stage: "training", modelVersion: "m-2", at: fixed("2026-11-02T12:00:00.000Z") },
  ]),
  record("3", "m-2", fixed("2026-11-02T11:00:00.000Z")),
];

describe("the ML page's numbers", () => {
  it("gives each corrected model version its corrections, and per stage the acknowledged share and mean time", () => {
    // Act
    const rows = byModelVersion(records);

    // Assert
    expect(rows.map((r) => [r.key, r.produced])).toEqual([
      ["m-1", 2],
      ["m-2", 1],
    ]);
    expect(rows[0]?.stages.training).toEqual({ acknowledged: 2, rate: 1, meanHoursToClose: 4 });
    expect(rows[0]?.stages.deployed).toEqual({ acknowledged: 1, rate: 0.5, meanHoursToClose: 48 });
    expect(rows[1]?.stages.evaluation).toEqual({ acknowledged: 0, rate: 0, meanHoursToClose: null });
  });

  it("shows closure over time by the day the corrections were produced, and who acknowledged them", () => {
    // Act
    const days = byDay(records);
    const versions = acknowledgingVersions(records);

    // Assert
    expect(days.map((d) => [d.key, d.produced, d.stages.training.rate])).toEqual([
      [fixed("2026-11-01"), 1, 1],
      [fixed("2026-11-02"), 2, 0.5],
    ]);
    expect(versions).toEqual([
      { stage: "training", modelVersion: "m-2", corrections: 2 },
      { stage: "deployed", modelVersion: "m-2", corrections: 1 },
    ]);
  });

  it("exports one JSON object per line with a final newline", () => {
    // Act
    const text = toJsonLines(records.slice(0, 2));

    // Assert
    expect(text.split("\n")).toHaveLength(3);
    expect(JSON.parse(text.split("\n")[1] ?? "")).toMatchObject({ feedbackId: "2" });
    expect(text.endsWith("\n")).toBe(true);
  });
});

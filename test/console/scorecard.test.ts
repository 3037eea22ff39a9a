import { describe, expect, it } from "vitest";
import { type Card, SCORECARD_COLUMNS, scorecardRows } from "../../console/src/scorecard";
import {
  AGREEMENT_COLUMNS,
  agreementRows,
  TEAM_COLUMNS,
  TEAM_GOLD_COLUMN,
  teamRows,
} from "../../console/src/team";

const card = (extra: Partial<Card> = {}): Card => ({
  queue: "claims",
  decided: 40,
  handlingSeconds: { median: 42.4, p90: 90 },
  gold: { items: 20, correct: 17, accuracy: 0.85, interval: [0.64, 0.95] },
  peers: { pairs: 10, agreement: 0.8 },
  adjudication: { items: 0, rate: null },
  overrides: { rate: 0.25 },
  sla: { share: 0.9 },
  releases: 2,
  leaseExpiries: 1,
  standing: { status: "qualified", since: "2026-11-25T12:00:00.000Z", reason: "meets the minimum" },
  ...extra,
});

describe("the reviewer's scorecard page", () => {
  it("shows one row per queue, a cell per column, and the gold bar with its interval", () => {
    // Act
    const [row] = scorecardRows({ reviewers: [card()] });

    // Assert
    expect(row?.cells).toHaveLength(SCORECARD_COLUMNS.length);
    expect(row?.cells).toEqual([
      "claims",
      "qualified",
      "40",
      "17 of 20",
      "80%",
      "–",
      "25%",
      "90%",
      "42 s",
      "2 / 1",
    ]);
    expect(row?.gold).toEqual({
      accuracy: "85%",
      lower: "64%",
      upper: "95%",
      label: "gold accuracy 85%, 95% interval 64% to 95%",
    });
  });

  it("draws no gold bar before any gold verdict and says a reviewer is not judged yet", () => {
    // Act
    const [row] = scorecardRows({
      reviewers: [
        card({ gold: { items: 0, correct: 0, accuracy: null, interval: [null, null] }, standing: null }),
      ],
    });

    // Assert
    expect(row?.gold).toBeNull();
    expect(row?.status).toBe("not judged");
  });
});

describe("the team's quality page", () => {
  it("puts the reviewer before their scorecard's cells, one row per reviewer and queue", () => {
    // Act
    const rows = teamRows({
      reviewers: [
        { ...card(), reviewer: "reviewer-1" },
        {
          ...card({ queue: "audit", gold: { items: 0, correct: 0, accuracy: null, interval: [null, null] } }),
          reviewer: "reviewer-2",
        },
      ],
      queues: [],
    });

    // Assert
    expect(rows.map((r) => r.cells.slice(0, 2))).toEqual([
      ["reviewer-1", "claims"],
      ["reviewer-2", "audit"],
    ]);
    expect(rows[0]?.cells).toHaveLength(TEAM_COLUMNS.length);
    expect(rows[0]?.cells[TEAM_GOLD_COLUMN]).toBe("17 of 20");
    expect(rows[1]?.gold).toBeNull();
  });

  it("shows each queue's kappa family and flags one below the threshold", () => {
    // Act
    const rows = agreementRows({
      reviewers: [],
      queues: [
        {
          queue: "grades",
          items: 12,
          summary: {
            fleiss: { kappa: 0.412, interval: [0.2, 0.63] },
            alpha: { nominal: { alpha: 0.4 }, ordinal: { alpha: 0.55 } },
            low: true,
            threshold: 0.6,
          },
          weightedKappa: 0.5,
        },
        { queue: "empty", items: 0, summary: null, weightedKappa: null },
      ],
    });

    // Assert
    expect(rows[0]?.cells).toEqual([
      "grades",
      "12",
      "0.41 [0.20, 0.63]",
      "0.40",
      "0.55",
      "0.50",
      "below 0.6",
    ]);
    expect(rows[0]?.cells).toHaveLength(AGREEMENT_COLUMNS.length);
    expect(rows[0]?.low).toBe(true);
    expect(rows[1]?.cells).toEqual(["empty", "0", "–", "–", "–", "–", "–"]);
  });
});

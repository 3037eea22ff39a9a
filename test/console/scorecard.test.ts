import { describe, expect, it } from "vitest";
import { type Card, SCORECARD_COLUMNS, scorecardRows } from "../../console/src/scorecard";

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

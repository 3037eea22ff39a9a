import { describe, expect, it } from "vitest";
import { REVIEWERS_SCOPE } from "../../../core/metrics/events";
import { rebuildRows } from "../../../core/metrics/rebuild";
import type { ReviewerState } from "../../../core/reviewers/ports";
import { newQualification } from "../../../core/reviewers/qualification";
import { parseScorecardQuery, reviewerScorecards } from "../../../core/reviewers/scorecard-query";
import { fixed } from "../../support/clock";
import { adjudicated, item, verdict } from "../metrics/records";

const items = [
  adjudicated(),
  item({
    reviewId: "rv-2",
    status: "decided",
    gold: { goldId: "g-1", label: "deny" },
    verdicts: [verdict("alice", "deny", 1)],
  }),
  item({
    reviewId: "rv-3",
    status: "decided",
    gold: { goldId: "g-2", label: "deny" },
    verdicts: [verdict("bob", "approve", 1, { at: fixed("2026-11-26T09:00:00.000Z") })],
  }),
];
const rows = rebuildRows({ decisions: [], reviews: items, feedback: [], scope: REVIEWERS_SCOPE });
const state: ReviewerState = {
  reviewer: "alice",
  queue: "claims",
  claims: 3,
  served: ["g-1"],
  qualification: { ...newQualification("alice", "claims", fixed("2026-11-25T12:00:00.000Z"), undefined) },
  version: 2,
};
const deps = {
  rows: async () => rows,
  states: {
    list: async () => [state],
    get: async (q: string, r: string) => (q === "claims" && r === "alice" ? state : undefined),
  },
};

describe("reviewer scorecards", () => {
  it("gives each reviewer's gold, peer agreement and standing, and the queue's agreement", async () => {
    // Act
    const page = await reviewerScorecards(deps, {});

    // Assert
    const alice = page.reviewers.find((r) => r.reviewer === "alice");
    expect(alice).toMatchObject({
      queue: "claims",
      gold: { items: 1, correct: 1 },
      peers: { pairs: 1, agreement: 0 },
      adjudication: { items: 1, upheld: 0 },
      standing: { status: "qualified" },
    });
    expect(page.reviewers.find((r) => r.reviewer === "carol")?.decided).toBe(1);
    expect(page.queues).toMatchObject([{ queue: "claims", items: 1 }]);
  });

  it("keeps to the period and to one reviewer when asked", async () => {
    // Act
    const before = await reviewerScorecards(deps, { to: fixed("2026-11-25T23:59:59.000Z") });
    const bob = await reviewerScorecards(deps, { reviewer: "bob" });

    // Assert
    expect(before.reviewers.find((r) => r.reviewer === "bob")?.gold.items).toBe(0);
    expect(bob.reviewers.map((r) => r.reviewer)).toEqual(["bob"]);
    expect(bob.reviewers[0]?.gold).toMatchObject({ items: 1, correct: 0 });
    expect(bob.reviewers[0]?.standing).toBeNull();
  });

  it("refuses a malformed period with a 400 naming the field", () => {
    // Act
    const refused = (() => {
      try {
        return parseScorecardQuery({ from: "yesterday" });
      } catch (error) {
        return error;
      }
    })();

    // Assert
    expect(refused).toMatchObject({ status: 400, code: "validation_failed" });
    expect((refused as Error).message).toContain("from");
  });
});

describe("a queue with ordered labels", () => {
  const LEVELS = ["low", "mid", "high"];
  const pairOf = (id: string, first: string, second: string) =>
    item({
      reviewId: id,
      queue: "grades",
      status: "decided",
      requiredVerdicts: 2,
      rounds: [{ round: 1, queue: "grades", tier: "tier-1", enqueuedAt: fixed("2026-11-25T12:01:00.000Z") }],
      verdicts: [verdict("alice", first, 1), verdict("bob", second, 1)],
      outcome: { label: first, source: "reviewer", at: fixed("2026-11-25T12:40:00.000Z") },
    });
  const graded = [
    pairOf("rv-g1", "low", "low"),
    pairOf("rv-g2", "low", "mid"),
    pairOf("rv-g3", "mid", "high"),
  ];
  const gradedRows = rebuildRows({ decisions: [], reviews: graded, feedback: [], scope: REVIEWERS_SCOPE });

  /** Linear weighted kappa from its definition, over both orders of each item's pair. */
  function byHand(pairs: readonly [string, string][]): number {
    const k = LEVELS.length;
    const both = pairs.flatMap(([a, b]) => [
      [LEVELS.indexOf(a), LEVELS.indexOf(b)],
      [LEVELS.indexOf(b), LEVELS.indexOf(a)],
    ]);
    const w = (i: number, j: number) => 1 - Math.abs(i - j) / (k - 1);
    const share = (i: number) => both.filter(([a]) => a === i).length / both.length;
    const observed = both.reduce((s, [a, b]) => s + w(a ?? 0, b ?? 0), 0) / both.length;
    let expected = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expected += w(i, j) * share(i) * share(j);
    return (observed - expected) / (1 - expected);
  }

  it("gives the queue's weighted kappa and ordinal alpha, as recomputed from the pairs", async () => {
    // Act
    const page = await reviewerScorecards(
      {
        rows: async () => gradedRows,
        states: { list: async () => [], get: async () => undefined },
        labelsOf: async () => ({ labels: LEVELS, ordered: true }),
      },
      {},
    );

    // Assert
    const grades = page.queues.find((q) => q.queue === "grades");
    expect(grades?.items).toBe(3);
    expect(grades?.weightedKappa).toBeCloseTo(
      byHand([
        ["low", "low"],
        ["low", "mid"],
        ["mid", "high"],
      ]),
      12,
    );
    expect(grades?.weightedKappa).toBeCloseTo(1 / 7, 12);
    expect(grades?.summary?.flaggedOn).toBe("alpha-ordinal");
    expect(grades?.summary?.alpha.ordinal?.alpha).toEqual(expect.any(Number));
  });

  it("gives no weighted kappa when the labels are not ordered", async () => {
    // Act
    const page = await reviewerScorecards(
      {
        rows: async () => gradedRows,
        states: { list: async () => [], get: async () => undefined },
        labelsOf: async () => ({ labels: LEVELS, ordered: false }),
      },
      {},
    );

    // Assert
    expect(page.queues.find((q) => q.queue === "grades")?.weightedKappa).toBeNull();
  });
});

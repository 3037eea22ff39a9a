import { describe, expect, it } from "vitest";
import type { DecisionRecord } from "../../../core/decisions/record";
import {
  diffCounters,
  isRebuildable,
  liveCounters,
  rebuildCounters,
  rebuildEvents,
} from "../../../core/metrics/rebuild";
import type { ReviewItem, Verdict } from "../../../core/review/item";
import { fixed } from "../../support/clock";

const decision = (overrides: Partial<DecisionRecord> = {}): DecisionRecord => ({
  decisionId: "d1",
  experimentId: "e",
  configVersion: 1,
  unitId: "u1",
  arm: "a",
  enrolled: true,
  route: "human",
  audit: false,
  reason: "below threshold",
  status: "decided",
  reviewId: "rv-1",
  item: {},
  prediction: { label: "approve", confidence: 0.5 },
  outcome: "reject",
  outcomeSource: "reviewer",
  outcomeAt: fixed("2026-11-25T13:00:00.000Z"),
  requestHash: "h",
  createdAt: fixed("2026-11-25T12:00:00.000Z"),
  updatedAt: fixed("2026-11-25T13:00:00.000Z"),
  ...overrides,
});

const verdict = (reviewer: string, label: string, round: number, adjudication = false): Verdict => ({
  reviewer,
  label,
  handlingSeconds: 60,
  at: fixed("2026-11-25T12:30:00.000Z"),
  tier: "tier-1",
  round,
  ...(adjudication ? { adjudication } : {}),
});

/** A double review whose reviewers disagreed, settled by an adjudicator in round 2. */
const adjudicated = {
  reviewId: "rv-1",
  decisionId: "d1",
  experimentId: "e",
  arm: "a",
  kind: "review",
  status: "decided",
  round: 2,
  tier: "tier-2",
  queue: "claims.adjudication",
  verdicts: [
    verdict("alice", "approve", 1),
    verdict("bob", "reject", 1),
    verdict("carol", "reject", 2, true),
  ],
  updatedAt: fixed("2026-11-25T13:00:00.000Z"),
} as unknown as ReviewItem;

describe("rebuildEvents", () => {
  it("recovers the independent pair, the disagreement and both rounds of an adjudicated double review", () => {
    // Act
    const events = rebuildEvents({
      decisions: [decision()],
      reviews: [adjudicated],
      feedback: [],
      experimentVersion: () => undefined,
    });

    // Assert
    const outcome = events.find((e) => e.type === "decision.outcome");
    expect(outcome).toMatchObject({ pair: ["approve", "reject"], source: "reviewer", correct: false });
    expect(events.filter((e) => e.type === "review.escalated")).toHaveLength(1);
    expect(events.filter((e) => e.type === "review.enqueued")).toHaveLength(2);
    expect(events.filter((e) => e.type === "review.verdict")).toHaveLength(3);
  });

  it("counts a unit once per arm however many decisions it has", () => {
    const decisions = [
      decision({ decisionId: "d1", reviewId: undefined }),
      decision({ decisionId: "d2", reviewId: undefined, createdAt: fixed("2026-11-25T12:05:00.000Z") }),
    ];

    const counters = rebuildCounters({
      decisions,
      reviews: [],
      feedback: [],
      experimentVersion: () => undefined,
    });

    expect(counters.get("a")).toMatchObject({ decisions: 2, units: 1, humanOutcomes: 2 });
  });
});

describe("comparing live and rebuilt counters", () => {
  it("leaves out the counters the records cannot determine", () => {
    expect(isRebuildable("decisions")).toBe(true);
    expect(isRebuildable("lat:human:400")).toBe(true);
    expect(isRebuildable("lat:auto:400")).toBe(false);
    expect(isRebuildable("escalations")).toBe(false);
    expect(isRebuildable("gtCorrect:auto")).toBe(false);
  });

  it("lists each counter that differs with live − rebuilt", () => {
    // Arrange
    const live = liveCounters([
      { arm: "a", hour: fixed("2026-11-25T12"), counters: { decisions: 3, "lat:auto:10": 3 } },
      { arm: "a", hour: fixed("2026-11-25T13"), counters: { decisions: 1, units: 2 } },
    ]);
    const rebuilt = new Map([["a", { decisions: 3, units: 2, auto: 1 }]]);

    // Act
    const differences = diffCounters(live, rebuilt);

    // Assert
    expect(differences).toEqual([
      { arm: "a", counter: "auto", live: 0, rebuilt: 1, diff: -1 },
      { arm: "a", counter: "decisions", live: 4, rebuilt: 3, diff: 1 },
    ]);
  });
});

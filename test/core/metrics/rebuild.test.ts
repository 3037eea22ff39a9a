import { describe, expect, it } from "vitest";
import type { DecisionRecord } from "../../../core/decisions/record";
import {
  diffCounters,
  liveCounters,
  rebuildCounters,
  rebuildEvents,
  rebuildRows,
} from "../../../core/metrics/rebuild";
import type { ReviewItem, Verdict } from "../../../core/review/item";

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
  outcomeAt: "2026-11-25T13:00:00.000Z",
  requestHash: "h",
  createdAt: "2026-11-25T12:00:00.000Z",
  updatedAt: "2026-11-25T13:00:00.000Z",
  ...overrides,
});

const verdict = (reviewer: string, label: string, round: number, adjudication = false): Verdict => ({
  reviewer,
  label,
  handlingSeconds: 60,
  at: "2026-11-25T12:30:00.000Z",
  tier: "tier-1",
  round,
  claimedAt: "2026-11-25T12:29:00.000Z",
  price: { hourlyRateUsd: 30 },
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
  context: { item: {}, prediction: { label: "approve", confidence: 0.5 }, routingReason: "low" },
  verdicts: [
    verdict("alice", "approve", 1),
    verdict("bob", "reject", 1),
    verdict("carol", "reject", 2, true),
  ],
  rounds: [
    { round: 1, queue: "claims", tier: "tier-1", enqueuedAt: "2026-11-25T12:01:00.000Z" },
    { round: 2, queue: "claims.adjudication", tier: "tier-2", enqueuedAt: "2026-11-25T12:31:00.000Z" },
  ],
  escalations: [
    {
      round: 1,
      at: "2026-11-25T12:30:00.000Z",
      fromTier: "tier-1",
      toTier: "adjudication",
      cause: "disagreement",
    },
  ],
  outcome: { label: "reject", source: "reviewer", at: "2026-11-25T13:00:00.000Z" },
  enrolled: true,
  decisionCreatedAt: "2026-11-25T12:00:00.000Z",
  updatedAt: "2026-11-25T13:00:00.000Z",
} as unknown as ReviewItem;

describe("rebuilding counters from the records", () => {
  it("recovers the independent pair, the disagreement, both rounds and every verdict of an adjudicated double review", () => {
    // Act
    const events = rebuildEvents({ decisions: [decision()], reviews: [adjudicated], feedback: [] });

    // Assert
    expect(events.find((e) => e.type === "decision.outcome")).toMatchObject({
      pair: ["approve", "reject"],
      source: "reviewer",
      correct: false,
    });
    expect(events.filter((e) => e.type === "review.escalated")).toHaveLength(1);
    expect(events.filter((e) => e.type === "review.enqueued")).toHaveLength(2);
    expect(events.filter((e) => e.type === "review.verdict")).toHaveLength(3);
  });

  it("determines what no earlier rebuild could: time in queue, escalations, automated latency", () => {
    // Arrange
    const automated = decision({
      decisionId: "d2",
      reviewId: undefined,
      route: "auto",
      status: "automated",
      receivedAt: "2026-11-25T11:59:59.900Z",
    });

    // Act
    const counters = rebuildCounters({
      decisions: [decision(), automated],
      reviews: [adjudicated],
      feedback: [],
    });

    // Assert
    // alice and bob waited 28 min in round 1; carol's claim time (12:29) predates her round: 0.
    expect(counters.get("a")).toMatchObject({ queueMs: 2 * 28 * 60_000, disagreements: 1, events: 9 });
    expect(Object.keys(counters.get("a") ?? {}).some((name) => name.startsWith("lat:auto:"))).toBe(true);
  });

  it("counts a unit once per arm however many decisions it has, in the hour it was first seen", () => {
    const decisions = [
      decision({ decisionId: "d1", reviewId: undefined }),
      decision({ decisionId: "d2", reviewId: undefined, createdAt: "2026-11-25T13:05:00.000Z" }),
    ];

    const rows = rebuildRows({ decisions, reviews: [], feedback: [] });

    expect(rows).toMatchObject([
      { hour: "2026-11-25T12", counters: { decisions: 1, units: 1 } },
      { hour: "2026-11-25T13", counters: { decisions: 1 } },
    ]);
    expect(rows[1]?.counters.units).toBeUndefined();
  });
});

describe("comparing live and rebuilt counters", () => {
  it("lists each counter that differs with live − rebuilt", () => {
    // Arrange
    const live = liveCounters([
      { arm: "a", hour: "2026-11-25T12", counters: { decisions: 3, "lat:auto:10": 3 } },
      { arm: "a", hour: "2026-11-25T13", counters: { decisions: 1, units: 2 } },
    ]);
    const rebuilt = new Map([["a", { decisions: 3, units: 2, auto: 1, "lat:auto:10": 3 }]]);

    // Act
    const differences = diffCounters(live, rebuilt);

    // Assert
    expect(differences).toEqual([
      { arm: "a", counter: "auto", live: 0, rebuilt: 1, diff: -1 },
      { arm: "a", counter: "decisions", live: 4, rebuilt: 3, diff: 1 },
    ]);
  });
});

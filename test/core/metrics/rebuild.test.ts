import { describe, expect, it } from "vitest";
import {
  diffCounters,
  liveCounters,
  rebuildCounters,
  rebuildEvents,
  rebuildRows,
} from "../../../core/metrics/rebuild";
import { fixed } from "../../support/clock";
import { adjudicated, decision } from "./records";

/** A held decision d1 the adjudicated review settled ("deny"). */
const held = (extra: Parameters<typeof decision>[0] = {}) =>
  decision({
    route: "human",
    status: "decided",
    reviewId: "rv-1",
    outcome: "deny",
    outcomeSource: "reviewer",
    ...extra,
  });

describe("rebuilding counters from the records", () => {
  it("recovers the independent pair, the disagreement, both rounds and every verdict of an adjudicated double review", () => {
    // Act
    const events = rebuildEvents({ decisions: [held()], reviews: [adjudicated()], feedback: [] });

    // Assert
    expect(events.find((e) => e.type === "decision.outcome")).toMatchObject({
      pair: ["approve", "deny"],
      source: "reviewer",
      correct: false,
    });
    expect(events.filter((e) => e.type === "review.escalated")).toHaveLength(1);
    expect(events.filter((e) => e.type === "review.enqueued")).toHaveLength(2);
    expect(events.filter((e) => e.type === "review.verdict")).toHaveLength(3);
  });

  it("determines what no earlier rebuild could: time in queue, escalations, automated latency", () => {
    // Arrange
    const automated = decision({ decisionId: "d2", unitId: "u2" });

    // Act
    const counters = rebuildCounters({
      decisions: [held(), automated],
      reviews: [adjudicated()],
      feedback: [],
    });

    // Assert: alice and bob waited from 12:01 to their claims at 12:15, carol from 12:31 to 12:36
    expect(counters.get("a")).toMatchObject({ queueMs: (2 * 14 + 5) * 60_000, disagreements: 1, events: 9 });
    expect(Object.keys(counters.get("a") ?? {}).some((name) => name.startsWith("lat:auto:"))).toBe(true);
  });

  it("counts a unit once per arm however many decisions it has, in the hour it was first seen", () => {
    const decisions = [
      decision({ decisionId: "d1" }),
      decision({ decisionId: "d2", createdAt: fixed("2026-11-25T13:05:00.000Z") }),
    ];

    const rows = rebuildRows({ decisions, reviews: [], feedback: [] });

    expect(rows).toMatchObject([
      { hour: fixed("2026-11-25T12"), counters: { decisions: 1, units: 1 } },
      { hour: fixed("2026-11-25T13"), counters: { decisions: 1 } },
    ]);
    expect(rows[1]?.counters.units).toBeUndefined();
  });
});

describe("comparing live and rebuilt counters", () => {
  it("lists each counter that differs with live − rebuilt", () => {
    // Arrange
    const live = liveCounters([
      { arm: "a", hour: fixed("2026-11-25T12"), counters: { decisions: 3, "lat:auto:10": 3 } },
      { arm: "a", hour: fixed("2026-11-25T13"), counters: { decisions: 1, units: 2 } },
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

import { describe, expect, it } from "vitest";
import { REVIEWERS_SCOPE } from "../../../core/metrics/events";
import { checkedEventsOf, eventDelta } from "../../../core/metrics/implied";
import { reviewerEvents } from "../../../core/metrics/implied/reviewer";
import { rebuildCounters } from "../../../core/metrics/rebuild";
import { reviewerFactsOf } from "../../../core/reviewers/facts";
import { fixed } from "../../support/clock";
import { adjudicated, item, verdict } from "../metrics/records";

const sumOf = (events: ReturnType<typeof reviewerEvents>, arm: string) => {
  const out: Record<string, number> = {};
  for (const e of events.filter((x) => x.arm === arm))
    for (const [k, v] of Object.entries(e.counters)) out[k] = (out[k] ?? 0) + v;
  return out;
};

describe("reviewerFactsOf", () => {
  it("implies one verdict fact per verdict, within SLA when given before its round's deadline", () => {
    // Arrange
    const it1 = item({
      status: "decided",
      rounds: [
        {
          round: 1,
          queue: "claims",
          tier: "tier-1",
          enqueuedAt: fixed("2026-11-25T12:01:00.000Z"),
          deadline: fixed("2026-11-25T12:15:00.000Z"),
        },
      ],
      verdicts: [verdict("alice", "deny", 1)],
    });

    // Act
    const facts = reviewerFactsOf(it1);

    // Assert: the verdict at 12:20 came after the round's 12:15 deadline
    expect(facts).toEqual([
      expect.objectContaining({
        type: "verdict",
        reviewer: "alice",
        queue: "claims",
        label: "deny",
        predictedLabel: "approve",
        withinSla: false,
      }),
    ]);
  });

  it("gives an adjudicated double review an agreement fact with only the blind verdicts", () => {
    // Arrange
    const settled = adjudicated();

    // Act
    const agreement = reviewerFactsOf(settled).find((f) => f.type === "agreement");

    // Assert
    expect(agreement).toEqual(
      expect.objectContaining({
        queue: "claims",
        verdicts: [
          { reviewer: "alice", label: "approve" },
          { reviewer: "bob", label: "deny" },
        ],
        adjudicated: "deny",
      }),
    );
  });

  it("leaves adaptive extra reviews out of agreement", () => {
    // Arrange
    const extra = item({
      status: "decided",
      outcome: { label: "deny", source: "reviewer", at: fixed("2026-11-25T12:40:00.000Z") },
      verdicts: [
        verdict("alice", "approve", 1),
        verdict("bob", "deny", 1),
        verdict("carol", "deny", 1, { extra: true }),
      ],
    });

    // Act
    const agreement = reviewerFactsOf(extra).find((f) => f.type === "agreement");

    // Assert
    expect(agreement?.type === "agreement" && agreement.verdicts.map((v) => v.reviewer)).toEqual([
      "alice",
      "bob",
    ]);
  });

  it("implies a fact for each release and each expired lease", () => {
    // Arrange
    const history = item({
      releases: [
        { round: 1, reviewer: "alice", at: fixed("2026-11-25T12:02:00.000Z") },
        { round: 1, reviewer: "alice", at: fixed("2026-11-25T12:03:00.000Z") },
      ],
      leaseExpiries: [{ round: 1, reviewer: "bob", at: fixed("2026-11-25T12:09:00.000Z") }],
    });

    // Act
    const events = reviewerEvents(history);

    // Assert
    expect(sumOf(events, "claims|alice")).toMatchObject({ releases: 2 });
    expect(sumOf(events, "claims|bob")).toMatchObject({ leaseExpiries: 1 });
  });
});

describe("gold items in the metrics", () => {
  const gold = item({
    status: "decided",
    gold: { goldId: "g-1", label: "deny" },
    verdicts: [verdict("alice", "approve", 1)],
  });

  it("imply no experiment event, only the reviewer's gold counters", () => {
    // Act
    const { events } = checkedEventsOf({ kind: "review", record: gold });

    // Assert
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.experimentId === REVIEWERS_SCOPE)).toBe(true);
    expect(sumOf(reviewerEvents(gold), "claims|alice")).toMatchObject({ gold: 1, handlingCount: 1 });
    expect(sumOf(reviewerEvents(gold), "claims|alice").goldCorrect).toBeUndefined();
    expect(sumOf(reviewerEvents(gold), "claims|alice").decided).toBeUndefined();
  });

  it("are left out of an experiment's rebuild and counted in the reviewers' rebuild", () => {
    // Act
    const experiment = rebuildCounters({ decisions: [], reviews: [gold], feedback: [] });
    const reviewers = rebuildCounters({
      decisions: [],
      reviews: [gold],
      feedback: [],
      scope: REVIEWERS_SCOPE,
    });

    // Assert
    expect(experiment.size).toBe(0);
    expect(reviewers.get("claims|alice")).toMatchObject({ gold: 1 });
  });
});

describe("counting reviewer facts from the item's writes", () => {
  it("counts a verdict once however often the item is written again", () => {
    // Arrange
    const before = item();
    const after = item({ verdicts: [verdict("alice", "deny", 1)] });

    // Act
    const first = eventDelta({ kind: "review", record: before }, { kind: "review", record: after });
    const again = eventDelta({ kind: "review", record: after }, { kind: "review", record: after });

    // Assert
    expect(first.added.filter((e) => e.type === "reviewer.counts")).toHaveLength(1);
    expect(again.added).toHaveLength(0);
  });
});

import { describe, expect, it } from "vitest";
import { countersOf } from "../../../core/metrics/aggregate";
import { reviewEvents } from "../../../core/metrics/implied/review";
import { agreementFamily } from "../../../core/report/agreement-family";
import { profileCounter } from "../../../core/reviewers/counters";
import { fleissKappa } from "../../../core/stats/fleiss";
import { fixed } from "../../support/clock";
import { adjudicated, item, verdict } from "../metrics/records";

const LABELS = ["low", "mid", "high"];

describe("the label counts a settled multi-review carries", () => {
  it("puts the blind verdicts' counts, scoped by their queue, on the outcome event and its counters", () => {
    // Act
    const outcome = reviewEvents(adjudicated()).find((e) => e.type === "decision.outcome");

    // Assert
    expect(outcome).toMatchObject({ profile: { approve: 1, deny: 1 }, profileQueue: "claims" });
    expect(outcome && countersOf(outcome)[profileCounter({ approve: 1, deny: 1 }, "claims")]).toBe(1);
  });

  it("counts three blind reviews of one item as one profile of three ratings", () => {
    // Arrange
    const three = item({
      status: "decided",
      outcome: { label: "deny", source: "reviewer", at: fixed("2026-11-25T12:50:00.000Z") },
      verdicts: [verdict("a", "deny", 1), verdict("b", "deny", 1), verdict("c", "approve", 1)],
    });

    // Act
    const outcome = reviewEvents(three).find((e) => e.type === "decision.outcome");

    // Assert
    expect(outcome).toMatchObject({ profile: { deny: 2, approve: 1 } });
  });
});

describe("agreementFamily", () => {
  // Items as per-label counts of three ratings each, in two arms and two queues.
  const items: { arm: string; queue: string; counts: Record<string, number> }[] = [
    { arm: "a", queue: "q1", counts: { low: 3 } },
    { arm: "a", queue: "q1", counts: { low: 2, mid: 1 } },
    { arm: "a", queue: "q2", counts: { high: 3 } },
    { arm: "b", queue: "q1", counts: { mid: 2, high: 1 } },
    { arm: "b", queue: "q2", counts: { low: 1, mid: 1, high: 1 } },
    { arm: "b", queue: "q2", counts: { high: 2, mid: 1 } },
  ];
  const byArm = new Map<string, Record<string, number>>();
  for (const it of items) {
    const counters = byArm.get(it.arm) ?? {};
    const name = profileCounter(it.counts, it.queue);
    counters[name] = (counters[name] ?? 0) + 1;
    byArm.set(it.arm, counters);
  }
  const direct = (subset: typeof items) =>
    fleissKappa(subset.map((i) => LABELS.map((l) => i.counts[l] ?? 0)));

  it("equals Fleiss' kappa computed directly from the items, per arm, per queue and overall", () => {
    // Act
    const family = agreementFamily(byArm, { labels: LABELS, ordered: true, threshold: 0.6, samples: 200 });

    // Assert
    expect(family.overall.items).toBe(6);
    expect(family.overall.summary?.fleiss.kappa).toBeCloseTo(direct(items), 12);
    for (const arm of ["a", "b"])
      expect(family.arms.find((a) => a.arm === arm)?.summary?.fleiss.kappa).toBeCloseTo(
        direct(items.filter((i) => i.arm === arm)),
        12,
      );
    for (const queue of ["q1", "q2"])
      expect(family.queues.find((q) => q.queue === queue)?.summary?.fleiss.kappa).toBeCloseTo(
        direct(items.filter((i) => i.queue === queue)),
        12,
      );
    expect(family.armQueues).toHaveLength(4);
    expect(family.overall.summary?.alpha.ordinal).toBeDefined();
    expect(family.overall.summary?.low).toBe(true);
  });
});

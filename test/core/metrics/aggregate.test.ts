import { describe, expect, it } from "vitest";
import { aggregate, countersOf, shardFor } from "../../../core/metrics/aggregate";
import { bucketCounter } from "../../../core/metrics/histogram";
import { fixed } from "../../support/clock";
import { acknowledged, groundTruth, manyRouted, outcome, routed, verdict } from "./events";

const hundredMs = bucketCounter("lat:auto:", 100);

describe("countersOf", () => {
  it("counts a routed automated decision with its model cost in nano-dollars and its latency bucket", () => {
    // Act
    const counters = countersOf(routed({ latencyMs: 100, audit: true }), { firstSeenUnits: new Set() });

    // Assert
    expect(counters).toEqual({
      events: 1,
      decisions: 1,
      enrolledDecisions: 1,
      auto: 1,
      audit: 1,
      modelCostNanoUsd: 200_000,
      [hundredMs]: 1,
    });
  });

  it("counts a held decision without latency, and a distinct unit only when it is first seen", () => {
    // Arrange
    const event = routed({ route: "human", enrolled: false });

    // Act
    const counters = countersOf(event, { firstSeenUnits: new Set([event.id]) });

    // Assert
    expect(counters).toEqual({ events: 1, decisions: 1, units: 1, human: 1, modelCostNanoUsd: 200_000 });
  });

  it("leaves a decision without costUsd to be priced by its model version at read time", () => {
    const counters = countersOf(routed({ modelCostUsd: 0, modelVersion: "claims v2" }));

    expect(counters["unpriced:claims%20v2"]).toBe(1);
    expect(counters.modelCostNanoUsd).toBeUndefined();
  });

  it("counts review rounds by kind and escalations by reason", () => {
    const enqueued = (kind: "review" | "audit") => ({
      type: "review.enqueued" as const,
      id: `review.enqueued:${kind}`,
      at: fixed("2026-11-25T12:00:00Z"),
      experimentId: "e",
      arm: "a",
      enrolled: true,
      reviewId: "r",
      kind,
      queue: "q",
      tier: "tier-1",
      round: 1,
    });
    const escalated = (reason: "sla" | "disagreement") => ({
      type: "review.escalated" as const,
      id: `review.escalated:${reason}`,
      at: fixed("2026-11-25T12:00:00Z"),
      experimentId: "e",
      arm: "a",
      enrolled: true,
      reviewId: "r",
      fromTier: "tier-1",
      toTier: "tier-2",
      reason,
    });

    expect(countersOf(enqueued("review"))).toEqual({ events: 1, enqueued: 1 });
    expect(countersOf(enqueued("audit"))).toEqual({ events: 1, auditEnqueued: 1 });
    expect(countersOf(escalated("sla"))).toEqual({ events: 1, escalations: 1 });
    expect(countersOf(escalated("disagreement"))).toEqual({ events: 1, disagreements: 1 });
  });

  it("prices a verdict at handling time × hourly rate, or at the flat per-review price when set", () => {
    // 90 s at $30/h = $0.75
    expect(countersOf(verdict({ label: "reject" }))).toEqual({
      events: 1,
      verdicts: 1,
      overrides: 1,
      queueMs: 600_000,
      handlingMs: 90_000,
      humanCostNanoUsd: 750_000_000,
    });
    expect(countersOf(verdict({ kind: "audit", perReviewUsd: 0.4 }))).toEqual({
      events: 1,
      auditVerdicts: 1,
      auditQueueMs: 600_000,
      handlingMs: 90_000,
      humanCostNanoUsd: 400_000_000,
    });
  });

  it("tells an SLA breach of a held item from an audit nobody reached", () => {
    const fallback = (reviewId: string) => ({
      type: "review.fallback" as const,
      id: `review.fallback:${reviewId}:2`,
      at: fixed("2026-11-25T12:00:00Z"),
      experimentId: "e",
      arm: "a",
      enrolled: true,
      reviewId,
      decisionId: "d",
      action: "model" as const,
    });

    expect(countersOf(fallback("rv-abc"))).toEqual({ events: 1, slaBreaches: 1 });
    expect(countersOf(fallback("au-abc"))).toEqual({ events: 1, auditBreaches: 1 });
  });

  it("counts outcomes by source: audited sample, human verdict (with latency and the reviewer pair), fallback", () => {
    const human = countersOf(outcome({ pair: ["approve", "reject"], correct: false, outcome: "reject" }));
    const audited = countersOf(outcome({ route: "auto", audited: true, correct: true }));
    const fallback = countersOf(outcome({ source: "fallback", correct: true }));
    const later = countersOf(outcome({ source: "ground-truth" }));
    const oneHour = bucketCounter("lat:human:", 3_600_000);

    expect(human).toEqual({
      events: 1,
      humanOutcomes: 1,
      [oneHour]: 1,
      pairTotal: 1,
      "pair:approve|reject": 1,
    });
    expect(audited).toEqual({ events: 1, auditedCount: 1, auditedCorrect: 1 });
    expect(fallback).toEqual({ events: 1, fallbackOutcomes: 1, fallbackModelCorrect: 1, [oneHour]: 1 });
    expect(later).toEqual({ events: 1 });
  });

  it("encodes labels in pair counters so a '|' inside a label cannot be misread", () => {
    const counters = countersOf(outcome({ pair: ["a|b", "a|b"] }));

    expect(counters["pair:a%7Cb|a%7Cb"]).toBe(1);
    expect(counters.pairAgree).toBe(1);
  });

  it("counts ground truth by outcome class, and a revision moves correctness without counting twice", () => {
    const first = countersOf(groundTruth({ label: "approve" }));
    const revised = countersOf(groundTruth({ revision: 2, previousLabel: "approve", label: "reject" }));
    const onHuman = countersOf(groundTruth({ route: "human", outcomeSource: "reviewer", label: "approve" }));

    expect(first).toEqual({ events: 1, "gt:auto": 1, "gtCorrect:auto": 1 });
    expect(revised).toEqual({ events: 1, "gtCorrect:auto": -1 });
    expect(onHuman).toEqual({ events: 1, "gt:human": 1, "gtCorrect:human": 1 });
  });

  it("counts feedback produced and acknowledged per stage with the time it took to close", () => {
    const twoDays = 2 * 24 * 3_600_000;

    expect(countersOf(acknowledged())).toEqual({
      events: 1,
      "feedbackAcked:training": 1,
      "closureMs:training": twoDays,
      [bucketCounter("closure:training:", twoDays)]: 1,
    });
  });
});

describe("aggregate", () => {
  it("pre-aggregates a batch into one delta per experiment, arm, hour and shard", () => {
    // Arrange: 10 decisions in arm a at 12:xx, 5 in arm b at 13:xx, 2 shards
    const events = [
      ...manyRouted(10),
      ...manyRouted(5, { arm: "b", at: fixed("2026-11-25T13:00:00Z") }).map((e, i) => ({
        ...e,
        id: `b${i}`,
      })),
    ];

    // Act
    const deltas = aggregate(events, (id) => shardFor(id, 2), 2);

    // Assert
    expect(deltas.every((d) => d.key.shard === 0 || d.key.shard === 1)).toBe(true);
    const sum = (arm: string) =>
      deltas.filter((d) => d.key.arm === arm).reduce((s, d) => s + (d.counters.decisions ?? 0), 0);
    expect(sum("a")).toBe(10);
    expect(sum("b")).toBe(5);
    expect(new Set(deltas.map((d) => `${d.key.arm}${d.key.hour}`))).toEqual(
      new Set([`a${fixed("2026-11-25T12")}`, `b${fixed("2026-11-25T13")}`]),
    );
  });

  it("spreads events over shards by event id, the same way every time", () => {
    const ids = Array.from({ length: 400 }, (_, i) => `event-${i}`);
    const counts = [0, 0, 0, 0];
    for (const id of ids) counts[shardFor(id, 4)] = (counts[shardFor(id, 4)] ?? 0) + 1;

    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(shardFor("event-7", 4)).toBe(shardFor("event-7", 4));
  });
});

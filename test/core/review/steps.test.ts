import { describe, expect, it } from "vitest";
import type { Hold } from "../../../core/review/hold";
import type { Verdict } from "../../../core/review/item";
import { escalate, fallback, leaseExpired, settle } from "../../../core/review/steps";
import { fixed } from "../../support/clock";
import { reviewWorld } from "../../support/review-world";

const verdict = (reviewer: string, label: string, round = 1): Verdict => ({
  reviewer,
  label,
  handlingSeconds: 30,
  at: fixed("2026-11-25T12:10:00.000Z"),
  tier: "tier-1",
  round,
  claimedAt: "2026-11-25T12:09:30.000Z",
  price: { hourlyRateUsd: 30 },
});

describe("escalation", () => {
  it("moves a timed-out item to the next tier's queue with that tier's SLA and records why", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    w.clock.advance(3600);

    // Act
    const next = await escalate(w.steps, hold);

    // Assert
    expect(next).toMatchObject({
      next: "hold",
      tierIndex: 1,
      queue: "default.tier-2",
      slaSeconds: 14_400,
      round: 2,
    });
    expect(next.reason).toBe("tier-1 SLA of 3600 s ran out; escalated to tier-2");
    expect(w.reviews.items.get(hold.reviewId)?.status).toBe("escalated");
    expect(w.log.changes().added.map((e) => e.type)).toContain("review.escalated");
  });

  it("asks for the fallback after the last tier", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    const last: Hold = { ...hold, tierIndex: 1 };

    // Act
    const next = await escalate(w.steps, last);

    // Assert
    expect(next.next).toBe("fallback");
  });
});

describe("fallback", () => {
  it("settles with the model's answer and counts an SLA breach when the policy says so", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1", prediction: { label: "deny", confidence: 0.3 } });

    // Act
    const next = await fallback(w.steps, hold);

    // Assert
    expect(next.next).toBe("done");
    expect(w.decisions.items.get("d-1")).toMatchObject({
      status: "fallback",
      outcome: "deny",
      outcomeSource: "fallback",
    });
    expect(w.notify.outcomes).toMatchObject([
      { type: "decision.outcome", decisionId: "d-1", outcome: "deny", source: "fallback" },
    ]);
    expect(w.log.changes().added.filter((e) => e.type === "review.fallback")).toHaveLength(1);
  });

  it("settles with the safe default label when the policy names one", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });

    // Act
    await fallback(w.steps, { ...hold, fallback: { action: "label", label: "escalate" } });

    // Assert
    expect(w.decisions.items.get("d-1")?.outcome).toBe("escalate");
  });

  it("keeps holding in the last tier when the policy says hold, counting the breach once", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });

    // Act
    const first = await fallback(w.steps, { ...hold, fallback: { action: "hold" } });
    const second = await fallback(w.steps, first);

    // Assert
    expect(first).toMatchObject({
      next: "hold",
      slaSeconds: 14_400,
      reason: "SLA breached; still held for a person",
    });
    expect(second.next).toBe("hold");
    expect(w.log.changes().added.filter((e) => e.type === "review.fallback")).toHaveLength(1);
    expect(w.decisions.items.get("d-1")?.status).toBe("held");
  });
});

describe("lease expiry", () => {
  it("re-holds the item with what is left of the same deadline", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    w.clock.advance(600);

    // Act
    const next = await leaseExpired(w.steps, hold);

    // Assert
    expect(next).toMatchObject({
      next: "hold",
      slaSeconds: 3000,
      deadline: hold.deadline,
      round: 2,
      tierIndex: 0,
    });
  });
});

describe("settling a verdict", () => {
  it("makes the reviewer's label the outcome, notifies the product and produces feedback when it differs", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({
      decisionId: "d-1",
      prediction: { label: "approve", confidence: 0.5, modelVersion: "m-3" },
    });

    // Act
    const next = await settle(w.steps, { ...hold, verdict: { verdicts: [verdict("alice", "deny")] } });

    // Assert
    expect(next.next).toBe("done");
    expect(w.decisions.items.get("d-1")).toMatchObject({
      status: "decided",
      outcome: "deny",
      outcomeSource: "reviewer",
    });
    expect(w.notify.outcomes).toMatchObject([
      { type: "decision.outcome", outcome: "deny", source: "reviewer" },
    ]);
    expect(w.feedback.records).toMatchObject([
      {
        decisionId: "d-1",
        humanLabel: "deny",
        prediction: { label: "approve", modelVersion: "m-3" },
        reviewers: ["alice"],
      },
    ]);
    expect(w.notify.feedbacks).toHaveLength(1);
  });

  it("stores the round's verdicts on the item when it runs before the verdict API writes them", async () => {
    // Arrange: the item as the API leaves it between SendTaskSuccess and its own (later) write
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });

    // Act
    await settle(w.steps, { ...hold, verdict: { verdicts: [verdict("alice", "deny")] } });

    // Assert
    expect(w.reviews.items.get(hold.reviewId)).toMatchObject({
      status: "decided",
      verdicts: [{ reviewer: "alice", label: "deny" }],
    });
  });

  it("stores both disagreeing verdicts on the item when it sends the round to adjudication", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });

    // Act
    await settle(w.steps, {
      ...hold,
      requiredVerdicts: 2,
      doubleReview: true,
      verdict: { verdicts: [verdict("alice", "deny"), verdict("bob", "approve")] },
    });

    // Assert
    expect(w.reviews.items.get(hold.reviewId)?.verdicts.map((v) => v.reviewer)).toEqual(["alice", "bob"]);
  });

  it("produces no feedback when the reviewer agrees with the model", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });

    // Act
    await settle(w.steps, { ...hold, verdict: { verdicts: [verdict("alice", "approve")] } });

    // Assert
    expect(w.feedback.records).toEqual([]);
    expect(w.decisions.items.get("d-1")?.outcome).toBe("approve");
  });

  it("sends a double review whose reviewers disagree to an adjudicator who is neither of them", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    const double: Hold = { ...hold, requiredVerdicts: 2, doubleReview: true };

    // Act
    const next = await settle(w.steps, {
      ...double,
      verdict: { verdicts: [verdict("alice", "deny"), verdict("bob", "approve")] },
    });

    // Assert
    expect(next).toMatchObject({
      next: "hold",
      queue: "default.adjudication",
      requiredVerdicts: 1,
      adjudication: true,
      round: 2,
    });
    expect(w.decisions.items.get("d-1")?.status).toBe("held");
  });

  it("corrects an automated outcome that an audit found wrong and announces the change", async () => {
    // Arrange
    const w = await reviewWorld({
      arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.5, auditRate: 1 } }],
    });
    const { hold } = await w.hold({ decisionId: "d-1", prediction: { label: "approve", confidence: 0.9 } });

    // Act
    await settle(w.steps, { ...hold, verdict: { verdicts: [verdict("alice", "deny")] } });

    // Assert
    expect(hold.kind).toBe("audit");
    expect(w.decisions.items.get("d-1")).toMatchObject({
      status: "automated",
      outcome: "deny",
      outcomeSource: "reviewer",
    });
    expect(w.notify.outcomes).toMatchObject([
      { type: "decision.outcome-changed", outcome: "deny", previousOutcome: "approve" },
    ]);
    expect(w.feedback.records[0]?.source).toBe("audit");
  });

  it("leaves a correct automated outcome alone after an audit", async () => {
    // Arrange
    const w = await reviewWorld({
      arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.5, auditRate: 1 } }],
    });
    const { hold } = await w.hold({ decisionId: "d-1", prediction: { label: "approve", confidence: 0.9 } });

    // Act
    await settle(w.steps, { ...hold, verdict: { verdicts: [verdict("alice", "approve")] } });

    // Assert
    expect(w.notify.outcomes).toEqual([]);
    expect(w.log.changes().added.find((e) => e.type === "decision.outcome")).toMatchObject({
      audited: true,
      correct: true,
    });
  });
});

describe("agreement data", () => {
  it("keeps the two independent labels of a double review after an adjudicator settles it", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    const adjudication: Hold = { ...hold, round: 2, requiredVerdicts: 1, adjudication: true };
    await w.enqueue(adjudication);
    const history = [verdict("alice", "deny", 1), verdict("bob", "approve", 1), verdict("carol", "deny", 2)];

    // Act
    await settle(w.steps, { ...adjudication, verdict: { verdicts: history } });

    // Assert
    expect(w.decisions.items.get("d-1")?.outcome).toBe("deny");
    expect(w.log.changes().added.find((e) => e.type === "decision.outcome")).toMatchObject({
      pair: ["deny", "approve"],
    });
  });
});

describe("adaptive overlap", () => {
  const multi = (hold: Hold): Hold => ({
    ...hold,
    requiredVerdicts: 2,
    doubleReview: true,
    reviewsPerItem: 2,
    maxReviewsPerItem: 3,
  });

  it("adds one more blind review when the first disagree, then settles on the majority", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    const first = [verdict("alice", "deny"), verdict("bob", "approve")];

    // Act
    const extra = await settle(w.steps, { ...multi(hold), verdict: { verdicts: first } });
    await w.enqueue(extra);
    const stored = await w.reviews.get(hold.reviewId);
    const done = await settle(w.steps, {
      ...extra,
      verdict: { verdicts: [...first, { ...verdict("carol", "deny", 2), extra: true }] },
    });

    // Assert
    expect(extra).toMatchObject({
      next: "hold",
      queue: "default",
      requiredVerdicts: 1,
      extraReview: true,
      round: 2,
    });
    expect(stored).toMatchObject({ extraReview: true, excludedReviewers: ["alice", "bob"] });
    expect(done.next).toBe("done");
    expect(w.decisions.items.get("d-1")).toMatchObject({ status: "decided", outcome: "deny" });
  });

  it("goes to adjudication when the cap is reached without a majority", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    const three = [
      verdict("alice", "deny"),
      verdict("bob", "approve"),
      { ...verdict("carol", "escalate", 2), extra: true },
    ];

    // Act
    const next = await settle(w.steps, {
      ...multi(hold),
      round: 2,
      extraReview: true,
      requiredVerdicts: 1,
      verdict: { verdicts: three },
    });

    // Assert
    expect(next).toMatchObject({ queue: "default.adjudication", adjudication: true, extraReview: false });
  });
});

import { describe, expect, it } from "vitest";
import {
  claimNext,
  extendLease,
  getReview,
  queueStats,
  release,
  submitVerdict,
} from "../../../core/review/desk";
import { showsPrediction } from "../../../core/review/view";
import { experiment } from "../../support/experiments";
import { reviewer, reviewWorld } from "../../support/review-world";

const alice = reviewer("alice");
const bob = reviewer("bob");

describe("claiming held items", () => {
  it("gives the most valuable and urgent item first", async () => {
    // Arrange
    const w = await reviewWorld();
    await w.hold({ decisionId: "small", item: { amount: 10 } });
    await w.hold({ decisionId: "large", item: { amount: 500_000 } });

    // Act
    const first = await claimNext(w.desk, alice, "default");

    // Assert
    expect(first?.decisionId).toBe("large");
  });

  it("never gives the same item to two reviewers racing for it", async () => {
    // Arrange
    const w = await reviewWorld();
    for (let i = 0; i < 5; i++) await w.hold({ decisionId: `d-${i}` });
    const reviewers = Array.from({ length: 16 }, (_, i) => reviewer(`r-${i}`));

    // Act
    const claims = await Promise.all(reviewers.map((r) => claimNext(w.desk, r, "default")));

    // Assert
    const got = claims.filter((c) => c !== undefined).map((c) => c.reviewId);
    expect(got).toHaveLength(5);
    expect(new Set(got).size).toBe(5);
  });

  it("refuses a queue the reviewer is not entitled to and changes nothing", async () => {
    // Arrange
    const w = await reviewWorld();
    await w.hold({ decisionId: "d-1" });
    const before = structuredClone([...w.reviews.items.values()]);

    // Act
    const attempt = claimNext(w.desk, reviewer("carol", ["high-value"]), "default");

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 403, code: "queue_forbidden" });
    expect([...w.reviews.items.values()]).toEqual(before);
  });

  it("claims only the asked experiment's items from a queue other experiments share", async () => {
    // Arrange: the other experiment's items are the more urgent ones
    const w = await reviewWorld();
    await w.experiments.save(experiment({ id: "demo" }));
    for (let i = 0; i < 30; i++) await w.hold({ decisionId: `urgent-${i}`, item: { amount: 500_000 } });
    const { hold: demo } = await w.hold({ experimentId: "demo", decisionId: "demo-1", item: { amount: 10 } });

    // Act
    const filtered = await claimNext(w.desk, alice, "default", { experimentId: "demo" });
    const unfiltered = await claimNext(w.desk, bob, "default");
    const none = await claimNext(w.desk, alice, "default", { experimentId: "demo" });

    // Assert
    expect(filtered?.reviewId).toBe(demo.reviewId);
    expect(unfiltered?.experimentId).toBe(w.exp.id);
    expect(none).toBeUndefined();
  });

  it("sends a heartbeat so the new lease gets the full heartbeat period", async () => {
    // Arrange
    const w = await reviewWorld();
    const { token } = await w.hold({ decisionId: "d-1" });

    // Act
    await claimNext(w.desk, alice, "default");

    // Assert
    expect(w.workflow.heartbeats).toEqual([token]);
  });

  it("skips an item whose hold closed meanwhile", async () => {
    // Arrange
    const w = await reviewWorld();
    const { token } = await w.hold({ decisionId: "d-1" });
    w.workflow.closed.add(token);

    // Act
    const item = await claimNext(w.desk, alice, "default");

    // Assert
    expect(item).toBeUndefined();
  });
});

describe("the context handoff", () => {
  it("shows the item, prediction, reasons and deadline but never the task token", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({
      decisionId: "d-1",
      prediction: { label: "deny", confidence: 0.4, alternatives: [{ label: "approve", confidence: 0.35 }] },
    });
    await claimNext(w.desk, alice, "default");

    // Act
    const handoff = await getReview(w.desk, alice, hold.reviewId);

    // Assert
    expect(JSON.stringify(handoff)).not.toContain("token-");
    expect(handoff.yours).toBe(true);
    expect(handoff.review.context.prediction?.alternatives).toEqual([{ label: "approve", confidence: 0.35 }]);
    expect(handoff.review.reasons).toEqual([w.decisions.items.get("d-1")?.reason]);
    expect(handoff.review.reasons[0]).toMatch(/^confidence 0.4 < 0\.\d+$/);
    expect(handoff.review.deadline).toBe(hold.deadline);
    expect(handoff.history.map((e) => e.action)).toEqual(["enqueued", "claimed"]);
  });

  it("answers 404 for an unknown review id", async () => {
    const w = await reviewWorld();
    await expect(getReview(w.desk, alice, "rv-nope")).rejects.toMatchObject({ status: 404 });
  });
});

describe("verdicts", () => {
  it("resumes the workflow with the lease holder's verdict", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold, token } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");

    // Act
    const result = await submitVerdict(w.desk, alice, hold.reviewId, { label: "deny", handlingSeconds: 42 });

    // Assert
    expect(result.status).toBe("recorded");
    expect(w.workflow.succeeded.get(token)).toMatchObject({
      verdicts: [{ reviewer: "alice", label: "deny", handlingSeconds: 42 }],
    });
    expect(w.log.changes().added.filter((e) => e.type === "review.verdict")).toHaveLength(1);
  });

  it("refuses a verdict that would push the review item past DynamoDB's 400 KB, changing nothing", async () => {
    // Arrange: a large item that earlier rounds' long notes have filled up
    const w = await reviewWorld();
    const { hold } = await w.hold({
      decisionId: "d-1",
      item: { topic: "billing", blob: "x".repeat(250_000) },
    });
    await claimNext(w.desk, alice, "default");
    const stored = w.reviews.items.get(hold.reviewId);
    if (!stored) throw new Error("the held item is not stored");
    const earlier = {
      reviewer: "earlier",
      label: "approve",
      notes: "n".repeat(4000),
      handlingSeconds: 1,
      at: stored.enqueuedAt,
      tier: stored.tier,
      round: 0,
      claimedAt: stored.enqueuedAt,
      price: { hourlyRateUsd: 30 },
    };
    stored.verdicts = Array.from({ length: 40 }, (_, i) => ({ ...earlier, reviewer: `earlier-${i}` }));
    const before = structuredClone(stored);

    // Act
    const attempt = submitVerdict(w.desk, alice, hold.reviewId, { label: "deny", notes: "one more" });

    // Assert
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      code: "validation_failed",
      message: expect.stringMatching(/take \d+ bytes as DynamoDB counts them; at most 407552 fit/),
    });
    expect(w.reviews.items.get(hold.reviewId)).toEqual(before);
    expect(w.workflow.succeeded.size).toBe(0);
  });

  it("refuses a verdict without a lease and changes nothing", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    const before = structuredClone(w.reviews.items.get(hold.reviewId));

    // Act
    const attempt = submitVerdict(w.desk, alice, hold.reviewId, { label: "deny" });

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 409, code: "no_lease" });
    expect(w.reviews.items.get(hold.reviewId)).toEqual(before);
    expect(w.workflow.succeeded.size).toBe(0);
  });

  it("refuses a verdict for an item another reviewer holds", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");

    // Act
    const attempt = submitVerdict(w.desk, bob, hold.reviewId, { label: "deny" });

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 403, code: "held_by_another" });
    expect(w.workflow.succeeded.size).toBe(0);
  });

  it("refuses a label the experiment does not allow, naming the allowed ones", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");

    // Act
    const attempt = submitVerdict(w.desk, alice, hold.reviewId, { label: "maybe" });

    // Assert
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      code: "label_not_allowed",
      message: 'label "maybe" is not allowed for this item; choose one of approve, deny, escalate',
    });
  });

  it("answers a repeated verdict with the first and refuses a different second label", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");
    const first = await submitVerdict(w.desk, alice, hold.reviewId, { label: "deny" });

    // Act
    const again = await submitVerdict(w.desk, alice, hold.reviewId, { label: "deny" });
    const other = submitVerdict(w.desk, alice, hold.reviewId, { label: "approve" });

    // Assert
    expect(again).toEqual({ ...first, replayed: true });
    await expect(other).rejects.toMatchObject({ status: 409, code: "verdict_exists" });
    expect(w.log.changes().added.filter((e) => e.type === "review.verdict")).toHaveLength(1);
  });

  it("gets 409 when the item escalated before the verdict arrived, and changes nothing", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold, token } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");
    w.workflow.closed.add(token);
    const before = structuredClone(w.reviews.items.get(hold.reviewId));

    // Act
    const attempt = submitVerdict(w.desk, alice, hold.reviewId, { label: "deny" });

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 409, code: "hold_closed" });
    expect(w.reviews.items.get(hold.reviewId)).toEqual(before);
  });

  it("refuses a verdict after the lease ran out", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");
    w.clock.advance(301);

    // Act
    const attempt = submitVerdict(w.desk, alice, hold.reviewId, { label: "deny" });

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 409, code: "lease_expired" });
  });
});

describe("double review", () => {
  it("collects two independent verdicts before resuming, hiding the first from the second reviewer", async () => {
    // Arrange
    const w = await reviewWorld({
      arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.95, doubleReviewRate: 1 } }],
    });
    const { hold, token } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");
    const first = await submitVerdict(w.desk, alice, hold.reviewId, { label: "deny" });

    // Act
    const bobsItem = await claimNext(w.desk, bob, "default");
    const bobsView = await getReview(w.desk, bob, hold.reviewId);
    const alicesSecondClaim = await claimNext(w.desk, alice, "default");
    const second = await submitVerdict(w.desk, bob, hold.reviewId, { label: "approve" });

    // Assert
    expect(first.status).toBe("waiting-for-second-review");
    expect(bobsItem?.reviewId).toBe(hold.reviewId);
    expect(bobsView.review.verdicts).toEqual([]);
    expect(alicesSecondClaim).toBeUndefined();
    expect(second.status).toBe("recorded");
    expect(w.workflow.succeeded.get(token)).toMatchObject({
      verdicts: [
        { reviewer: "alice", label: "deny" },
        { reviewer: "bob", label: "approve" },
      ],
    });
  });
});

describe("release, lease extension and queue statistics", () => {
  it("puts a released item back in its queue for the next reviewer", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");

    // Act
    await release(w.desk, alice, hold.reviewId);
    const next = await claimNext(w.desk, bob, "default");

    // Assert
    expect(next?.reviewId).toBe(hold.reviewId);
    expect(w.audit.entries.map((e) => e.action)).toContain("released");
  });

  it("does not give a released item straight back to the reviewer who released it while others wait", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold: urgent } = await w.hold({ decisionId: "large", item: { amount: 500_000 } });
    const { hold: other } = await w.hold({ decisionId: "small", item: { amount: 10 } });
    await claimNext(w.desk, alice, "default");
    await release(w.desk, alice, urgent.reviewId);

    // Act
    const alicesNext = await claimNext(w.desk, alice, "default");
    const bobsNext = await claimNext(w.desk, bob, "default");

    // Assert
    expect(alicesNext?.reviewId).toBe(other.reviewId);
    expect(bobsNext?.reviewId).toBe(urgent.reviewId);
  });

  it("gives a released item back to the reviewer who released it once nothing else is pending", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");
    await release(w.desk, alice, hold.reviewId);

    // Act
    const again = await claimNext(w.desk, alice, "default");

    // Assert
    expect(again?.reviewId).toBe(hold.reviewId);
    expect(w.reviews.items.get(hold.reviewId)?.releasedBy).toEqual(["alice"]);
  });

  it("extends a lease by its length and sends a heartbeat", async () => {
    // Arrange
    const w = await reviewWorld();
    const { hold, token } = await w.hold({ decisionId: "d-1" });
    await claimNext(w.desk, alice, "default");
    w.clock.advance(200);

    // Act
    const { leaseUntil } = await extendLease(w.desk, alice, hold.reviewId);

    // Assert
    expect(leaseUntil).toBe(new Date(w.clock.now().getTime() + 300_000).toISOString());
    expect(w.workflow.heartbeats).toEqual([token, token]);
  });

  it("reports depth, oldest age and items near or past their SLA per visible queue", async () => {
    // Arrange
    const w = await reviewWorld();
    await w.hold({ decisionId: "d-1" });
    w.clock.advance(3000);
    await w.hold({ decisionId: "d-2" });
    w.clock.advance(700);

    // Act
    const stats = await queueStats(w.desk, alice);

    // Assert
    expect(stats).toEqual([{ queue: "default", depth: 2, oldestAgeSeconds: 3700, nearSla: 0, pastSla: 1 }]);
  });
});

describe("pricing verdicts", () => {
  it("prices an audit verdict at the first tier's hourly rate, not at zero", async () => {
    // Arrange
    const w = await reviewWorld({
      arms: [
        {
          id: "conservative",
          weight: 1,
          policy: {
            autoAcceptAbove: 0.5,
            auditRate: 1,
            sla: { tiers: [{ name: "tier-1", slaSeconds: 60, hourlyRateUsd: 42 }] },
          },
        },
      ],
    });
    const { hold } = await w.hold({ decisionId: "d-1", prediction: { label: "approve", confidence: 0.9 } });
    await claimNext(w.desk, alice, "audit");

    // Act
    await submitVerdict(w.desk, alice, hold.reviewId, { label: "approve", handlingSeconds: 30 });

    // Assert
    expect(hold.kind).toBe("audit");
    expect(w.log.changes().added.find((e) => e.type === "review.verdict")).toMatchObject({
      tier: "audit",
      hourlyRateUsd: 42,
    });
  });
});

describe("what a reviewer is shown, against anchoring", () => {
  it("hides the model's prediction where the policy says so, and shows the labels in the reviewer's own order", async () => {
    // Arrange
    const w = await reviewWorld({
      arms: [
        {
          id: "conservative",
          weight: 1,
          policy: { autoAcceptAbove: 0.95, alwaysHumanTopics: ["legal"], showPrediction: false },
        },
      ],
    });
    const { hold } = await w.hold({ decisionId: "d-hidden" });
    const alice = reviewer("alice");

    // Act
    const seenByAlice = await getReview(w.desk, alice, hold.reviewId);
    const orders = await Promise.all(
      ["r-1", "r-2", "r-3", "r-4", "r-5", "r-6"].map(
        async (id) => (await getReview(w.desk, reviewer(id), hold.reviewId)).labelOrder,
      ),
    );
    const again = await getReview(w.desk, alice, hold.reviewId);

    // Assert
    expect(seenByAlice.review.context.prediction).toBeUndefined();
    expect(seenByAlice.review.predictionHidden).toBe(true);
    expect(JSON.stringify(seenByAlice.review)).not.toContain('"approve","confidence"');
    expect([...seenByAlice.labelOrder].sort()).toEqual([...w.exp.labels].sort());
    expect(again.labelOrder).toEqual(seenByAlice.labelOrder);
    expect(new Set(orders.map((o) => o.join())).size).toBeGreaterThan(1);
  });

  it("hides the prediction from audits by default and keeps ordered labels on their scale", async () => {
    // Arrange
    const w = await reviewWorld({ orderedLabels: true, labels: ["low", "mid", "high"] });
    const { hold } = await w.hold({ decisionId: "d-scale", prediction: { label: "low", confidence: 0.5 } });

    // Act
    const shown = await getReview(w.desk, reviewer("zed"), hold.reviewId);

    // Assert
    expect(shown.labelOrder).toEqual(["low", "mid", "high"]);
    expect(showsPrediction({ kind: "audit", arm: "conservative" }, w.exp)).toBe(false);
    expect(showsPrediction({ kind: "review", arm: "conservative" }, w.exp)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import { REVIEWERS_SCOPE } from "../../../core/metrics/events";
import { getReview } from "../../../core/review/desk";
import {
  claim,
  heartbeatAny,
  type ReviewerDeskDeps,
  releaseAny,
  verdict,
} from "../../../core/reviewers/desk";
import { addGold } from "../../../core/reviewers/gold-upload";
import { reviewerQueueStats } from "../../../core/reviewers/queue-stats";
import { sendForReReview } from "../../../core/reviewers/re-review";
import { changeStanding } from "../../../core/reviewers/standing";
import { reviewer, reviewWorld } from "../../support/review-world";
import {
  MemoryGold,
  MemoryLapsedLeases,
  MemoryReReviewWrites,
  MemoryReviewerStates,
} from "../../support/reviewer-memory";

const QUEUE = "default";

const goldLines = (n: number, label = "deny") =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      goldId: `g-${i}`,
      item: { claimId: `c-${i}`, amount: 100 + i },
      prediction: { label: "approve", confidence: 0.6 },
      label,
      explanation: `case ${i}`,
    }),
  ).join("\n");

async function world(gold: Record<string, unknown>, held = 5) {
  const w = await reviewWorld({ queues: { [QUEUE]: { gold } } });
  const goldStore = new MemoryGold();
  const states = new MemoryReviewerStates(w.reviews, goldStore);
  w.absorbShadow = (queue) => goldStore.absorbShadow(queue);
  let ids = 0;
  const deps: ReviewerDeskDeps = {
    ...w.desk,
    gold: goldStore,
    states,
    reReviewWrites: new MemoryReReviewWrites(w.reviews),
    leases: new MemoryLapsedLeases(w.reviews),
    listExperiments: () => w.experiments.list(),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, "0")}`,
  };
  await addGold(deps, QUEUE, goldLines(30), { actor: "admin-1" });
  // Real work waiting in the queue (gold is served only while there is some).
  // A minute apart, so the queue's ages tell which item a claim took.
  for (let i = 0; i < held; i++) {
    await w.hold({ decisionId: `d-${i}`, unitId: `u-${i}` });
    w.clock.advance(60);
  }
  deps.reReview = (who, queue, window, reason) =>
    sendForReReview(
      {
        search: {
          decidedBy: async (r) =>
            [...w.reviews.items.values()].filter(
              (i) => !i.gold && !i.reReview && i.verdicts.some((v) => v.reviewer === r),
            ),
        },
        reviews: w.reviews,
        audit: w.audit,
        now: w.clock.now,
      },
      who,
      queue,
      window,
      reason,
    );
  return { w, deps, states };
}

describe("gold items in the claim path", () => {
  it("serves a new reviewer's first claims from the gold pool, shaped like a held item", async () => {
    // Arrange
    const { w, deps } = await world({ rate: 0, firstItems: 2 });
    const alice = reviewer("alice");

    // Act
    const first = await claim(deps, alice, QUEUE);
    const second = await claim(deps, alice, QUEUE);
    const third = await claim(deps, alice, QUEUE);

    // Assert
    expect([first?.gold, second?.gold, third?.gold].map(Boolean)).toEqual([true, true, false]);
    const goldView = (await getReview(deps, alice, first?.reviewId ?? "")).review;
    const realView = (await getReview(deps, alice, third?.reviewId ?? "")).review;
    expect(goldView.reviewId).toMatch(/^rv-[0-9a-f]{24}$/);
    expect(Object.keys(goldView).sort()).toEqual(Object.keys(realView).sort());
    expect(JSON.stringify(goldView)).not.toContain("case 0");
    expect(goldView.experimentId).toBe(w.exp.id);
  });

  it("records a gold verdict as a reviewer fact only: no workflow, outcome, feedback or experiment count", async () => {
    // Arrange
    const { w, deps } = await world({ rate: 0, firstItems: 1 });
    const alice = reviewer("alice");
    const served = await claim(deps, alice, QUEUE);

    // Act
    const result = await verdict(deps, alice, served?.reviewId ?? "", { label: "deny" });

    // Assert
    expect(result).toMatchObject({ status: "recorded", explanation: expect.stringMatching(/^case /) });
    expect(w.workflow.succeeded.size).toBe(0);
    expect(w.notify.outcomes).toEqual([]);
    expect(w.notify.feedbacks).toEqual([]);
    expect(w.feedback.records).toEqual([]);
    const counted = w.log.changes().added;
    const goldEvents = counted.filter((e) => "reviewId" in e && e.reviewId === served?.reviewId);
    expect(goldEvents).toEqual([]);
    const live = w.log.liveCounters({ reviewers: true });
    expect(live.get("default|alice")).toMatchObject({ gold: 1, goldCorrect: 1 });
    expect(counted.filter((e) => e.experimentId === REVIEWERS_SCOPE).length).toBeGreaterThan(0);
  });

  it("never serves one gold item twice to a reviewer, and releases it out of every queue", async () => {
    // Arrange
    const { w, deps } = await world({ rate: 1, firstItems: 0 });
    const alice = reviewer("alice");
    const bob = reviewer("bob");
    const first = await claim(deps, alice, QUEUE);

    // Act
    await releaseAny(deps, alice, first?.reviewId ?? "");
    const served = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const next = await claim(deps, alice, QUEUE);
      if (next?.gold) served.add(next.gold.goldId);
      await releaseAny(deps, alice, next?.reviewId ?? "");
    }
    const bobs = await claim(deps, bob, QUEUE);

    // Assert
    expect(served.size).toBe(5);
    expect(served.has(first?.gold?.goldId ?? "")).toBe(false);
    expect(bobs?.reviewId).not.toBe(first?.reviewId);
    expect((await w.reviews.get(first?.reviewId ?? ""))?.pendingQueue).toBeUndefined();
  });
});

describe("qualification on gold", () => {
  it("pauses a reviewer below the minimum, refuses their claims with the reason, and audits it", async () => {
    // Arrange
    const { w, deps } = await world({ rate: 1, firstItems: 0, minAccuracy: 0.6, minGoldItems: 8 });
    const weak = reviewer("weak");

    // Act: every gold answer wrong
    for (let i = 0; i < 8; i++) {
      const served = await claim(deps, weak, QUEUE);
      await verdict(deps, weak, served?.reviewId ?? "", { label: "approve" });
    }
    const refused = await claim(deps, weak, QUEUE).catch((error: unknown) => error);

    // Assert
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ status: 403, code: "reviewer_paused" });
    expect((refused as Error).message).toMatch(/0 of 8 right.*reinstate/);
    const entry = w.audit.entries.find((e) => e.action === "qualification");
    expect(entry).toMatchObject({
      entity: "reviewer#default#weak",
      actor: "system",
      detail: { from: "qualifying", to: "paused" },
    });
  });

  it("lets an admin reinstate a paused reviewer, who claims again and is judged afresh", async () => {
    // Arrange
    const { w, deps, states } = await world({ rate: 0.01, firstItems: 0, minAccuracy: 0.6, minGoldItems: 8 });
    await changeStanding(deps, "admin-1", "carol", { queue: QUEUE, note: "spot check" }, "pause");

    // Act
    const reinstated = await changeStanding(
      deps,
      "admin-1",
      "carol",
      { queue: QUEUE, note: "retrained" },
      "reinstate",
    );
    const next = await claim(deps, reviewer("carol"), QUEUE);

    // Assert
    expect(reinstated).toMatchObject({ status: "qualifying", gold: 0, changedBy: "admin-1" });
    expect(next).toBeDefined();
    expect((await states.get(QUEUE, "carol"))?.qualification.status).toBe("qualifying");
    expect(w.audit.entries.filter((e) => e.action === "qualification").map((e) => e.detail?.to)).toEqual([
      "paused",
      "qualifying",
    ]);
  });

  it("refuses a reinstatement of a reviewer who is not paused with 409", async () => {
    // Arrange
    const { deps } = await world({ rate: 0.01, firstItems: 0, minAccuracy: 0.6, minGoldItems: 8 });

    // Act
    const refused = await changeStanding(
      deps,
      "admin-1",
      "dave",
      { queue: QUEUE, note: "x" },
      "reinstate",
    ).catch((error: unknown) => error);

    // Assert
    expect(refused).toMatchObject({ status: 409, code: "not_paused" });
  });
});

describe("re-review after a pause", () => {
  it("queues a second review of each real verdict since the evaluation began, for anyone but the paused reviewer", async () => {
    // Arrange: the weak reviewer answers every item, gold wrong
    const { w, deps } = await world(
      { rate: 0.5, firstItems: 0, minAccuracy: 0.6, minGoldItems: 8, reReviewWhenPaused: true },
      30,
    );
    const weak = reviewer("weak");
    const real: string[] = [];
    for (let i = 0; i < 40; i++) {
      const next = await claim(deps, weak, QUEUE).catch(() => undefined);
      if (!next) break;
      w.clock.advance(10);
      if (!next.gold) real.push(next.reviewId);
      await verdict(deps, weak, next.reviewId, { label: next.gold ? "approve" : "deny" });
    }

    // Act: another reviewer works the queue
    const second: string[] = [];
    for (;;) {
      const next = await claim(deps, reviewer("good"), QUEUE);
      if (!next) break;
      if (next.reReview) second.push(next.reReview.reviewId);
      await verdict(deps, reviewer("good"), next.reviewId, { label: next.gold?.label ?? "approve" });
    }

    // Assert
    expect(real.length).toBeGreaterThan(0);
    expect(second.sort()).toEqual([...real].sort());
    const results = w.audit.entries.filter((e) => e.action === "re-review" && e.detail?.stage === "reviewed");
    expect(results).toHaveLength(real.length);
    expect(results[0]?.detail).toMatchObject({
      reviewer: "weak",
      label: "deny",
      secondLabel: "approve",
      agrees: false,
    });
    const pause = w.audit.entries.find((e) => e.action === "qualification" && e.detail?.to === "paused");
    expect(pause?.detail?.reReviewed).toBe(real.length);
  });
});

describe("gold uploads", () => {
  it("stores nothing and names every bad line's field when one line is wrong", async () => {
    // Arrange
    const { deps } = await world({ rate: 0, firstItems: 0 });
    const before = (await deps.gold.pool(QUEUE)).ids.length;
    const bad = `${goldLines(1)}\n{"item":{},"prediction":{"label":"approve","confidence":2},"label":"maybe"}`;

    // Act
    const refused = await addGold(deps, QUEUE, bad, { actor: "admin-1" }).catch((error: unknown) => error);

    // Assert
    expect(refused).toMatchObject({ status: 400, code: "validation_failed" });
    expect((refused as DomainError).details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "line 2: prediction.confidence" })]),
    );
    expect((await deps.gold.pool(QUEUE)).ids.length).toBe(before);
  });
});

describe("a gold or re-review claim whose lease lapses", () => {
  const LEASE_SECONDS = 300;

  it("returns a gold item to its queue at the next claim, where it is served again and counted as an expired lease once", async () => {
    // Arrange: alice's first claim is gold; she walks away from it
    const { w, deps } = await world({ rate: 0, firstItems: 1 }, 2);
    const alice = reviewer("alice");
    const gold = await claim(deps, alice, QUEUE);
    w.clock.advance(LEASE_SECONDS + 1);

    // Act: her next claims take what is pending, the gold item among it
    const claimed = [];
    for (let i = 0; i < 3; i++) claimed.push(await claim(deps, alice, QUEUE));
    const again = claimed.find((c) => c?.reviewId === gold?.reviewId);
    const answer = await verdict(deps, alice, gold?.reviewId ?? "", { label: "deny" });

    // Assert
    expect(gold?.gold).toBeDefined();
    expect(again?.round).toBe(2);
    expect(answer.status).toBe("recorded");
    const item = w.reviews.items.get(gold?.reviewId ?? "");
    expect(item?.leaseExpiries).toEqual([{ round: 1, reviewer: "alice", at: expect.any(String) }]);
    expect(item?.leaseQueue).toBeUndefined();
    const live = w.log.liveCounters({ reviewers: true });
    expect(live.get("default|alice")).toMatchObject({ leaseExpiries: 1, gold: 1, goldCorrect: 1 });
    expect(w.audit.entries.filter((e) => e.action === "lease-expired")).toHaveLength(1);
  });

  it("keeps a gold claim whose holder sent a heartbeat in time", async () => {
    // Arrange
    const { w, deps } = await world({ rate: 0, firstItems: 1 }, 2);
    const alice = reviewer("alice");
    const gold = await claim(deps, alice, QUEUE);
    w.clock.advance(LEASE_SECONDS - 10);
    await heartbeatAny(deps, alice, gold?.reviewId ?? "");
    w.clock.advance(20);

    // Act
    await claim(deps, reviewer("bob"), QUEUE);

    // Assert
    expect(w.reviews.items.get(gold?.reviewId ?? "")).toMatchObject({
      status: "claimed",
      leaseHolder: "alice",
    });
  });

  it("returns a re-review item to its queue for anyone but the paused reviewer", async () => {
    // Arrange: the weak reviewer's verdicts go for a second review, which bob claims and abandons
    const { w, deps } = await world(
      { rate: 0.001, firstItems: 0, minAccuracy: 0.6, minGoldItems: 20, reReviewWhenPaused: true },
      1,
    );
    const weak = reviewer("weak");
    const real = await claim(deps, weak, QUEUE);
    w.clock.advance(10);
    await verdict(deps, weak, real?.reviewId ?? "", { label: "deny" });
    w.clock.advance(10);
    await changeStanding(deps, "admin-1", "weak", { queue: QUEUE, note: "spot check" }, "pause");
    const second = await claim(deps, reviewer("bob"), QUEUE);
    w.clock.advance(LEASE_SECONDS + 1);

    // Act
    const byCarol = await claim(deps, reviewer("carol"), QUEUE);

    // Assert
    expect(second?.reReview).toBeDefined();
    expect(byCarol?.reviewId).toBe(second?.reviewId);
    expect(w.reviews.items.get(second?.reviewId ?? "")?.leaseExpiries).toEqual([
      { round: 1, reviewer: "bob", at: expect.any(String) },
    ]);
  });

  it("does not serve a returned gold item alone: an answer from an empty queue would give it away", async () => {
    // Arrange: alice takes the gold item and the only real item, then lets the gold lease lapse
    const { w, deps } = await world({ rate: 0, firstItems: 1 }, 1);
    const alice = reviewer("alice");
    const gold = await claim(deps, alice, QUEUE);
    const real = await claim(deps, alice, QUEUE);
    await verdict(deps, alice, real?.reviewId ?? "", { label: "deny" });
    w.clock.advance(LEASE_SECONDS + 1);

    // Act
    const next = await claim(deps, reviewer("bob"), QUEUE);

    // Assert
    expect(gold?.gold).toBeDefined();
    expect(w.reviews.items.get(gold?.reviewId ?? "")?.status).toBe("pending");
    expect(next).toBeUndefined();
  });
});

describe("queue statistics with gold", () => {
  const statsOf = async (deps: ReviewerDeskDeps) =>
    (await reviewerQueueStats(deps, reviewer("someone"))).find((q) => q.queue === QUEUE);

  it("drop by the best item on a gold claim, exactly as on a real claim", async () => {
    // Arrange: three real items a minute apart; alice's first claim is gold, her second real
    const { deps } = await world({ rate: 0, firstItems: 1 }, 3);
    const before = await statsOf(deps);

    // Act
    const gold = await claim(deps, reviewer("alice"), QUEUE);
    const afterGold = await statsOf(deps);
    const real = await claim(deps, reviewer("alice"), QUEUE);
    const afterReal = await statsOf(deps);

    // Assert
    expect(gold?.gold).toBeDefined();
    expect(real?.gold).toBeUndefined();
    expect([before?.depth, afterGold?.depth, afterReal?.depth]).toEqual([3, 2, 1]);
    // The oldest (and most urgent) item is what a claim takes: the ages move the same way.
    expect([before?.oldestAgeSeconds, afterGold?.oldestAgeSeconds, afterReal?.oldestAgeSeconds]).toEqual([
      180, 120, 60,
    ]);
  });

  it("show every pending item again once a real item has entered the queue", async () => {
    // Arrange
    const { w, deps } = await world({ rate: 0, firstItems: 1 }, 2);
    await claim(deps, reviewer("alice"), QUEUE);
    const shadowed = await statsOf(deps);

    // Act
    await w.hold({ decisionId: "d-new", unitId: "u-new" });

    // Assert
    expect(shadowed?.depth).toBe(1);
    expect((await statsOf(deps))?.depth).toBe(3);
    expect(await deps.gold.shadows([QUEUE])).toEqual(new Map());
  });
});

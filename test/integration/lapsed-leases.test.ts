import { describe, expect, it } from "vitest";
import { call, cloud, createExperiment, eventually, uid } from "./support";

const LEASE_SECONDS = 10;

interface Claimed {
  review: { reviewId: string; round: number; context: { item: { case: number } } } | null;
}

async function uploadGold(queue: string, experimentId: string, lines: readonly unknown[]) {
  const response = await fetch(
    new URL(`/v1/queues/${queue}/gold?experimentId=${experimentId}`, cloud.apiUrl),
    {
      method: "POST",
      headers: { authorization: `Bearer ${cloud.tokens.admin}`, "content-type": "application/x-ndjson" },
      body: lines.map((l) => JSON.stringify(l)).join("\n"),
    },
  );
  return response.status;
}

describe("a gold claim whose lease lapses, on the local cloud", () => {
  it("returns to the queue at the next claim, is served again, and counts one expired lease", async () => {
    // Arrange: a queue whose first claim per reviewer is gold, a short lease, one real item waiting
    const queue = uid("lapsed");
    const policy = (autoAcceptAbove: number) => ({
      autoAcceptAbove,
      queue,
      alwaysHumanTopics: ["legal"],
      sla: {
        tiers: [{ name: "tier-1", slaSeconds: 3600 }],
        fallback: { action: "model" },
        heartbeatSeconds: LEASE_SECONDS,
      },
    });
    const experimentId = await createExperiment(
      {
        queues: { [queue]: { gold: { rate: 0, firstItems: 1 } } },
        arms: [
          { id: "conservative", weight: 0.5, policy: policy(0.95) },
          { id: "aggressive", weight: 0.5, policy: policy(0.8) },
        ],
      },
      queue,
    );
    const uploaded = await uploadGold(queue, experimentId, [
      {
        item: { topic: "legal", case: 1000 },
        prediction: { label: "approve", confidence: 0.7 },
        label: "deny",
      },
    ]);
    const real = await call<{ decisionId: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("unit"),
        item: { topic: "legal", case: 1 },
        prediction: { label: "approve", confidence: 0.7 },
      },
    });
    await eventually(
      async () => {
        const queues = await call<{ queues: { queue: string; depth: number }[] }>("GET", "/v1/queues", {
          role: "admin",
        });
        return queues.body.queues.find((q) => q.queue === queue)?.depth === 1 ? true : undefined;
      },
      60_000,
      "the real item in the queue",
    );
    // The reviews API keeps the experiment list (queue settings) 5 s per container
    // (functions/shared/reviewer-desk.ts): a claim sooner might not know this queue's gold yet.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const token = cloud.identities.r5 ?? "";
    const gold = (await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token })).body.review;
    // The lease runs out on the real clock: no heartbeat for longer than it lasts.
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 2) * 1000));

    // Act: the same reviewer's next two claims take what is pending: the real item and the gold one
    const next: NonNullable<Claimed["review"]>[] = [];
    // The real item's own hold also has a 10 s heartbeat: unclaimed, it leaves the queue for a new
    // round now and then, so a claim in that gap finds nothing and the next one is made.
    await eventually(
      async () => {
        const review = (await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token })).body.review;
        if (review && !next.some((r) => r.reviewId === review.reviewId)) next.push(review);
        return next.length >= 2 ? true : undefined;
      },
      30_000,
      "the real item and the gold one claimed",
    );
    const again = next.find((r) => r?.reviewId === gold?.reviewId);
    const answer = await call("POST", `/v1/reviews/${gold?.reviewId}/verdict`, {
      token,
      body: { label: "deny" },
    });

    // Assert
    expect(uploaded).toBe(201);
    expect(gold?.context.item.case).toBe(1000);
    expect(again?.round).toBe(2);
    expect(next.map((r) => r?.context.item.case).sort()).toEqual([1, 1000]);
    expect(answer.status).toBe(200);
    const card = await eventually(
      async () => {
        const page = await call<{
          reviewers: { reviewer: string; queue: string; leaseExpiries: number; gold: { items: number } }[];
        }>("GET", `/v1/reviewers?queue=${queue}`, { role: "admin" });
        const mine = page.body.reviewers.find((r) => r.reviewer === "reviewer-5");
        return mine && mine.gold.items === 1 ? mine : undefined;
      },
      60_000,
      "reviewer-5's scorecard",
    );
    expect(card.leaseExpiries).toBe(1);
    // Nothing of this test goes on after it: the real item, claimed and left, would come back every
    // 10 s for its hour of SLA and write into the next suites' tables.
    const withdrawn = await call("POST", `/v1/decisions/${real.body.decisionId}/withdraw`, {
      role: "producer",
    });
    expect(withdrawn.status).toBe(200);
  }, 180_000);
});

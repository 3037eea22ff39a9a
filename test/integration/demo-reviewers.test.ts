import { describe, expect, it } from "vitest";
import { newTrafficStats, simulateReviewer } from "../../cli/simulate";
import { HitlClient } from "../../client";
import { reviewIdFor } from "../../core/review/hold";
import { LABELS } from "../../core/simulation/model";
import { call, cloud, createExperiment, eventually, uid } from "./support";

interface Review {
  review: { status: string; leaseHolder?: string; verdicts: { reviewer: string }[] } | null;
  history: { action: string }[];
}

/** An experiment whose held items wait in `default` and whose every automated decision is audited. */
const sharingQueues = () =>
  createExperiment({
    labels: [...LABELS],
    arms: [
      {
        id: "conservative",
        weight: 1,
        policy: { autoAcceptAbove: 0.95, alwaysHumanTopics: ["legal"], auditRate: 1, queue: "default" },
      },
    ],
  });

/** One held decision and one audited automated decision of an experiment: their review ids. */
async function heldAndAudited(experimentId: string) {
  const send = async (topic: string, confidence: number) => {
    const decisionId = uid("d");
    const answer = await call<{ route: string; audit: boolean; reviewId?: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("unit"),
        decisionId,
        item: { topic },
        prediction: { label: "approve", confidence },
      },
    });
    return { decisionId, answer: answer.body };
  };
  const held = await send("legal", 0.6);
  const automated = await send("billing", 0.99);
  expect(held.answer.route).toBe("human");
  expect(automated.answer).toMatchObject({ route: "auto", audit: true });
  const ids = [held.answer.reviewId ?? "", reviewIdFor(automated.decisionId, "audit")];
  for (const id of ids)
    await eventually(
      async () => {
        const r = await call<Review>("GET", `/v1/reviews/${id}`, { role: "admin" });
        return r.body.review?.status === "pending" ? true : undefined;
      },
      20_000,
      `review ${id} in its queue`,
    );
  return ids;
}

describe("the demo's simulated reviewers", () => {
  it("decide the demo's items in the queues it shares with another experiment, and never claim the other's", async () => {
    // Arrange: both experiments hold an item in `default` and audit one in the shared `audit` queue
    const demo = await sharingQueues();
    const users = await sharingQueues();
    const demoReviews = await heldAndAudited(demo);
    const usersReviews = await heldAndAudited(users);
    const stop = new AbortController();
    const stats = newTrafficStats();

    // Act
    const working = simulateReviewer(
      new HitlClient({ baseUrl: cloud.apiUrl, token: cloud.identities.r8 ?? "" }),
      { experimentId: demo, queues: ["default", "audit"], thinkSeconds: 0, seed: 8, signal: stop.signal },
      stats,
      new Map(),
    );
    await eventually(
      async () => {
        const states = await Promise.all(
          demoReviews.map((id) => call<Review>("GET", `/v1/reviews/${id}`, { role: "admin" })),
        );
        return states.every((s) => s.body.review?.status === "decided") ? true : undefined;
      },
      30_000,
      "the demo's items decided",
    );
    stop.abort();
    await working;
    const left = await Promise.all(
      usersReviews.map((id) => call<Review>("GET", `/v1/reviews/${id}`, { role: "admin" })),
    );

    // Assert
    expect(stats.reviewed).toBe(2);
    for (const { body } of left) {
      expect(body.review).toMatchObject({ status: "pending", verdicts: [] });
      expect(body.review?.leaseHolder).toBeUndefined();
      expect(body.history.map((h) => h.action)).not.toContain("claimed");
    }
  });
});

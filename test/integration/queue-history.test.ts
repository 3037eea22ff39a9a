import { describe, expect, it } from "vitest";
import { call, cloud, createExperiment, eventually, uid } from "./support";

interface Point {
  at: string;
  depth: number;
  oldestAgeSeconds: number;
  nearSla: number;
  pastSla: number;
}
interface History {
  since: string;
  until: string;
  stepSeconds: number;
  queues: { queue: string; tier: string; points: Point[] }[];
}
interface QueueStat {
  queue: string;
  depth: number;
  nearSla: number;
  pastSla: number;
}

/** Routes a decision to a person and waits until its item waits in its queue. */
async function holdOne(experimentId: string): Promise<string> {
  const answer = await call<{ reviewId: string; route: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("unit"),
      decisionId: uid("d"),
      item: { topic: "legal" },
      prediction: { label: "approve", confidence: 0.9 },
    },
  });
  expect(answer.body.route).toBe("human");
  await eventually(
    async () => {
      const r = await call<{ review: { status: string } | null }>(
        "GET",
        `/v1/reviews/${answer.body.reviewId}`,
        {
          role: "reviewer",
        },
      );
      return r.status === 200 && r.body.review?.status === "pending" ? true : undefined;
    },
    20_000,
    "the held item to reach its queue",
  );
  return answer.body.reviewId;
}

const history = (
  query: Record<string, string>,
  options: { role?: "admin" | "analyst"; token?: string } = {},
) =>
  call<History>("GET", `/v1/queues/history?${new URLSearchParams(query)}`, {
    role: options.role ?? "admin",
    ...(options.token ? { token: options.token } : {}),
  });

const last = (answer: History, queue: string) => answer.queues.find((q) => q.queue === queue)?.points.at(-1);

describe("queue history on the local cloud", () => {
  it("shows items entering a queue, a claim taking one out and a verdict closing it, at the times asked", async () => {
    // Arrange: two items wait; the real clock's times before and after each step.
    const queue = uid("history");
    const experimentId = await createExperiment({}, queue);
    const since = new Date(Date.now() - 60_000).toISOString();
    const held = [await holdOne(experimentId), await holdOne(experimentId)];
    const bothWaiting = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Act
    const claim = await call<{ review: { reviewId: string } | null }>("POST", `/v1/queues/${queue}/claim`, {
      token: cloud.identities.r1,
    });
    const claimed = claim.body.review?.reviewId ?? "";
    const whileClaimed = await history({ queue, since });
    const verdict = await call("POST", `/v1/reviews/${claimed}/verdict`, {
      token: cloud.identities.r1,
      body: { label: "deny", handlingSeconds: 20 },
    });
    expect(verdict.status).toBe(200);
    const decided = await eventually(
      async () => {
        const r = await call<{ review: { status: string } | null }>("GET", `/v1/reviews/${claimed}`, {
          role: "reviewer",
        });
        return r.body.review?.status === "decided" ? true : undefined;
      },
      20_000,
      "the verdict to settle the item",
    );
    const before = await history({ queue, since, until: bothWaiting });
    const now = await history({ queue, since });
    const live = await call<{ queues: QueueStat[] }>("GET", "/v1/queues", { role: "admin" });

    // Assert
    expect(held).toContain(claimed);
    expect(decided).toBe(true);
    expect(whileClaimed.status).toBe(200);
    expect(last(whileClaimed.body, queue)?.depth).toBe(1);
    expect(before.status).toBe(200);
    expect(before.body.stepSeconds).toBe(300);
    expect(before.body.until).toBe(bothWaiting);
    expect(last(before.body, queue)).toMatchObject({ at: bothWaiting, depth: 2, nearSla: 0, pastSla: 0 });
    expect(now.body.queues.map((q) => [q.queue, q.tier])).toEqual([[queue, "tier-1"]]);
    const liveQueue = live.body.queues.find((q) => q.queue === queue);
    expect(liveQueue).toMatchObject({ depth: 1, nearSla: 0, pastSla: 0 });
    expect(last(now.body, queue)).toMatchObject({
      depth: liveQueue?.depth,
      nearSla: liveQueue?.nearSla,
      pastSla: liveQueue?.pastSla,
    });
  });

  it("keeps to the queues a reviewer may see, refuses an analyst and answers 400 naming the field", async () => {
    // Arrange
    const queue = uid("history-seen");
    const experimentId = await createExperiment({}, queue);
    await holdOne(experimentId);

    // Act
    const admin = await history({ queue });
    const other = await history({ queue }, { token: cloud.identities.highValue });
    const analyst = await history({ queue }, { role: "analyst" });
    const badTime = await call<{ error: { code: string; details: { path: string }[] } }>(
      "GET",
      "/v1/queues/history?since=yesterday",
      { role: "admin" },
    );
    const backwards = await call<{ error: { message: string } }>(
      "GET",
      `/v1/queues/history?since=${new Date().toISOString()}&until=${new Date(Date.now() - 3_600_000).toISOString()}`,
      { role: "admin" },
    );

    // Assert
    expect(admin.body.queues.map((q) => q.queue)).toEqual([queue]);
    expect(other).toMatchObject({ status: 200, body: { queues: [] } });
    expect(analyst.status).toBe(403);
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.code).toBe("validation_failed");
    expect(badTime.body.error.details.map((d) => d.path)).toEqual(["since"]);
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toContain("since: must be before until");
  });
});

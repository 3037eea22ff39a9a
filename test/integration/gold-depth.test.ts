import { GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { call, cloud, createExperiment, dynamodb, eventually, nameOf, uid } from "./support";

interface Claimed {
  review: { reviewId: string; context: { item: { case: number } } } | null;
}

const depthOf = async (queue: string) =>
  (
    await call<{ queues: { queue: string; depth: number }[] }>("GET", "/v1/queues", {
      token: cloud.identities.r7 ?? "",
    })
  ).body.queues.find((q) => q.queue === queue)?.depth ?? 0;

describe("gold items and queue depth, on the local cloud", () => {
  it("a gold claim lowers GET /v1/queues' depth as a real claim does; the next real arrival absorbs it", async () => {
    // Arrange: every reviewer's first claim in the queue is gold; three real items wait
    const queue = uid("gold-depth");
    const experimentId = await createExperiment(
      { queues: { [queue]: { gold: { rate: 0, firstItems: 1 } } } },
      queue,
    );
    const upload = await fetch(
      new URL(`/v1/queues/${queue}/gold?experimentId=${experimentId}`, cloud.apiUrl),
      {
        method: "POST",
        headers: { authorization: `Bearer ${cloud.tokens.admin}`, "content-type": "application/x-ndjson" },
        body: JSON.stringify({
          item: { topic: "legal", case: 1000 },
          prediction: { label: "approve", confidence: 0.7 },
          label: "deny",
        }),
      },
    );
    const send = (n: number) =>
      call("POST", "/v1/decisions", {
        role: "producer",
        body: {
          experimentId,
          unitId: uid("unit"),
          item: { topic: "legal", case: n },
          prediction: { label: "approve", confidence: 0.7 },
        },
      });
    for (let i = 1; i <= 3; i++) await send(i);
    await eventually(async () => ((await depthOf(queue)) === 3 ? true : undefined), 60_000, "three waiting");
    // The reviews API keeps the experiment list (queue settings) 5 s per container
    // (functions/shared/reviewer-desk.ts): a claim sooner might not know this queue's gold yet.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const token = cloud.identities.r6 ?? "";

    // Act
    const gold = (await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token })).body.review;
    const afterGold = await depthOf(queue);
    const real = (await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token })).body.review;
    const afterReal = await depthOf(queue);
    await send(4);
    let seen = afterReal;
    const afterArrival = await eventually(
      async () => {
        // Intake stores the item, then absorbs the shadow: a look in between sees 2.
        seen = await depthOf(queue);
        return seen === 3 ? seen : undefined;
      },
      60_000,
      "the new item in the queue",
    ).catch(async (error: unknown) => {
      const table = nameOf("ReviewsTable");
      const seed = await dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: `GOLD#${queue}` }, sk: { S: "SEED" } } }),
      );
      const items = await dynamodb.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: "#q = :q",
          ExpressionAttributeNames: { "#q": "queue" },
          ExpressionAttributeValues: { ":q": { S: queue } },
        }),
      );
      const states = (items.Items ?? []).map(
        (i) => `${i.status?.S}/${i.pendingQueue?.S ?? "-"}/${i.gold ? "gold" : "real"}`,
      );
      throw new Error(
        `${String(error)}: depths ${afterGold}, ${afterReal}, then ${seen}; seed ${JSON.stringify(seed.Item)}; items ${states.join(" ")}`,
      );
    });

    // Assert
    expect(upload.status).toBe(201);
    expect(gold?.context.item.case).toBe(1000);
    expect(real?.context.item.case).toBeLessThan(1000);
    expect([afterGold, afterReal]).toEqual([2, 1]);
    // Two real items wait, and the new one: the gold claim's shadow is gone with its arrival.
    expect(afterArrival).toBe(3);
  }, 180_000);
});

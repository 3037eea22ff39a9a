import { beforeAll, describe, expect, it } from "vitest";
import { bench, decision, nested } from "./bad-input-world";
import { call, eventually, uid } from "./support";

/** Realistic values at DynamoDB's edges are accepted and stored as documented (README, API section). */
let world: Awaited<ReturnType<typeof bench>>;

beforeAll(async () => {
  world = await bench();
});

interface StoredDecision {
  item: Record<string, unknown>;
  prediction: { confidence: number; alternatives?: { label: string; confidence: number }[] };
}

describe("values at DynamoDB's edges on the local cloud", () => {
  it("stores a confidence of 1e-200 and an alternative's probability of 1e-140 as 0", async () => {
    // Arrange
    const body = decision(world.experimentId, {
      prediction: {
        label: "approve",
        confidence: 1e-200,
        modelVersion: "m-1",
        alternatives: [{ label: "deny", confidence: 1e-140 }],
      },
    });

    // Act
    const answer = await call("POST", "/v1/decisions", { role: "producer", body });
    const stored = await call<StoredDecision>("GET", `/v1/decisions/${body.decisionId}`, {
      role: "producer",
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(stored.body.prediction.confidence).toBe(0);
    expect(stored.body.prediction.alternatives).toEqual([{ label: "deny", confidence: 0 }]);
  });

  it("answers a retry of a rounded decision with the first answer, not as a reused id", async () => {
    // Arrange
    const body = decision(world.experimentId, {
      prediction: {
        label: "approve",
        confidence: 0.99,
        alternatives: [{ label: "deny", confidence: 1e-150 }],
      },
    });
    const first = await call("POST", "/v1/decisions", { role: "producer", body });

    // Act
    const retry = await call("POST", "/v1/decisions", { role: "producer", body });

    // Assert
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
  });

  it("stores item amounts above 2^53 and just under 1e126 exactly as sent", async () => {
    // Arrange
    const item = {
      topic: "billing",
      amount: 1e20,
      exposure: 9.99999999999999e125,
      tiny: 1e-130,
      id: 2 ** 60,
    };
    const body = decision(world.experimentId, { item });

    // Act
    const answer = await call("POST", "/v1/decisions", { role: "producer", body });
    const stored = await call<StoredDecision>("GET", `/v1/decisions/${body.decisionId}`, {
      role: "producer",
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(stored.body.item).toEqual(item);
  });

  it("stores an item nested to the 31 levels a decision may use, and the held item shows it", async () => {
    // Arrange
    const item = { topic: "legal", deep: nested(29) };
    const body = decision(world.experimentId, { item });

    // Act
    const answer = await call<{ route: string; reviewId: string }>("POST", "/v1/decisions", {
      role: "producer",
      body,
    });
    const stored = await call<StoredDecision>("GET", `/v1/decisions/${body.decisionId}`, {
      role: "producer",
    });
    const held = await eventually(
      async () => {
        const r = await call<{ review: { context: { item: unknown } } | null }>(
          "GET",
          `/v1/reviews/${answer.body.reviewId}`,
          { role: "reviewer" },
        );
        return r.status === 200 ? r.body.review : undefined;
      },
      30_000,
      "the held item to be stored",
    );

    // Assert
    expect(answer.body.route).toBe("human");
    expect(stored.body.item).toEqual(item);
    expect(held?.context.item).toEqual(item);
  });

  it("stores a verdict's handling time of 1e-200 seconds as 0", async () => {
    // Act
    const answer = await call<{ verdict: { handlingSeconds: number } }>(
      "POST",
      `/v1/reviews/${world.reviewId}/verdict`,
      { token: world.token, body: { label: "approve", notes: "fine 👍", handlingSeconds: 1e-200 } },
    );

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.body.verdict.handlingSeconds).toBe(0);
  });

  it("stores an experiment's model price of 1e-140 dollars as 0", async () => {
    // Act
    const answer = await call<{ modelPriceUsd: Record<string, number> }>("POST", "/v1/experiments", {
      role: "admin",
      body: {
        id: uid("exp-tiny"),
        control: "a",
        modelPriceUsd: { "m-1": 1e-140 },
        arms: [{ id: "a", weight: 1, policy: { autoAcceptAbove: 0.9 } }],
      },
    });

    // Assert
    expect(answer.status).toBe(201);
    expect(answer.body.modelPriceUsd).toEqual({ "m-1": 0 });
  });
});

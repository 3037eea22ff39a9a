import { beforeAll, describe, expect, it } from "vitest";
import { call, createExperiment, eventually, settledSnapshot, uid } from "./support";

let experimentId: string;
const decision = (overrides: Record<string, unknown> = {}) => ({
  experimentId,
  unitId: uid("unit"),
  item: { topic: "billing", amount: 100 },
  prediction: { label: "approve", confidence: 0.99, modelVersion: "m-1" },
  ...overrides,
});

beforeAll(async () => {
  experimentId = await createExperiment();
});

describe("POST /v1/decisions on the local cloud", () => {
  it("automates a confident decision and answers synchronously with the arm, reason and config version", async () => {
    // Act
    const answer = await call("POST", "/v1/decisions", {
      role: "producer",
      body: decision({ decisionId: uid("d") }),
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      experimentId,
      enrolled: true,
      route: "auto",
      outcome: "approve",
      audit: false,
      configVersion: 1,
    });
    expect(answer.body.reason).toMatch(/^confidence 0.99 ≥ 0\.(95|8)$/);
  });

  it("holds a decision on an always-human topic and makes the held item visible to reviewers", async () => {
    // Arrange
    const decisionId = uid("d");

    // Act
    const answer = await call("POST", "/v1/decisions", {
      role: "producer",
      body: decision({ decisionId, item: { topic: "legal" } }),
    });
    const stored = await call("GET", `/v1/decisions/${decisionId}`, { role: "analyst" });
    const review = await eventually(
      async () => {
        const r = await call("GET", `/v1/reviews/${answer.body.reviewId}`, { role: "reviewer" });
        return r.status === 200 ? r.body : undefined;
      },
      20_000,
      "the held item in the reviews table",
    );

    // Assert
    expect(answer.body).toMatchObject({ route: "human", reason: "topic legal always goes to a person" });
    expect(answer.body.outcome).toBeUndefined();
    expect(stored.body).toMatchObject({
      decisionId,
      status: "held",
      route: "human",
      reviewId: answer.body.reviewId,
    });
    expect(review).toMatchObject({ review: { decisionId, status: "pending", queue: "default" } });
    expect(JSON.stringify(review)).not.toMatch(/taskToken/i);
  });

  it("answers a retried decision id with the first answer and stores it once", async () => {
    // Arrange
    const body = decision({ decisionId: uid("d") });
    const first = await call("POST", "/v1/decisions", { role: "producer", body });

    // Act
    const second = await call("POST", "/v1/decisions", { role: "producer", body });

    // Assert
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("x-hitl-replayed")).toBe("true");
  });

  it("makes a decision id when the producer sends none", async () => {
    // Act
    const answer = await call("POST", "/v1/decisions", { role: "producer", body: decision() });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.body.decisionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("returns 404 for a decision that does not exist", async () => {
    const answer = await call("GET", "/v1/decisions/nope", { role: "analyst" });
    expect(answer).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
  });
});

describe("bad input writes nothing and says what is wrong", () => {
  const cases: [string, { rawBody?: string; body?: () => unknown }, number, RegExp][] = [
    ["malformed JSON", { rawBody: '{"experimentId": ' }, 400, /request body is not valid JSON/],
    ["a missing field", { body: () => ({ ...decision(), unitId: undefined }) }, 400, /unitId/],
    [
      "a wrongly typed field",
      { body: () => decision({ prediction: { label: "approve", confidence: "high" } }) },
      400,
      /prediction\.confidence.*"high"/,
    ],
    [
      "a confidence outside [0, 1]",
      { body: () => decision({ prediction: { label: "approve", confidence: 1.2 } }) },
      400,
      /prediction\.confidence/,
    ],
    [
      "an unknown experiment",
      { body: () => decision({ experimentId: "no-such-experiment" }) },
      404,
      /does not exist/,
    ],
    [
      "a body over 256 kB",
      { body: () => decision({ item: { topic: "billing", blob: "x".repeat(300_000) } }) },
      413,
      /limit is 256000 bytes/,
    ],
  ];

  for (const [what, input, status, message] of cases) {
    it(`refuses ${what} with ${status}`, async () => {
      // Arrange
      const before = await settledSnapshot();

      // Act
      const answer = await call<{ error: { message: string } }>("POST", "/v1/decisions", {
        role: "producer",
        ...(input.rawBody ? { rawBody: input.rawBody } : { body: input.body?.() }),
      });

      // Assert
      expect(answer.status).toBe(status);
      expect(answer.body.error.message).toMatch(message);
      expect(await settledSnapshot()).toEqual(before);
    });
  }

  it("refuses a decision for an experiment that is not running with 409", async () => {
    // Arrange
    const paused = await createExperiment({ status: "paused" });
    const before = await settledSnapshot();

    // Act
    const answer = await call<{ error: { code: string } }>("POST", "/v1/decisions", {
      role: "producer",
      body: decision({ experimentId: paused }),
    });

    // Assert
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("experiment_not_running");
    expect(await settledSnapshot()).toEqual(before);
  });

  it("answers 401 without a token and 403 with another role's token", async () => {
    // Act
    const anonymous = await call("POST", "/v1/decisions", { body: decision() });
    const reviewer = await call("POST", "/v1/decisions", { role: "reviewer", body: decision() });

    // Assert
    expect(anonymous.status).toBe(401);
    expect(reviewer.status).toBe(403);
  });
});

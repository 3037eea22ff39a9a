import { describe, expect, it } from "vitest";
import { HitlApiError, HitlClient, HitlNetworkError } from "../../client";

interface Sent {
  method: string;
  url: string;
  body?: unknown;
  authorization?: string;
}

/** A fetch that answers from a script, one answer per request, and records what it was sent. */
function scripted(answers: (Response | Error)[]) {
  const sent: Sent[] = [];
  const fetchFn = (async (url: URL, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    sent.push({
      method: String(init.method),
      url: String(url),
      ...(init.body ? { body: JSON.parse(String(init.body)) } : {}),
      ...(headers.authorization ? { authorization: headers.authorization } : {}),
    });
    const next = answers.shift();
    if (!next) throw new Error("the script has no more answers");
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  return { sent, fetchFn };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const apiError = (status: number, code: string, message: string) =>
  json(status, { error: { code, message } });
const answer = {
  decisionId: "d-1",
  experimentId: "e",
  arm: "a",
  enrolled: true,
  route: "auto",
  audit: false,
};

function client(answers: (Response | Error)[], waits: number[] = []) {
  const { sent, fetchFn } = scripted(answers);
  const api = new HitlClient({
    baseUrl: "http://api.test/prefix",
    token: "tok",
    fetch: fetchFn,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    newDecisionId: () => "generated-1",
  });
  return { api, sent, waits };
}

const request = {
  experimentId: "e",
  unitId: "u",
  item: {},
  prediction: { label: "approve", confidence: 0.9 },
};

describe("the API client's retries", () => {
  it("gives a decision without an id one id before the first attempt and sends that same id on every retry", async () => {
    const { api, sent } = client([
      apiError(503, "internal", "down"),
      new TypeError("socket hang up"),
      json(200, answer, { "x-hitl-replayed": "true" }),
    ]);

    const result = await api.decisions.send(request);

    expect(sent).toHaveLength(3);
    expect(sent.map((s) => (s.body as { decisionId: string }).decisionId)).toEqual([
      "generated-1",
      "generated-1",
      "generated-1",
    ]);
    expect(result).toMatchObject({ decisionId: "d-1", replayed: true });
  });

  it("keeps the caller's own decisionId", async () => {
    const { api, sent } = client([json(200, answer)]);

    const result = await api.decisions.send({ ...request, decisionId: "mine" });

    expect(sent[0]?.body).toMatchObject({ decisionId: "mine" });
    expect(result.replayed).toBe(false);
  });

  it("waits a full-jitter backoff between attempts: a uniform share of base · 2^n, capped", async () => {
    const waits: number[] = [];
    const { api } = client(
      [
        apiError(500, "internal", "x"),
        apiError(502, "internal", "x"),
        apiError(504, "internal", "x"),
        json(200, answer),
      ],
      waits,
    );

    await api.decisions.send(request);

    // random() = 0.5; base 100 ms: attempts 1, 2, 3 wait below 200, 400, 800 ms.
    expect(waits).toEqual([100, 200, 400]);
  });

  it("retries a throttled request even when the operation is not idempotent: API Gateway refused it before it ran", async () => {
    const { api, sent } = client([json(429, { message: "Too Many Requests" }), json(200, { review: null })]);

    const claimed = await api.reviews.claim("default");

    expect(claimed).toBeNull();
    expect(sent).toHaveLength(2);
  });

  it("does not retry a 5xx or a lost connection of an operation that is not idempotent (a claim could lease twice)", async () => {
    const first = client([apiError(500, "internal", "boom")]);
    await expect(first.api.reviews.claim("default")).rejects.toBeInstanceOf(HitlApiError);
    expect(first.sent).toHaveLength(1);

    const second = client([new TypeError("ECONNRESET")]);
    await expect(second.api.experiments.create({} as never)).rejects.toBeInstanceOf(HitlNetworkError);
    expect(second.sent).toHaveLength(1);
  });

  it("never retries a 4xx but throttling: the same request would fail the same way", async () => {
    const { api, sent } = client([apiError(409, "decision_id_reused", "reused with another body")]);

    await expect(api.decisions.send(request)).rejects.toBeInstanceOf(HitlApiError);
    expect(sent).toHaveLength(1);
  });

  it("gives up after the attempts it was given and throws the last error", async () => {
    const { api, sent } = client([
      apiError(503, "internal", "1"),
      apiError(503, "internal", "2"),
      apiError(503, "internal", "3"),
      apiError(503, "internal", "4"),
    ]);

    const error = await api.decisions.get("d-1").catch((e: unknown) => e);

    expect(sent).toHaveLength(4);
    expect((error as HitlApiError).apiMessage).toBe("4");
  });
});

describe("the API client's errors and requests", () => {
  it("names the API's code and message, its details and the operation", async () => {
    const { api } = client([
      json(400, {
        error: {
          code: "validation_failed",
          message: "request body is invalid: prediction.confidence: Too big",
          details: [{ path: "prediction.confidence", message: "Too big" }],
        },
      }),
    ]);

    const error = (await api.decisions.send(request).catch((e: unknown) => e)) as HitlApiError;

    expect(error).toBeInstanceOf(HitlApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("validation_failed");
    expect(error.apiMessage).toContain("prediction.confidence");
    expect(error.details).toEqual([{ path: "prediction.confidence", message: "Too big" }]);
    expect(error.message).toBe(
      "sendDecision: HTTP 400 validation_failed: request body is invalid: prediction.confidence: Too big",
    );
    expect(error.transient).toBe(false);
  });

  it("tells API Gateway's own answers apart with the code gateway", async () => {
    const { api } = client([json(401, { message: "Unauthorized" })]);

    const error = (await api.decisions.get("x").catch((e: unknown) => e)) as HitlApiError;

    expect({ status: error.status, code: error.code, message: error.apiMessage }).toEqual({
      status: 401,
      code: "gateway",
      message: "Unauthorized",
    });
  });

  it("builds the URL under the base URL's path, escapes path parameters and drops absent query values", async () => {
    const { api, sent } = client([json(200, { review: null })]);

    await api.reviews.claim("team a/b", {});

    expect(sent[0]).toEqual({
      method: "POST",
      url: "http://api.test/prefix/v1/queues/team%20a%2Fb/claim",
      authorization: "Bearer tok",
    });
  });

  it("sends no token to the public OpenAPI route", async () => {
    const { api, sent } = client([json(200, { openapi: "3.1.0" })]);

    await api.openApi();

    expect(sent[0]?.authorization).toBeUndefined();
  });
});

describe("waiting for a decision's outcome", () => {
  const view = (status: string, outcome?: string) =>
    json(200, { decisionId: "d-1", status, ...(outcome ? { outcome } : {}) });

  it("polls until the held decision has its outcome", async () => {
    const { api, sent } = client([view("held"), view("held"), view("decided", "deny")]);

    const decided = await api.decisions.outcome("d-1", { pollMs: 0 });

    expect(decided.outcome).toBe("deny");
    expect(sent).toHaveLength(3);
  });

  it("stops at once when the decision was withdrawn, which never gets an outcome", async () => {
    const { api, sent } = client([view("held"), view("withdrawn")]);

    await expect(api.decisions.outcome("d-1", { pollMs: 0 })).rejects.toThrow("d-1 was withdrawn");
    expect(sent).toHaveLength(2);
  });
});

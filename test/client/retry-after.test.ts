import { describe, expect, it } from "vitest";
import { HitlApiError, HitlClient } from "../../client";
import { retryAfterMs } from "../../client/retry-after";
import { fixedMs } from "../support/clock";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** A client whose fetch answers from a script and whose pauses are recorded instead of waited. */
function client(answers: Response[], retry: ConstructorParameters<typeof HitlClient>[0]["retry"] = {}) {
  const waits: number[] = [];
  let requests = 0;
  const api = new HitlClient({
    baseUrl: "http://api.test",
    token: "tok",
    retry,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    fetch: (async () => {
      requests += 1;
      const next = answers.shift();
      if (!next) throw new Error("the script has no more answers");
      return next;
    }) as unknown as typeof fetch,
  });
  return { api, waits, requests: () => requests };
}

const view = { decisionId: "d-1", status: "automated", outcome: "approve" };

describe("Retry-After on a throttled or unavailable answer", () => {
  it("waits the seconds a 429 asks for instead of its own backoff", async () => {
    const { api, waits } = client([
      json(429, { message: "Too Many Requests" }, { "retry-after": "3" }),
      json(200, view),
    ]);

    await api.decisions.get("d-1");

    expect(waits).toEqual([3000]);
  });

  it("waits until the HTTP date a 503 names", async () => {
    const at = new Date(Date.now() + 10_000).toUTCString();
    const { api, waits } = client([
      json(503, { message: "Service Unavailable" }, { "retry-after": at }),
      json(200, view),
    ]);

    await api.decisions.get("d-1");

    // toUTCString drops the milliseconds: the wait is within a second (and the test's own time) below 10 s.
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(8_000);
    expect(waits[0]).toBeLessThanOrEqual(10_000);
  });

  it("caps a long Retry-After at maxRetryAfterMs", async () => {
    const { api, waits } = client(
      [json(429, { message: "slow down" }, { "retry-after": "3600" }), json(200, view)],
      { maxRetryAfterMs: 5_000 },
    );

    await api.decisions.get("d-1");

    expect(waits).toEqual([5_000]);
  });

  it("backs off as usual when the header is absent, unreadable, or on a status that is not 429 or 503", async () => {
    const { api, waits } = client([
      json(429, { message: "x" }),
      json(429, { message: "x" }, { "retry-after": "soon" }),
      json(500, { error: { code: "internal", message: "x" } }, { "retry-after": "7" }),
      json(200, view),
    ]);

    await api.decisions.get("d-1");

    // random() = 0.5 of base 100 ms · 2^n.
    expect(waits).toEqual([100, 200, 400]);
  });

  it("keeps the wait on the error and still gives up after the attempts it was given", async () => {
    const { api, waits, requests } = client(
      [
        json(429, { message: "x" }, { "retry-after": "1" }),
        json(429, { message: "x" }, { "retry-after": "2" }),
      ],
      { maxAttempts: 2 },
    );

    const error = (await api.decisions.get("d-1").catch((e: unknown) => e)) as HitlApiError;

    expect(requests()).toBe(2);
    expect(waits).toEqual([1000]);
    expect(error).toBeInstanceOf(HitlApiError);
    expect(error.retryAfterMs).toBe(2000);
  });

  it("does not resend a non-idempotent operation after a 503, whatever its Retry-After says", async () => {
    const { api, requests } = client([json(503, { message: "x" }, { "retry-after": "1" })]);

    await expect(api.reviews.claim("q")).rejects.toBeInstanceOf(HitlApiError);
    expect(requests()).toBe(1);
  });
});

describe("reading a Retry-After header", () => {
  const now = fixedMs("2026-11-25T12:00:00.000Z");

  it("reads delay-seconds and IMF dates, never below zero", () => {
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(retryAfterMs(new Date(now - 90_000).toUTCString(), now)).toBe(0);
  });

  it("reads nothing from an absent, negative, fractional or unparseable value", () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("-3", now)).toBeUndefined();
    expect(retryAfterMs("1.5", now)).toBeUndefined();
    expect(retryAfterMs("Someday, never", now)).toBeUndefined();
  });
});

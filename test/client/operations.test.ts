import { describe, expect, it } from "vitest";
import { HitlApiError, HitlClient } from "../../client";
import { jsonLinesParts } from "../../client/lines";
import { fixed } from "../support/clock";

interface Sent {
  method: string;
  url: string;
  contentType?: string;
  body?: string;
}

/** A fetch that answers every request with the next scripted answer and records what it was sent. */
function fake(answers: Response[]) {
  const sent: Sent[] = [];
  const fetchFn = (async (url: URL, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    sent.push({
      method: String(init.method),
      url: String(url),
      ...(headers["content-type"] ? { contentType: headers["content-type"] } : {}),
      ...(init.body === undefined ? {} : { body: String(init.body) }),
    });
    const next = answers.shift();
    if (!next) throw new Error("the script has no more answers");
    return next;
  }) as unknown as typeof fetch;
  const api = new HitlClient({
    baseUrl: "http://api.test",
    token: "tok",
    fetch: fetchFn,
    sleep: async () => {},
  });
  return { api, sent };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const at = fixed("2026-11-25T12:00:00.000Z");
const standing = {
  reviewer: "r-1",
  queue: "claims",
  status: "paused",
  gold: 4,
  goldCorrect: 1,
  since: at,
  changedAt: at,
  changedBy: "admin-1",
  reason: "paused by admin-1: low gold accuracy",
};
const page = { from: null, to: null, reviewers: [], queues: [] };

describe("the client's signal, gold and reviewer operations", () => {
  it("sends a user's signal to the decision's signals route and returns the API's answer", async () => {
    const result = { decisionId: "d 1", signal: { signalId: "s-1", type: "accepted", at }, replayed: false };
    const { api, sent } = fake([json(200, result)]);

    const answer = await api.decisions.signal("d 1", { signalId: "s-1", type: "accepted", at });

    expect(sent).toEqual([
      {
        method: "POST",
        url: "http://api.test/v1/decisions/d%201/signals",
        contentType: "application/json",
        body: JSON.stringify({ signalId: "s-1", type: "accepted", at }),
      },
    ]);
    expect(answer).toEqual(result);
  });

  it("retries a signal after a 5xx: a repeated signalId changes nothing", async () => {
    const { api, sent } = fake([
      json(503, { error: { code: "internal", message: "down" } }),
      json(200, { decisionId: "d", signal: {}, replayed: true }),
    ]);

    const answer = await api.decisions.signal("d", { signalId: "s", type: "complained", at });

    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).toBe(sent[0]?.body);
    expect(answer.replayed).toBe(true);
  });

  it("uploads gold items as JSON Lines, as is, with the experiment and the dry run in the query", async () => {
    const lines = '{"item":{"a":1},"label":"deny"}\n{"item":{"a":2},"label":"approve"}';
    const checked = { queue: "claims", experimentId: "e-1", added: 0, pool: 3, checked: 2 };
    const { api, sent } = fake([json(200, checked)]);

    const answer = await api.gold.add("claims", lines, { experimentId: "e-1", dryRun: true });

    expect(sent).toEqual([
      {
        method: "POST",
        url: "http://api.test/v1/queues/claims/gold?experimentId=e-1&dryRun=true",
        contentType: "application/x-ndjson",
        body: lines,
      },
    ]);
    expect(answer).toEqual(checked);
  });

  it("stores gold without a dry run and leaves out an absent experiment", async () => {
    const { api, sent } = fake([json(201, { queue: "q", experimentId: "e", added: 1, pool: 1 })]);

    const answer = await api.gold.add("q", '{"item":{},"label":"x"}');

    expect(sent[0]?.url).toBe("http://api.test/v1/queues/q/gold");
    expect(answer.added).toBe(1);
  });

  it("throws a rejected gold upload as the API's validation_failed with each line's details", async () => {
    const error = {
      code: "validation_failed",
      message: "gold upload is invalid (nothing was stored)",
      details: [{ path: "line 2: label", message: "not one of the experiment's labels" }],
    };
    const { api } = fake([json(400, { error })]);

    const thrown = (await api.gold.add("q", "x").catch((e: unknown) => e)) as HitlApiError;

    expect(thrown).toBeInstanceOf(HitlApiError);
    expect(thrown).toMatchObject({ status: 400, code: "validation_failed", details: error.details });
  });

  it("reads every reviewer's scorecards with the period and queue as query parameters", async () => {
    const { api, sent } = fake([json(200, page)]);

    const answer = await api.reviewers.scorecards({ queue: "claims", reviewer: "r-1", from: at });

    expect(sent[0]).toEqual({
      method: "GET",
      url: `http://api.test/v1/reviewers?queue=claims&reviewer=r-1&from=${encodeURIComponent(at)}`,
    });
    expect(answer).toEqual(page);
  });

  it("reads the caller's own scorecards from /v1/reviewers/me", async () => {
    const { api, sent } = fake([json(200, page)]);

    await api.reviewers.mine({ to: at });

    expect(sent[0]?.url).toBe(`http://api.test/v1/reviewers/me?to=${encodeURIComponent(at)}`);
  });

  it("pauses and reinstates a reviewer with the queue and note as the body, and returns the new standing", async () => {
    const reinstated = { ...standing, status: "qualifying", gold: 0, goldCorrect: 0 };
    const { api, sent } = fake([json(200, standing), json(200, reinstated)]);

    const paused = await api.reviewers.pause("r/1", { queue: "claims", note: "low gold accuracy" });
    const back = await api.reviewers.reinstate("r/1", { queue: "claims", note: "retrained" });

    expect(sent.map((s) => [s.method, s.url, s.body])).toEqual([
      ["POST", "http://api.test/v1/reviewers/r%2F1/pause", '{"queue":"claims","note":"low gold accuracy"}'],
      ["POST", "http://api.test/v1/reviewers/r%2F1/reinstate", '{"queue":"claims","note":"retrained"}'],
    ]);
    expect(paused.status).toBe("paused");
    expect(back.status).toBe("qualifying");
  });

  it("does not send a pause again after a 5xx: a second pause would answer already_paused", async () => {
    const { api, sent } = fake([json(502, { error: { code: "internal", message: "x" } })]);

    await expect(api.reviewers.pause("r", { queue: "q", note: "n" })).rejects.toBeInstanceOf(HitlApiError);
    expect(sent).toHaveLength(1);
  });
});

describe("a gold file of any size", () => {
  const line = (n: number) => JSON.stringify({ item: { n, text: "é".repeat(20) }, label: "deny" });
  const file = Array.from({ length: 10 }, (_, i) => line(i)).join("\r\n");

  it("splits JSON Lines into parts of whole lines under the byte limit, counting UTF-8 bytes", () => {
    const bytes = new TextEncoder().encode(`${line(0)}\n`).length;

    const parts = jsonLinesParts(`\uFEFF${file}\n\n`, bytes * 3);

    expect(parts.map((p) => p.split("\n").length)).toEqual([3, 3, 3, 1]);
    expect(parts.join("\n")).toBe(file.replaceAll("\r\n", "\n"));
    for (const part of parts) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(bytes * 3);
  });

  it("checks every part with a dry run before storing any, then stores each and sums what was added", async () => {
    const stored = (added: number, pool: number) => json(201, { queue: "q", experimentId: "e", added, pool });
    const checked = json(200, { queue: "q", experimentId: "e", added: 0, pool: 0, checked: 5 });
    const { api, sent } = fake([checked, checked.clone(), stored(5, 5), stored(5, 10)]);
    const half = new TextEncoder().encode(`${line(0)}\n`).length * 5;

    const result = await api.gold.upload("q", file, { experimentId: "e", partBytes: half });

    expect(sent.map((s) => new URL(s.url).searchParams.get("dryRun"))).toEqual(["true", "true", null, null]);
    expect(result).toEqual({ queue: "q", experimentId: "e", added: 10, pool: 10, parts: 2 });
  });

  it("stores nothing when a later part fails its dry run", async () => {
    const checked = json(200, { queue: "q", experimentId: "e", added: 0, pool: 0, checked: 5 });
    const bad = json(400, { error: { code: "validation_failed", message: "line 1: label: not allowed" } });
    const { api, sent } = fake([checked, bad]);
    const half = new TextEncoder().encode(`${line(0)}\n`).length * 5;

    await expect(api.gold.upload("q", file, { partBytes: half })).rejects.toMatchObject({
      code: "validation_failed",
    });
    expect(sent).toHaveLength(2);
    expect(sent.every((s) => s.url.endsWith("dryRun=true"))).toBe(true);
  });
});

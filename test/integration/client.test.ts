import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { HitlApiError, HitlClient } from "../../client";
import { openApiDocument } from "../../core/api/openapi";
import { API_ROUTES } from "../../core/api/routes";
import { triage } from "../../examples/product-integration";
import { call, cloud, createExperiment, dynamodb, eventually, nameOf, uid } from "./support";

const templates = API_ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
}));
/** Answers that do not parse with the schema their route documents (checked after every test). */
const mismatches: string[] = [];
/** Answers checked so far, so a test can tell the check ran. */
let checkedAnswers = 0;

/** The global fetch, checking every successful JSON answer against its route's documented schema. */
const documented = (async (input: URL, init?: RequestInit) => {
  const response = await fetch(input, init);
  const method = (init?.method ?? "GET").toLowerCase();
  const found = templates.find((t) => t.route.method === method && t.pattern.test(new URL(input).pathname));
  if (response.ok && found && !found.route.success.contentType) {
    checkedAnswers += 1;
    const parsed = found.route.success.schema.safeParse(await response.clone().json());
    if (!parsed.success) mismatches.push(`${found.route.operationId}: ${parsed.error.message}`);
  }
  return response;
}) as typeof fetch;

afterEach(() => {
  expect(mismatches.splice(0)).toEqual([]);
});

const as = (token: string, options: Partial<ConstructorParameters<typeof HitlClient>[0]> = {}) =>
  new HitlClient({ baseUrl: cloud.apiUrl, token, fetch: documented, ...options });
const producer = as(cloud.tokens.producer);

const decision = (experimentId: string, overrides: Record<string, unknown> = {}) => ({
  experimentId,
  unitId: uid("unit"),
  item: { topic: "billing", amount: 100 },
  prediction: { label: "approve", confidence: 0.99, modelVersion: "m-1" },
  ...overrides,
});

describe("GET /v1/openapi.json on the local cloud", () => {
  it("serves, without a token, exactly the document the build writes", async () => {
    const answer = await call("GET", "/v1/openapi.json");

    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toContain("application/json");
    expect(answer.body).toEqual(openApiDocument());
    expect(await producer.openApi()).toEqual(openApiDocument());
  });
});

describe("the typed client (hitl-lab/client) on the local cloud", () => {
  it("sends a decision and reads its outcome", async () => {
    const experimentId = await createExperiment();

    const answer = await producer.decisions.send(decision(experimentId));
    const settled = await producer.decisions.outcome(answer.decisionId, { timeoutMs: 10_000 });

    expect(answer).toMatchObject({ experimentId, route: "auto", outcome: "approve", replayed: false });
    expect(answer.decisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(settled).toMatchObject({ decisionId: answer.decisionId, status: "automated", outcome: "approve" });
  });

  it("retries a decision whose answer was lost with the same decisionId: the first answer comes back, and one record is stored", async () => {
    const experimentId = await createExperiment();
    let attempts = 0;
    // The first attempt reaches the API and is routed; its answer is then lost, as on a dropped connection.
    const losing = as(cloud.tokens.producer, {
      fetch: (async (input: URL, init?: RequestInit) => {
        attempts += 1;
        const response = await fetch(input, init);
        if (attempts === 1) {
          await response.text();
          throw new TypeError("fetch failed: socket hang up");
        }
        return response;
      }) as typeof fetch,
    });

    const answer = await losing.decisions.send(decision(experimentId));

    expect(attempts).toBe(2);
    expect(answer).toMatchObject({ route: "auto", replayed: true });
    const stored = await dynamodb.send(
      new GetItemCommand({
        TableName: nameOf("DecisionsTable"),
        Key: { pk: { S: answer.decisionId }, sk: { S: "DECISION" } },
      }),
    );
    expect(stored.Item?.decisionId?.S).toBe(answer.decisionId);
  });

  it("throws typed errors that name the API's code and message", async () => {
    const experimentId = await createExperiment();

    const invalid = await producer.decisions
      .send(decision(experimentId, { prediction: { label: "approve", confidence: 2 } }))
      .catch((e: unknown) => e);
    const unknown = await producer.decisions.get(uid("missing")).catch((e: unknown) => e);
    const reused = await (async () => {
      const decisionId = uid("d");
      await producer.decisions.send(decision(experimentId, { decisionId }));
      return producer.decisions
        .send(decision(experimentId, { decisionId, item: { topic: "other" } }))
        .catch((e: unknown) => e);
    })();
    const unauthorized = await as("not-a-token")
      .decisions.get("x")
      .catch((e: unknown) => e);

    expect(invalid).toBeInstanceOf(HitlApiError);
    expect(invalid).toMatchObject({ status: 400, code: "validation_failed" });
    expect((invalid as HitlApiError).apiMessage).toContain("prediction.confidence");
    expect(unknown).toMatchObject({ status: 404, code: "not_found" });
    expect(reused).toMatchObject({ status: 409, code: "decision_id_reused" });
    expect(unauthorized).toMatchObject({ status: 401, code: "gateway", apiMessage: "Unauthorized" });
  });

  it("works a held decision through review to its outcome; a repeated verdict is answered as the first", async () => {
    const queue = uid("client");
    const experimentId = await createExperiment({}, queue);
    const reviewer = as(cloud.identities.r3 ?? "");

    const held = await producer.decisions.send(decision(experimentId, { item: { topic: "legal" } }));
    const claimed = await eventually(
      async () => (await reviewer.reviews.claim(queue, { experimentId })) ?? undefined,
      30_000,
      "the held item to be claimable",
    );
    const first = await reviewer.reviews.verdict(claimed.review.reviewId, {
      label: "deny",
      handlingSeconds: 5,
    });
    const again = await reviewer.reviews.verdict(claimed.review.reviewId, {
      label: "deny",
      handlingSeconds: 5,
    });
    const settled = await producer.decisions.outcome(held.decisionId, { timeoutMs: 60_000, pollMs: 500 });

    expect(held).toMatchObject({ route: "human", replayed: false });
    expect(claimed.review.decisionId).toBe(held.decisionId);
    expect(first).toMatchObject({ status: "recorded", replayed: false });
    expect(again).toMatchObject({ replayed: true });
    expect(settled).toMatchObject({ outcome: "deny", outcomeSource: "reviewer" });
  });

  it("runs the README's integration example: an automated claim settles at once, a held one when a person decides", async () => {
    await createExperiment({ id: "claims-triage" }, "default");
    const reviewer = as(cloud.identities.r4 ?? "");
    const claim = (topic: string) => ({ id: uid("claim"), customerId: uid("customer"), topic, amount: 120 });

    const automated = await triage(claim("billing"), { label: "approve", confidence: 0.99 }, producer);
    const legal = claim("legal");
    const held = triage(legal, { label: "approve", confidence: 0.99 }, producer);
    const claimed = await eventually(
      async () => (await reviewer.reviews.claim("default", { experimentId: "claims-triage" })) ?? undefined,
      30_000,
      "the legal claim to be claimable",
    );
    await reviewer.reviews.verdict(claimed.review.reviewId, { label: "deny" });

    expect(automated).toBe("approve");
    expect(claimed.review.decisionId).toBe(legal.id);
    expect(await held).toBe("deny");
  });

  it("sends a user's signal on a settled decision once per signalId", async () => {
    const experimentId = await createExperiment();
    const automated = await producer.decisions.send(decision(experimentId));
    const signal = { signalId: uid("signal"), type: "accepted" as const, at: new Date().toISOString() };

    const first = await producer.decisions.signal(automated.decisionId, signal);
    const again = await producer.decisions.signal(automated.decisionId, signal);
    const reused = await producer.decisions
      .signal(automated.decisionId, { ...signal, type: "complained" })
      .catch((e: unknown) => e);

    expect(first).toMatchObject({ decisionId: automated.decisionId, replayed: false });
    expect(first.signal).toMatchObject({ signalId: signal.signalId, type: "accepted" });
    expect(again.replayed).toBe(true);
    expect(reused).toMatchObject({ status: 409, code: "signal_exists" });
  });

  it("uploads gold as JSON Lines: a dry run stores nothing, a bad label names its line, the upload fills the pool", async () => {
    const queue = uid("client-gold");
    const experimentId = await createExperiment({}, queue);
    const admin = as(cloud.tokens.admin);
    const line = (n: number, label: string) =>
      JSON.stringify({ item: { case: n }, prediction: { label: "approve", confidence: 0.9 }, label });
    const lines = [line(1, "deny"), line(2, "approve")].join("\n");

    const dry = await admin.gold.add(queue, lines, { experimentId, dryRun: true });
    const bad = await admin.gold
      .add(queue, [line(1, "deny"), line(2, "maybe")].join("\n"), { experimentId })
      .catch((e: unknown) => e);
    const stored = await admin.gold.add(queue, lines, { experimentId });

    expect(dry).toEqual({ queue, experimentId, added: 0, pool: 0, checked: 2 });
    expect(bad).toMatchObject({ status: 400, code: "validation_failed" });
    expect((bad as HitlApiError).details.map((d) => d.path)).toEqual(["line 2: label"]);
    expect(stored).toEqual({ queue, experimentId, added: 2, pool: 2 });
  });

  it("pauses a reviewer in a queue (their claims there are refused), reinstates them, and reads the scorecards", async () => {
    const queue = uid("client-standing");
    // A queue with gold settings: only there does a pause refuse claims.
    const experimentId = await createExperiment(
      { queues: { [queue]: { gold: { rate: 0.1, minAccuracy: 0.5 } } } },
      queue,
    );
    const admin = as(cloud.tokens.admin);
    const reviewer = as(cloud.identities.r5 ?? "");

    // The functions read the experiments' queue settings through a cache of a few seconds: a dry-run
    // gold upload without an experiment finds the queue's experiment once the reviewers' side sees it.
    const gold = JSON.stringify({
      item: { n: 1 },
      prediction: { label: "approve", confidence: 0.9 },
      label: "deny",
    });
    await eventually(
      () => admin.gold.add(queue, gold, { dryRun: true }).catch(() => undefined),
      20_000,
      "the reviewers' side to see the queue's settings",
    );
    const paused = await admin.reviewers.pause("reviewer-5", { queue, note: "client test" });
    const claimOutcome = () =>
      reviewer.reviews.claim(queue, { experimentId }).then(
        () => "claimable",
        (e: unknown) => e,
      );
    const refused = await eventually(
      async () => {
        const outcome = await claimOutcome();
        return outcome === "claimable" ? undefined : outcome;
      },
      20_000,
      "the pause to refuse claims",
    );
    const twice = await admin.reviewers
      .pause("reviewer-5", { queue, note: "again" })
      .catch((e: unknown) => e);
    const reinstated = await admin.reviewers.reinstate("reviewer-5", { queue, note: "retrained" });
    const afterwards = await claimOutcome();
    const all = await admin.reviewers.scorecards({ queue });
    const mine = await reviewer.reviewers.mine({ queue });

    expect(paused).toMatchObject({ reviewer: "reviewer-5", queue, status: "paused", changedBy: "admin-1" });
    expect(refused).toMatchObject({ status: 403, code: "reviewer_paused" });
    expect(twice).toMatchObject({ status: 409, code: "already_paused" });
    // A queue with a gold minimum evaluates the reinstated reviewer again from zero.
    expect(reinstated).toMatchObject({ queue, status: "qualifying", gold: 0, goldCorrect: 0 });
    expect(afterwards).toBe("claimable");
    expect(all).toMatchObject({ from: null, to: null });
    expect(Array.isArray(all.reviewers) && Array.isArray(all.queues)).toBe(true);
    expect(mine.reviewers.every((card) => card.reviewer === "reviewer-5")).toBe(true);
  });

  it("answers the review, audit, history and report routes with the shapes the OpenAPI document gives them", async () => {
    const queue = uid("client-shapes");
    const experimentId = await createExperiment({}, queue);
    const admin = as(cloud.tokens.admin);
    const analyst = as(cloud.tokens.analyst);
    const reviewer = as(cloud.identities.r6 ?? "");
    const checkedBefore = checkedAnswers;
    const first = await producer.decisions.send(decision(experimentId, { item: { topic: "legal" } }));
    const second = await producer.decisions.send(decision(experimentId, { item: { topic: "legal" } }));

    const claimed = await eventually(
      async () => (await reviewer.reviews.claim(queue, { experimentId })) ?? undefined,
      30_000,
      "a held item to be claimable",
    );
    const shown = await reviewer.reviews.get(claimed.review.reviewId);
    const lease = await reviewer.reviews.heartbeat(claimed.review.reviewId);
    const released = await reviewer.reviews.release(claimed.review.reviewId);
    const withdrawn = await producer.decisions.withdraw(
      claimed.review.decisionId === first.decisionId ? second.decisionId : first.decisionId,
      "client test",
    );
    const trail = await analyst.decisions.audit(first.decisionId);
    const history = await admin.experiments.versions(experimentId);
    const report = await analyst.experiments.report(experimentId, { alpha: 0.1 });

    expect(shown).toMatchObject({ review: { reviewId: claimed.review.reviewId, queue }, yours: true });
    expect(Date.parse(lease.leaseUntil)).toBeGreaterThan(Date.now());
    expect(released).toEqual({ reviewId: claimed.review.reviewId, status: "pending" });
    expect(withdrawn.status).toBe("withdrawn");
    expect(trail.entries.map((e) => e.action)).toContain("routed");
    expect(history.audit.map((e) => e.action)).toContain("experiment-created");
    expect(report).toMatchObject({ experimentId, options: { alpha: 0.1 } });
    // Every answer above went through the schema check (afterEach fails the test on a mismatch).
    expect(checkedAnswers - checkedBefore).toBeGreaterThanOrEqual(10);
  });
});

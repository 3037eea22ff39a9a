import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { broken, type Kind, namesField, type Path } from "../support/bad-values";
import {
  bench,
  deadLettered,
  decision,
  type ErrorBody,
  finish,
  sendTo,
  tablesAndQueues,
} from "./bad-input-world";
import { call, cloud, settledSnapshot, uid } from "./support";

/**
 * A generated sample of bad bodies, paths, query strings and queue messages against the local cloud
 * (the in-process property tests run many more: test/core/storage/bad-bodies.property.test.ts).
 * Every answer is a 4xx naming the problem, every message is dead-lettered, and after each property
 * no table or work queue has changed.
 */
let world: Awaited<ReturnType<typeof bench>>;
let baseline: Record<string, unknown>;
const withoutDeadLetters = (state: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(state).filter(([name]) => !name.endsWith("/Dlq")));

beforeAll(async () => {
  world = await bench();
  baseline = await settledSnapshot();
});
afterAll(async () => {
  if (world) await finish(world);
});

const RUNS = 12;

const decisionFields: [Path, Kind][] = [
  [["unitId"], "text"],
  [["item"], "map"],
  [["item", "amount"], "free"],
  [["prediction", "label"], "text"],
  [["prediction", "confidence"], "probability"],
  [["prediction", "costUsd"], "amount"],
];

/** Sends generated bodies broken at one of `fields`: each is a 4xx whose details name the field. */
async function refusesAll(
  method: string,
  path: () => string,
  auth: { role?: keyof typeof cloud.tokens; token?: string },
  valid: () => unknown,
  fields: [Path, Kind][],
) {
  await fc.assert(
    fc.asyncProperty(
      fc.constant(null).chain(() => broken(valid(), fields)),
      async ({ body, path: field }) => {
        const answer = await call<ErrorBody>(method, path(), { ...auth, body });
        expect(answer.status).toBe(400);
        namesField(answer.body.error.details, field);
      },
    ),
    { numRuns: RUNS },
  );
  expect(await tablesAndQueues()).toEqual(baseline);
}

describe("generated bad bodies on the local cloud", () => {
  it("refuses every generated bad decision with 400 naming the field, writing nothing", async () => {
    await refusesAll(
      "POST",
      () => "/v1/decisions",
      { role: "producer" },
      () => decision(world.experimentId),
      decisionFields,
    );
  });

  it("refuses every generated bad new or changed experiment with 400 naming the field, writing nothing", async () => {
    const valid = () => ({
      id: "fuzz-exp",
      control: "a",
      modelPriceUsd: { "m-1": 0.01 },
      arms: [
        {
          id: "a",
          weight: 1,
          policy: { autoAcceptAbove: 0.9, rules: [{ field: "amount", op: "gt", value: 1 }] },
        },
      ],
    });
    const fields: [Path, Kind][] = [
      [["modelPriceUsd"], "map"],
      [["arms", 0, "policy", "autoAcceptAbove"], "probability"],
      [["arms", 0, "policy", "rules", 0, "value"], "free"],
    ];
    await refusesAll(
      "PUT",
      () => `/v1/experiments/${world.experimentId}`,
      { role: "admin" },
      () => ({ ...valid(), id: world.experimentId }),
      fields,
    );
    await refusesAll("POST", () => "/v1/experiments", { role: "admin" }, valid, [
      [["modelPriceUsd"], "map"],
      [["arms", 0, "policy", "autoAcceptAbove"], "probability"],
      [["arms", 0, "policy", "rules", 0, "value"], "free"],
    ]);
  });

  it("refuses every generated bad verdict with 400 naming the field, writing nothing", async () => {
    await refusesAll(
      "POST",
      () => `/v1/reviews/${world.reviewId}/verdict`,
      { token: world.token },
      () => ({ label: "approve", notes: "fine", handlingSeconds: 30 }),
      [
        [["label"], "text"],
        [["notes"], "text"],
        [["handlingSeconds"], "amount"],
      ],
    );
  });

  it("refuses every generated bad ground truth and acknowledgement with 400 naming the field, writing nothing", async () => {
    await refusesAll(
      "POST",
      () => `/v1/decisions/${world.settledId}/ground-truth`,
      { role: "producer" },
      () => ({ label: "deny", source: "chargeback" }),
      [
        [["label"], "text"],
        [["source"], "text"],
      ],
    );
    await refusesAll(
      "POST",
      () => "/v1/feedback/ack",
      { role: "ml" },
      () => ({ until: "2026-01-01T00:00:00Z", modelVersion: "m-1", stage: "training" }),
      [
        [["modelVersion"], "text"],
        [["stage"], "text"],
      ],
    );
  });
});

describe("generated bad paths and query strings on the local cloud", () => {
  it("answers every generated id in a path with a 4xx, writing nothing", async () => {
    const routes: [string, (id: string) => string, keyof typeof cloud.tokens][] = [
      ["GET", (id) => `/v1/decisions/${id}`, "producer"],
      ["POST", (id) => `/v1/decisions/${id}/withdraw`, "producer"],
      ["GET", (id) => `/v1/reviews/${id}`, "reviewer"],
      ["POST", (id) => `/v1/reviews/${id}/heartbeat`, "reviewer"],
      ["POST", (id) => `/v1/reviews/${id}/release`, "reviewer"],
      ["GET", (id) => `/v1/experiments/${id}/report`, "analyst"],
    ];
    const id = fc
      .oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 513, maxLength: 700 }),
      )
      .filter((s) => s.trim() !== "" && s !== "." && s !== ".." && !s.includes("/"));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), id, async ([method, path, role], raw) => {
        const answer = await fetch(new URL(path(encodeURIComponent(raw)), cloud.apiUrl), {
          method,
          headers: { authorization: `Bearer ${cloud.tokens[role]}` },
        });
        const body = (await answer.json()) as ErrorBody;
        expect([400, 404]).toContain(answer.status);
        expect(body.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(await tablesAndQueues()).toEqual(baseline);
  });

  it("refuses every generated malformed experiment id filtering a claim with 400 naming it, writing nothing", async () => {
    const id = fc.oneof(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !/^[A-Za-z0-9_.-]+$/.test(s)),
      fc.string({ unit: fc.constantFrom("a", "b", "1"), minLength: 65, maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(id, async (experimentId) => {
        const query = new URLSearchParams({ experimentId });
        const answer = await call<ErrorBody>("POST", `/v1/queues/${world.queue}/claim?${query}`, {
          token: world.token,
        });
        expect(answer.status).toBe(400);
        expect(answer.body.error.message).toContain("experimentId");
      }),
      { numRuns: RUNS },
    );
    expect(await tablesAndQueues()).toEqual(baseline);
  });

  it("refuses every generated unknown query parameter with 400 naming it, writing nothing", async () => {
    const known = new Set([
      "since",
      "limit",
      "cursor",
      "alpha",
      "correction",
      "tuning",
      "minAudits",
      "experimentId",
    ]);
    const name = fc
      .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 12 })
      .filter((s) => /^[a-z][a-zA-Z0-9_]*$/.test(s) && !known.has(s));
    const routes = [() => "/v1/feedback", () => `/v1/experiments/${world.experimentId}/report`];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        name,
        fc.string({ maxLength: 20 }),
        async (route, key, value) => {
          const query = new URLSearchParams({ [key]: value });
          const role = route().startsWith("/v1/feedback") ? "ml" : "analyst";
          const answer = await call<ErrorBody>("GET", `${route()}?${query}`, { role });
          expect(answer.status).toBe(400);
          expect(answer.body.error.message).toContain(key);
        },
      ),
      { numRuns: RUNS },
    );
    expect(await tablesAndQueues()).toEqual(baseline);
  });
});

describe("generated bad messages on the consumed queues", () => {
  it("dead-letters every generated bad decision sent to the ingest queue, naming the field, writing nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() => broken(decision(world.experimentId), decisionFields)),
        async ({ body }) => {
          const text = JSON.stringify(body);
          await sendTo("IngestQueue", text);
          const dead = await deadLettered("IngestQueue", text);
          expect(dead.code).toBe("validation_failed");
          expect(dead.message).toMatch(/is invalid: /);
        },
      ),
      { numRuns: 3 },
    );
    expect(withoutDeadLetters(await settledSnapshot())).toEqual(withoutDeadLetters(baseline));
  });

  it("dead-letters every generated text that is not a hold round sent to the review intake, writing nothing", async () => {
    // Not JSON at all, or JSON that is not a hold round; a nonce tells the messages apart.
    const text = fc.oneof(
      fc.string().map((junk) => ({ junk, json: false })),
      fc.jsonValue().map((junk) => ({ junk, json: true })),
    );
    await fc.assert(
      fc.asyncProperty(text, async ({ junk, json }) => {
        const nonce = uid("nonce");
        const body = json ? JSON.stringify({ junk, nonce }) : `{${String(junk)} ${nonce}`;
        await sendTo("ReviewIntakeQueue", body);
        const dead = await deadLettered("ReviewIntakeQueue", body);
        expect(["malformed_json", "invalid_message"]).toContain(dead.code);
      }),
      { numRuns: 3 },
    );
    expect(withoutDeadLetters(await settledSnapshot())).toEqual(withoutDeadLetters(baseline));
  });
});

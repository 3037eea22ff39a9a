import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bench,
  deadLettered,
  decision,
  type ErrorBody,
  finish,
  nested,
  sendTo,
  tablesAndQueues,
} from "./bad-input-world";
import { call, type cloud, settledSnapshot, uid } from "./support";

/**
 * Inputs that pass the schemas' types but break DynamoDB's own limits, over every route that stores
 * product or reviewer data, and bad paths, query strings and queue messages: each is a 4xx (or a
 * dead-lettered message) naming the field and the limit, and no table or queue changes.
 */
let world: Awaited<ReturnType<typeof bench>>;
let baseline: Record<string, unknown>;

beforeAll(async () => {
  world = await bench();
  baseline = await settledSnapshot();
});
afterAll(async () => {
  if (world) await finish(world);
});

type Request = { method: string; path: () => string; role?: keyof typeof cloud.tokens; reviewer?: boolean };
type Body = { body?: () => unknown; rawBody?: () => string };

/** One refused request: its status, the message naming the field and limit, and nothing written. */
function refuses(name: string, request: Request & Body, status: number, message: RegExp) {
  it(name, async () => {
    // Act
    const answer = await call<ErrorBody>(request.method, request.path(), {
      ...(request.reviewer ? { token: world.token } : { role: request.role ?? "producer" }),
      ...(request.rawBody ? { rawBody: request.rawBody() } : {}),
      ...(request.body ? { body: request.body() } : {}),
    });

    // Assert
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
    expect(await tablesAndQueues()).toEqual(baseline);
  });
}

const decide = (extra: () => Record<string, unknown>) => ({
  method: "POST",
  path: () => "/v1/decisions",
  body: () => decision(world.experimentId, extra()),
});
const experiment = (policy: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  method: "POST",
  path: () => "/v1/experiments",
  role: "admin" as const,
  body: () => ({
    id: uid("exp-bad"),
    control: "a",
    arms: [{ id: "a", weight: 1, policy: { autoAcceptAbove: 0.9, ...policy } }],
    ...extra,
  }),
});
const verdict = (body: Record<string, unknown>) => ({
  method: "POST",
  path: () => `/v1/reviews/${world.reviewId}/verdict`,
  reviewer: true,
  body: () => body,
});
const raw = (json: string) => json;
const withoutDeadLetters = (state: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(state).filter(([name]) => !name.endsWith("/Dlq")));
const LONG = "x".repeat(600);

describe("a decision that breaks DynamoDB's limits is refused with 400 and writes nothing", () => {
  refuses(
    "refuses an item nested deeper than the 31 levels a decision may use, naming the path",
    decide(() => ({ item: { topic: "billing", deep: nested(30) } })),
    400,
    /item\.deep(\.a){30}: nests deeper than the 31 levels a stored record leaves for it \(DynamoDB allows 32\)/,
  );
  refuses(
    "refuses an empty key inside the item",
    decide(() => ({ item: { topic: "billing", customer: { "": "gold" } } })),
    400,
    /item\.customer\[""\]: is an empty key; DynamoDB map keys must not be empty/,
  );
  refuses(
    "refuses an item amount of 1e126, naming DynamoDB's number range",
    decide(() => ({ item: { amount: 1e126 } })),
    400,
    /item\.amount: must be smaller in magnitude than 1e126 \(DynamoDB's number range\), got 1e\+126/,
  );
  refuses(
    "refuses a negative item score of -1e200 inside a list",
    decide(() => ({ item: { scores: [0.5, -1e200] } })),
    400,
    /item\.scores\[1\]: must be smaller in magnitude than 1e126/,
  );
  refuses(
    "refuses a model cost of 1e300 dollars",
    decide(() => ({ prediction: { label: "approve", confidence: 0.9, costUsd: 1e300 } })),
    400,
    /prediction\.costUsd: must be smaller in magnitude than 1e126/,
  );
  refuses(
    "refuses an item under the body limit whose stored size is over its budget",
    decide(() => ({ item: { ones: new Array(100_000).fill(1) } })),
    400,
    /request body: takes 300,\d{3} bytes as DynamoDB counts them \(item takes 300,\d{3}\); at most 256,000 fit/,
  );
  refuses(
    "refuses a label holding an unpaired surrogate",
    {
      method: "POST",
      path: () => "/v1/decisions",
      rawBody: () =>
        raw(
          JSON.stringify(decision(world.experimentId)).replace(
            '"label":"approve"',
            '"label":"appro\\ud800ve"',
          ),
        ),
    },
    400,
    /prediction\.label: is not valid Unicode text: an unpaired surrogate at character 5/,
  );
  refuses(
    "refuses an item key holding an unpaired surrogate",
    {
      method: "POST",
      path: () => "/v1/decisions",
      rawBody: () =>
        raw(JSON.stringify(decision(world.experimentId)).replace('"amount":120', '"am\\udc00ount":120')),
    },
    400,
    /is a key that is not valid Unicode text/,
  );
  refuses(
    "refuses an alternative's confidence of 2 as outside [0, 1]",
    decide(() => ({
      prediction: { label: "approve", confidence: 0.9, alternatives: [{ label: "deny", confidence: 2 }] },
    })),
    400,
    /prediction\.alternatives\[0\]\.confidence: must be a number between 0 and 1, got 2/,
  );
});

describe("an experiment that breaks DynamoDB's limits is refused with 400 and writes nothing", () => {
  refuses(
    "refuses a rule value of 1e200",
    experiment({ rules: [{ field: "amount", op: "gt", value: 1e200 }] }),
    400,
    /arms\[0\]\.policy\.rules\[0\]\.value: must be smaller in magnitude than 1e126/,
  );
  refuses(
    "refuses a topic queue under an empty topic",
    experiment({ topicQueues: { "": "team-a" } }),
    400,
    /arms\[0\]\.policy\.topicQueues\[""\]: is an empty key/,
  );
  refuses(
    "refuses a model price under an empty model version",
    experiment({}, { modelPriceUsd: { "": 0.01 } }),
    400,
    /modelPriceUsd\[""\]: is an empty key/,
  );
  refuses(
    "refuses a model price of 1e130 dollars",
    experiment({}, { modelPriceUsd: { "m-1": 1e130 } }),
    400,
    /modelPriceUsd\["m-1"\]: must be smaller in magnitude than 1e126/,
  );
  refuses(
    "refuses a tier's hourly rate of 1e127 on a change, keeping the stored version",
    {
      method: "PUT",
      path: () => `/v1/experiments/${world.experimentId}`,
      role: "admin",
      body: () => ({
        control: "a",
        arms: [
          {
            id: "a",
            weight: 1,
            policy: {
              autoAcceptAbove: 0.9,
              sla: { tiers: [{ name: "tier-1", slaSeconds: 60, hourlyRateUsd: 1e127 }] },
            },
          },
        ],
      }),
    },
    400,
    /arms\[0\]\.policy\.sla\.tiers\[0\]\.hourlyRateUsd: must be smaller in magnitude than 1e126/,
  );
  refuses(
    "refuses a description holding an unpaired surrogate",
    {
      method: "POST",
      path: () => "/v1/experiments",
      role: "admin",
      rawBody: () =>
        `{"id":"${uid("exp-bad")}","control":"a","description":"odd \\ud83d text","arms":[{"id":"a","weight":1,"policy":{"autoAcceptAbove":0.9}}]}`,
    },
    400,
    /description: is not valid Unicode text: an unpaired surrogate at character 4/,
  );
});

describe("a verdict, ground truth or acknowledgement that cannot be stored is refused with 400", () => {
  refuses(
    "refuses verdict notes holding an unpaired surrogate",
    {
      method: "POST",
      path: () => `/v1/reviews/${world.reviewId}/verdict`,
      reviewer: true,
      rawBody: () => '{"label":"approve","notes":"see \\udfff"}',
    },
    400,
    /notes: is not valid Unicode text/,
  );
  refuses(
    "refuses a verdict whose handling time is text",
    verdict({ label: "approve", handlingSeconds: "fast" }),
    400,
    /handlingSeconds: must be a number between 0 and 86400, got "fast"/,
  );
  refuses("refuses a verdict with an empty label", verdict({ label: "" }), 400, /label: must not be empty/);
  refuses(
    "refuses ground truth whose label holds an unpaired surrogate",
    {
      method: "POST",
      path: () => `/v1/decisions/${world.settledId}/ground-truth`,
      rawBody: () => '{"label":"\\ud800","source":"chargeback"}',
    },
    400,
    /label: is not valid Unicode text/,
  );
  refuses(
    "refuses ground truth with a source over 100 characters",
    {
      method: "POST",
      path: () => `/v1/decisions/${world.settledId}/ground-truth`,
      body: () => ({ label: "deny", source: "s".repeat(101) }),
    },
    400,
    /source: must be at most 100 characters long, got 101/,
  );
  refuses(
    "refuses an acknowledgement whose model version holds an unpaired surrogate",
    {
      method: "POST",
      path: () => "/v1/feedback/ack",
      role: "ml",
      rawBody: () => '{"until":"2026-01-01T00:00:00Z","modelVersion":"m\\ud800","stage":"training"}',
    },
    400,
    /modelVersion: is not valid Unicode text/,
  );
  refuses(
    "refuses an acknowledgement of an empty list of ids",
    {
      method: "POST",
      path: () => "/v1/feedback/ack",
      role: "ml",
      body: () => ({ feedbackIds: [], modelVersion: "m-1", stage: "training" }),
    },
    400,
    /feedbackIds: must hold at least 1 entry, got 0/,
  );
});

describe("a path or query string that cannot name anything stored is refused with 400", () => {
  refuses(
    "refuses a decision id of 600 bytes in the path, naming the 512-byte limit",
    { method: "GET", path: () => `/v1/decisions/${LONG}` },
    400,
    /id: is 600 bytes long; at most 512 \(it is used in a DynamoDB key\)/,
  );
  refuses(
    "refuses a heartbeat for a review id of 600 bytes",
    { method: "POST", path: () => `/v1/reviews/${LONG}/heartbeat`, reviewer: true },
    400,
    /id: is 600 bytes long/,
  );
  refuses(
    "refuses a claim on a queue name of 600 bytes",
    { method: "POST", path: () => `/v1/queues/${LONG}/claim`, reviewer: true },
    400,
    /queue: is 600 bytes long/,
  );
  refuses(
    "refuses a report for an experiment id of 600 multi-byte characters",
    {
      method: "GET",
      path: () => `/v1/experiments/${encodeURIComponent("é".repeat(300))}/report`,
      role: "analyst",
    },
    400,
    /id: is [\d,]+ bytes long; at most 512/,
  );
  refuses(
    "refuses a claim filtered by a malformed experiment id",
    {
      method: "POST",
      path: () => `/v1/queues/${world.queue}/claim?experimentId=${encodeURIComponent("not an id!")}`,
      reviewer: true,
    },
    400,
    /experimentId/,
  );
  refuses(
    "refuses a feedback page size that is not a number",
    { method: "GET", path: () => "/v1/feedback?limit=many", role: "ml" },
    400,
    /limit: must be a whole number from 1 to \d+, got "many"/,
  );
  refuses(
    "refuses a feedback cursor the API never handed out",
    { method: "GET", path: () => "/v1/feedback?cursor=bm90LWEtY3Vyc29y", role: "ml" },
    400,
    /cursor: is not a cursor this API handed out/,
  );
  refuses(
    "refuses an unknown feedback query parameter",
    { method: "GET", path: () => "/v1/feedback?order=desc", role: "ml" },
    400,
    /order: is not a parameter of this route/,
  );
  refuses(
    "refuses a report significance level of 0.9",
    { method: "GET", path: () => `/v1/experiments/${world.experimentId}/report?alpha=0.9`, role: "analyst" },
    400,
    /alpha/,
  );
});

describe("a queue message that can never be processed is dead-lettered, naming the problem, and writes nothing", () => {
  const consumed = (
    name: string,
    queue: "IngestQueue" | "ReviewIntakeQueue",
    body: () => string,
    code: string,
    message: RegExp,
  ) =>
    it(name, async () => {
      // Arrange
      const text = body();

      // Act
      await sendTo(queue, text);
      const dead = await deadLettered(queue, text);

      // Assert
      expect(dead.code).toBe(code);
      expect(dead.message).toMatch(message);
      // Tables and work queues as before; dead-letter queues hold what these cases sent them.
      expect(withoutDeadLetters(await settledSnapshot())).toEqual(withoutDeadLetters(baseline));
    });

  consumed(
    "dead-letters an ingested decision with an item amount of 1e126",
    "IngestQueue",
    () => JSON.stringify(decision(world.experimentId, { item: { amount: 1e126 } })),
    "validation_failed",
    /item\.amount: must be smaller in magnitude than 1e126/,
  );
  consumed(
    "dead-letters an ingested decision nested too deep for DynamoDB",
    "IngestQueue",
    () => JSON.stringify(decision(world.experimentId, { item: nested(40) })),
    "validation_failed",
    /nests deeper than the 31 levels/,
  );
  consumed(
    "dead-letters a review intake message that is not JSON",
    "ReviewIntakeQueue",
    () => `{"taskToken": "t-${uid("x")}", `,
    "malformed_json",
    /message body is not valid JSON/,
  );
  consumed(
    "dead-letters a review intake message without its task token",
    "ReviewIntakeQueue",
    () => JSON.stringify({ hold: { reviewId: uid("rv") } }),
    "invalid_message",
    /taskToken: is required/,
  );
});

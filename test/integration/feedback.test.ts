import { beforeAll, describe, expect, it } from "vitest";
import type { FeedbackRecord } from "../../core/feedback/record";
import { call, cloud, createExperiment, eventually, settledSnapshot, snapshot, uid } from "./support";

interface ExportAnswer {
  status: number;
  records: FeedbackRecord[];
  cursor: string | null;
  contentType: string | null;
  error?: { code: string; message: string };
}

/** One page of GET /v1/feedback (JSON Lines, so not through `call`, which expects one JSON body). */
async function exportPage(
  query: Record<string, string>,
  role: "ml" | "reviewer" = "ml",
): Promise<ExportAnswer> {
  const url = new URL("/v1/feedback", cloud.apiUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url, { headers: { authorization: `Bearer ${cloud.tokens[role]}` } });
  const text = await response.text();
  const contentType = response.headers.get("content-type");
  if (!response.ok)
    return { status: response.status, records: [], cursor: null, contentType, error: JSON.parse(text).error };
  return {
    status: response.status,
    records: text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as FeedbackRecord),
    cursor: response.headers.get("x-next-cursor"),
    contentType,
  };
}

/** Every record from `since` on, following the cursor page by page. */
async function exportAll(since: string, limit: string) {
  const records: FeedbackRecord[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await exportPage({ since, limit, ...(cursor ? { cursor } : {}) });
    expect(page.status).toBe(200);
    records.push(...page.records);
    pageSizes.push(page.records.length);
    cursor = page.cursor;
  } while (cursor);
  return { records, pageSizes };
}

let experimentId: string;
let queue: string;
const sourceModel = uid("m-src");

/** Holds a decision for a person, who then decides against the model: one correction. */
async function correct(reviewer: string): Promise<{ decisionId: string; feedbackId: string }> {
  const decisionId = uid("fd");
  const routed = await call<{ route: string; reviewId: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("unit"),
      decisionId,
      item: { topic: "legal" },
      prediction: { label: "approve", confidence: 0.9, modelVersion: sourceModel },
    },
  });
  expect(routed.body.route).toBe("human");
  await eventually(
    async () => {
      const claim = await call<{ review: { reviewId: string } | null }>("POST", `/v1/queues/${queue}/claim`, {
        token: cloud.identities[reviewer],
      });
      return claim.body.review?.reviewId === routed.body.reviewId ? true : undefined;
    },
    20_000,
    "the held item to be claimable",
  );
  const verdict = await call("POST", `/v1/reviews/${routed.body.reviewId}/verdict`, {
    token: cloud.identities[reviewer],
    body: { label: "deny", handlingSeconds: 30 },
  });
  expect(verdict.status).toBe(200);
  const feedbackId = `fb-review-${decisionId}`;
  await eventually(
    async () => {
      const page = await exportPage({ since: startedAt, limit: "1000" });
      return page.records.some((r) => r.feedbackId === feedbackId) ? true : undefined;
    },
    20_000,
    "the correction in the export",
  );
  return { decisionId, feedbackId };
}

let startedAt: string;
const corrections: { decisionId: string; feedbackId: string }[] = [];

beforeAll(async () => {
  startedAt = new Date().toISOString();
  queue = uid("fbq");
  const policy = { autoAcceptAbove: 0.95, alwaysHumanTopics: ["legal"], queue };
  experimentId = await createExperiment({ arms: [{ id: "conservative", weight: 1, policy }] });
  for (const reviewer of ["r1", "r2", "r3"]) corrections.push(await correct(reviewer));
}, 120_000);

const ids = () => corrections.map((c) => c.feedbackId);
const mine = (records: readonly FeedbackRecord[]) => records.filter((r) => ids().includes(r.feedbackId));
const orderKey = (r: FeedbackRecord) => `${r.producedAt}#${r.feedbackId}`;

describe("exporting corrections for the ML team", () => {
  it("pages through corrections one at a time in a stable order, following the cursor", async () => {
    // Act
    const { records, pageSizes } = await exportAll(startedAt, "1");

    // Assert
    expect(
      mine(records)
        .map((r) => r.feedbackId)
        .sort(),
    ).toEqual([...ids()].sort());
    const keys = records.map(orderKey);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(pageSizes.every((n) => n === 1)).toBe(true);
    expect(mine(records)[0]).toMatchObject({
      experimentId,
      source: "review",
      humanLabel: "deny",
      prediction: { label: "approve", modelVersion: sourceModel },
    });
  });

  it("answers JSON Lines and starts at `since`", async () => {
    // Arrange
    const all = mine((await exportAll(startedAt, "1000")).records);
    const second = all[1];
    if (!second) throw new Error("expected three corrections");

    // Act
    const page = await exportPage({ since: second.producedAt, limit: "1000" });

    // Assert
    expect(page.contentType).toContain("application/x-ndjson");
    expect(mine(page.records).map((r) => r.feedbackId)).toEqual(all.slice(1).map((r) => r.feedbackId));
  });

  for (const [name, query] of [
    ["since", { since: "yesterday" }],
    ["limit", { limit: "0" }],
    ["limit", { limit: "1001" }],
    ["cursor", { cursor: "bm90LWEtY3Vyc29y" }],
  ] as const) {
    it(`refuses a malformed ${name} (${Object.values(query)[0]}) with 400 naming it, changing nothing`, async () => {
      // Arrange
      const before = await settledSnapshot();

      // Act
      const page = await exportPage(query);

      // Assert
      expect(page.status).toBe(400);
      expect(page.error?.message).toContain(`${name}:`);
      expect(await snapshot()).toEqual(before);
    });
  }

  it("answers 403 to a token without the ml role", async () => {
    // Act
    const page = await exportPage({}, "reviewer");

    // Assert
    expect(page.status).toBe(403);
  });
});

describe("acknowledging corrections", () => {
  const trainedModel = uid("m-next");

  it("records that a model version took corrections in, visible in the export", async () => {
    // Arrange
    const [first, second] = ids();

    // Act
    const answer = await call<{ acknowledged: number }>("POST", "/v1/feedback/ack", {
      role: "ml",
      body: { feedbackIds: [first, second], modelVersion: trainedModel, stage: "training" },
    });

    // Assert
    expect(answer).toMatchObject({ status: 200, body: { acknowledged: 2 } });
    const exported = mine((await exportAll(startedAt, "1000")).records);
    const acked = exported.filter((r) => r.acks?.some((a) => a.modelVersion === trainedModel));
    expect(acked.map((r) => r.feedbackId).sort()).toEqual([first, second].sort());
  });

  it("refuses a second ack for the same stage with 409 naming the ids, changing nothing", async () => {
    // Arrange
    const [first, , third] = ids();
    const before = await settledSnapshot();

    // Act
    const answer = await call<{ error: { code: string; message: string } }>("POST", "/v1/feedback/ack", {
      role: "ml",
      body: { feedbackIds: [third, first], modelVersion: uid("m-other"), stage: "training" },
    });

    // Assert
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("already_acknowledged");
    expect(answer.body.error.message).toContain(String(first));
    expect(await snapshot()).toEqual(before);
  });

  it("refuses unknown feedback ids with 404 naming them, changing nothing", async () => {
    // Arrange
    const [, , third] = ids();
    const unknown = uid("fb-unknown");
    const before = await settledSnapshot();

    // Act
    const answer = await call<{ error: { code: string; message: string } }>("POST", "/v1/feedback/ack", {
      role: "ml",
      body: { feedbackIds: [third, unknown], modelVersion: trainedModel, stage: "evaluation" },
    });

    // Assert
    expect(answer.status).toBe(404);
    expect(answer.body.error.message).toContain(unknown);
    expect(await snapshot()).toEqual(before);
  });

  for (const [what, body] of [
    [
      "both feedbackIds and until",
      { feedbackIds: ["x"], until: new Date().toISOString(), modelVersion: "m", stage: "training" },
    ],
    ["an unknown stage", { until: new Date().toISOString(), modelVersion: "m", stage: "production" }],
    ["an until that is not a date", { until: "soon", modelVersion: "m", stage: "training" }],
  ] as const) {
    it(`refuses ${what} with 400, changing nothing`, async () => {
      // Arrange
      const before = await settledSnapshot();

      // Act
      const answer = await call("POST", "/v1/feedback/ack", { role: "ml", body });

      // Assert
      expect(answer.status).toBe(400);
      expect(await snapshot()).toEqual(before);
    });
  }

  it("acknowledges everything produced up to `until` that the stage has not taken in yet", async () => {
    // Arrange
    const evaluated = uid("m-eval");

    // Act
    const answer = await call<{ feedbackIds: string[] }>("POST", "/v1/feedback/ack", {
      role: "ml",
      body: { until: new Date().toISOString(), modelVersion: evaluated, stage: "evaluation" },
    });
    const again = await call<{ acknowledged: number }>("POST", "/v1/feedback/ack", {
      role: "ml",
      body: { until: new Date().toISOString(), modelVersion: evaluated, stage: "evaluation" },
    });

    // Assert
    expect(answer.status).toBe(200);
    expect(answer.body.feedbackIds).toEqual(expect.arrayContaining(ids()));
    expect(again).toMatchObject({ status: 200, body: { acknowledged: 0 } });
  });

  it("confirms the deployment when a decision arrives with the acknowledged model version", async () => {
    // Arrange
    const [first, second] = ids();

    // Act
    const decision = await call("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("unit"),
        item: { topic: "billing" },
        prediction: { label: "approve", confidence: 0.99, modelVersion: trainedModel },
      },
    });

    // Assert
    expect(decision.status).toBe(200);
    const deployed = await eventually(
      async () => {
        const records = mine((await exportAll(startedAt, "1000")).records);
        const done = records.filter((r) =>
          r.acks?.some((a) => a.stage === "deployed" && a.modelVersion === trainedModel),
        );
        return done.length === 2 ? done : undefined;
      },
      20_000,
      "deployed acks by the trained model version",
    );
    expect(deployed.map((r) => r.feedbackId).sort()).toEqual([first, second].sort());
  });
});

describe("ground truth", () => {
  /** An automated decision: the model said "approve" with confidence 0.99. */
  async function automated(): Promise<string> {
    const decisionId = uid("gt");
    const answer = await call<{ route: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("unit"),
        decisionId,
        item: { topic: "billing" },
        prediction: { label: "approve", confidence: 0.99, modelVersion: sourceModel },
      },
    });
    expect(answer.body.route).toBe("auto");
    return decisionId;
  }

  it("attaches ground truth beside the outcome and turns a contradicted prediction into a correction", async () => {
    // Arrange
    const decisionId = await automated();

    // Act
    const answer = await call<{ feedbackId?: string; modelCorrect: boolean }>(
      "POST",
      `/v1/decisions/${decisionId}/ground-truth`,
      { role: "producer", body: { label: "deny", source: "chargeback" } },
    );
    const again = await call("POST", `/v1/decisions/${decisionId}/ground-truth`, {
      role: "ml",
      body: { label: "deny", source: "chargeback" },
    });

    // Assert
    expect(answer).toMatchObject({
      status: 200,
      body: { modelCorrect: false, feedbackId: `fb-ground-truth-${decisionId}` },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("x-hitl-replayed")).toBe("true");
    const stored = await call("GET", `/v1/decisions/${decisionId}`, { role: "analyst" });
    expect(stored.body).toMatchObject({
      outcome: "approve",
      outcomeSource: "model",
      groundTruth: { label: "deny", source: "chargeback", revision: 1 },
    });
    const trail = await call<{ entries: { action: string }[] }>("GET", `/v1/decisions/${decisionId}/audit`, {
      role: "analyst",
    });
    expect(trail.body.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(["ground-truth", "feedback"]),
    );
    const exported = await eventually(
      async () =>
        (await exportAll(startedAt, "1000")).records.find(
          (r) => r.feedbackId === `fb-ground-truth-${decisionId}`,
        ),
      20_000,
      "the ground-truth correction in the export",
    );
    expect(exported).toMatchObject({
      source: "ground-truth",
      groundTruthSource: "chargeback",
      humanLabel: "deny",
    });
  });

  it("refuses another label for a decision that has ground truth with 409, changing nothing", async () => {
    // Arrange
    const decisionId = await automated();
    await call("POST", `/v1/decisions/${decisionId}/ground-truth`, {
      role: "producer",
      body: { label: "approve", source: "complaint" },
    });
    const before = await settledSnapshot();

    // Act
    const answer = await call<{ error: { code: string } }>(
      "POST",
      `/v1/decisions/${decisionId}/ground-truth`,
      {
        role: "producer",
        body: { label: "deny", source: "chargeback" },
      },
    );

    // Assert
    expect(answer).toMatchObject({ status: 409, body: { error: { code: "ground_truth_conflict" } } });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses an unknown decision with 404 and a malformed body with 400, changing nothing", async () => {
    // Arrange
    const decisionId = await automated();
    const before = await settledSnapshot();

    // Act
    const unknown = await call("POST", `/v1/decisions/${uid("nope")}/ground-truth`, {
      role: "producer",
      body: { label: "deny", source: "chargeback" },
    });
    const malformed = await call("POST", `/v1/decisions/${decisionId}/ground-truth`, {
      role: "producer",
      body: { label: "deny" },
    });

    // Assert
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

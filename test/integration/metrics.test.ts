import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { DynamoAuditLog } from "../../adapters/dynamodb/audit-log";
import { DynamoDecisionStore } from "../../adapters/dynamodb/decision-store";
import { DynamoExperimentStore } from "../../adapters/dynamodb/experiment-store";
import { DynamoFeedbackStore } from "../../adapters/dynamodb/feedback-store";
import { counterPk } from "../../adapters/dynamodb/metrics-keys";
import { DynamoReviewStore } from "../../adapters/dynamodb/review-store";
import { settle } from "../../core/review/steps";
import { retried, WriteCrasher } from "../support/crash";
import { call, cloud, createExperiment, dynamodb, eventually, nameOf, settledSnapshot, uid } from "./support";

const run = promisify(execFile);
let experimentId: string;
let devFile: string;

/** Runs the real CLI against this suite's local cloud. */
async function hitl(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ["bin/hitl.mjs", ...args, "--dev-file", devFile]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

interface ArmRow {
  arm: string;
  decisions: number;
  auto: number;
  human: number;
  units: number;
  counters: Record<string, number>;
}

async function shown(id: string): Promise<ArmRow[]> {
  const out = await hitl("metrics", "show", "--experiment", id, "--json");
  return (JSON.parse(out.stdout) as { arms: ArmRow[] }).arms;
}

const total = (arms: readonly ArmRow[], counter: string) =>
  arms.reduce((s, a) => s + (a.counters[counter] ?? 0), 0);

beforeAll(async () => {
  experimentId = await createExperiment({
    arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.9 } }],
  });
  devFile = path.join(mkdtempSync(path.join(tmpdir(), "hitl-metrics-")), "dev.json");
  writeFileSync(devFile, JSON.stringify({ ...cloud, tokens: cloud.tokens }));
});

/** Routes a held decision through the API and waits for its item in the queue. */
async function holdOne(id: string, queue: string) {
  const decisionId = uid("d");
  const answer = await call<{ reviewId: string; route: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId: id,
      unitId: uid("unit"),
      decisionId,
      item: { topic: "legal" },
      prediction: { label: "approve", confidence: 0.5 },
    },
  });
  expect(answer.body.route).toBe("human");
  await eventually(
    async () => {
      const r = await call<{ review: { status: string; queue: string } | null }>(
        "GET",
        `/v1/reviews/${answer.body.reviewId}`,
        { role: "reviewer" },
      );
      return r.body.review?.status === "pending" && r.body.review.queue === queue ? true : undefined;
    },
    20_000,
    "the held item in its queue",
  );
  return { decisionId, reviewId: answer.body.reviewId };
}

describe("metrics on the local cloud", () => {
  it("counts every routed decision exactly once, even when its producer sends it twice", async () => {
    // Arrange: 12 decisions, 4 of them sent twice by their producer
    const bodies = Array.from({ length: 12 }, (_, i) => ({
      experimentId,
      unitId: `unit-${i % 5}`,
      decisionId: uid("m"),
      item: { topic: "billing" },
      prediction: { label: "approve", confidence: i % 3 === 0 ? 0.5 : 0.97 },
    }));

    // Act
    for (const body of bodies) await call("POST", "/v1/decisions", { role: "producer", body });
    for (const body of bodies.slice(0, 4)) await call("POST", "/v1/decisions", { role: "producer", body });
    await settledSnapshot();
    const arms = await shown(experimentId);
    const rebuilt = await hitl("metrics", "rebuild", "--experiment", experimentId);

    // Assert
    expect(arms).toMatchObject([{ arm: "conservative", decisions: 12, auto: 8, human: 4, units: 5 }]);
    expect(rebuilt.stdout).toContain("no differences");
    expect(rebuilt.code).toBe(0);
  });

  it("loses and doubles nothing when the settle step dies between its writes, and rebuild equals live", async () => {
    // Arrange: three held items, each claimed by a reviewer through the API
    const queue = uid("crash");
    const id = await createExperiment({}, queue);
    const held = [await holdOne(id, queue), await holdOne(id, queue), await holdOne(id, queue)];
    for (const [i] of held.entries())
      expect(
        (await call("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities[`r${i + 1}`] })).status,
      ).toBe(200);
    const db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const stores = () => ({
      reviews: new DynamoReviewStore(db, nameOf("ReviewsTable")),
      decisions: new DynamoDecisionStore(db, nameOf("DecisionsTable")),
      feedback: new DynamoFeedbackStore(db, nameOf("DecisionsTable")),
    });

    // Act: the settle step (in this process, on the cloud's tables) dies right after its first,
    // second and third write (review item · decision · feedback record) and is retried.
    for (const [i, { decisionId, reviewId }] of held.entries()) {
      const s = stores();
      const crasher = new WriteCrasher(1);
      if (i === 0) crasher.watch(s.reviews, ["update"]);
      else if (i === 1) crasher.watch(s.decisions, ["settle"]);
      else crasher.watch(s.feedback, ["put"]);
      const deps = {
        ...s,
        experiments: new DynamoExperimentStore(db, nameOf("ExperimentsTable")),
        audit: new DynamoAuditLog(db, nameOf("AuditTable")),
        notify: { outcome: async () => undefined, feedback: async () => undefined },
        now: () => new Date(),
      };
      const item = await s.reviews.get(reviewId);
      const hold = (await s.decisions.get(decisionId))?.hold;
      if (!item || !hold) throw new Error(`review ${reviewId} not stored`);
      const verdict = {
        reviewer: item.leaseHolder ?? "r",
        label: "deny",
        handlingSeconds: 42,
        at: new Date().toISOString(),
        tier: item.tier,
        round: item.round,
        claimedAt: item.claimedAt ?? new Date().toISOString(),
        price: { hourlyRateUsd: 30 },
      };
      await retried(() => settle(deps, { ...hold, verdict: { verdicts: [verdict] } }));
      expect(crasher.crashed).toBe(true);
    }
    await settledSnapshot();
    const arms = await shown(id);
    const rebuilt = await hitl("metrics", "rebuild", "--experiment", id);

    // Assert: three verdicts, outcomes and corrections, each counted once
    expect(total(arms, "verdicts")).toBe(3);
    expect(total(arms, "overrides")).toBe(3);
    expect(total(arms, "humanOutcomes")).toBe(3);
    expect(total(arms, "feedbackProduced")).toBe(3);
    expect(total(arms, "enqueued")).toBe(3);
    expect(rebuilt.stdout).toContain("no differences");
    expect(rebuilt.code).toBe(0);
  });

  it("hitl metrics rebuild --repair puts a damaged counter right, once, with an audit entry", async () => {
    // Arrange: an hour's counters lose two decisions behind the counter's back
    await settledSnapshot();
    const hour = new Date().toISOString().slice(0, 13);
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: nameOf("MetricsTable"),
        Key: { pk: { S: counterPk(experimentId, 3) }, sk: { S: `${hour}#conservative` } },
        UpdateExpression: "ADD decisions :n",
        ExpressionAttributeValues: { ":n": { N: "-2" } },
      }),
    );
    const damaged = await hitl("metrics", "rebuild", "--experiment", experimentId);

    // Act
    const repaired = await hitl(
      "metrics",
      "rebuild",
      "--experiment",
      experimentId,
      "--repair",
      "--settle-seconds",
      "2",
    );
    const after = await hitl("metrics", "rebuild", "--experiment", experimentId);

    // Assert
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/conservative\s+decisions\s+10\s+12\s+-2/);
    expect(repaired.stdout).toMatch(/repaired \(repair-/);
    expect(repaired.code).toBe(0);
    expect(after.stdout).toContain("no differences");
    expect((await shown(experimentId))[0]?.decisions).toBe(12);
    const { Items = [] } = await dynamodb.send(
      new QueryCommand({
        TableName: nameOf("AuditTable"),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: `experiment#${experimentId}` } },
      }),
    );
    expect(Items.filter((i) => i.action?.S === "metrics-repaired")).toHaveLength(1);
  });
});

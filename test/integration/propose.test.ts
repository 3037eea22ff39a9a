import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { DynamoAuditLog } from "../../adapters/dynamodb/audit-log";
import { experimentEntity } from "../../core/audit/entry";
import type { Experiment } from "../../core/experiments/schema";
import type { ExperimentReport } from "../../core/report";
import { call, cloud, createExperiment, dynamodb, eventually, nameOf, uid } from "./support";

const run = promisify(execFile);

/** Claims the next item of `queue` for this experiment and answers `label`. */
async function decideNext(queue: string, experimentId: string, token: string, label = "approve") {
  const claimed = await eventually(
    async () => {
      const claim = await call<{ review: { reviewId: string } | null }>(
        "POST",
        `/v1/queues/${queue}/claim?experimentId=${experimentId}`,
        { token },
      );
      return claim.body.review ?? undefined;
    },
    20_000,
    `an item to claim in ${queue}`,
  );
  const verdict = await call("POST", `/v1/reviews/${claimed.reviewId}/verdict`, {
    token,
    body: { label, handlingSeconds: 40 },
  });
  expect(verdict.status).toBe(200);
}

describe("hitl experiments propose on the local cloud", () => {
  let experimentId: string;
  const queue = uid("pq").replaceAll(".", "-");

  beforeAll(async () => {
    // Arrange: one arm automates at ≥ 0.9 and audits every automated decision; 12 automated
    // (0.90–0.99) and 10 held (0.80–0.89) decisions, all of whose answers the reviewers confirm.
    experimentId = await createExperiment(
      {
        certification: { targetError: 0.3, confidence: 0.95 },
        arms: [
          {
            id: "conservative",
            weight: 1,
            policy: {
              autoAcceptAbove: 0.9,
              auditRate: 1,
              queue,
              sla: { tiers: [{ name: "tier-1", slaSeconds: 3600 }], fallback: { action: "model" } },
            },
          },
        ],
      },
      queue,
    );
    const confidences = [
      ...Array.from({ length: 12 }, (_, i) => 0.905 + i * 0.0075),
      ...Array.from({ length: 10 }, (_, i) => 0.805 + i * 0.0095),
    ];
    for (const confidence of confidences)
      await call("POST", "/v1/decisions", {
        role: "producer",
        body: {
          experimentId,
          unitId: uid("unit"),
          decisionId: uid("pd"),
          item: { topic: "billing" },
          prediction: { label: "approve", confidence: Math.round(confidence * 1000) / 1000 },
        },
      });
    for (let i = 0; i < 12; i++)
      await decideNext("audit", experimentId, cloud.identities[`r${(i % 4) + 9}`] as string);
    for (let i = 0; i < 10; i++)
      await decideNext(queue, experimentId, cloud.identities[`r${(i % 4) + 13}`] as string);
  }, 240_000);

  it("writes the certified next level as a new arm in a new config version, with an audit entry", async () => {
    // Arrange: wait until the report counts all 22 verdicts and proposes a level.
    const report = await eventually(
      async () => {
        const r = await call<ExperimentReport>("GET", `/v1/experiments/${experimentId}/report`, {
          role: "analyst",
        });
        const arm = r.body.arms?.[0];
        // Every verdict counted first: a proposal from part of them would change under the CLI.
        const counted =
          arm?.decisionQuality.automatedAccuracy.audits === 12 &&
          arm.decisionQuality.outcomes.reviewed === 10;
        return counted && r.body.recommendation?.proposed ? r.body : undefined;
      },
      60_000,
      "a proposed next level",
    );
    const proposed = report.recommendation.proposed;

    // Act
    const { stdout } = await run(
      process.execPath,
      ["bin/hitl.mjs", "experiments", "propose", experimentId, "--yes"],
      {
        env: { ...process.env, HITL_API_URL: cloud.apiUrl, HITL_TOKEN: cloud.tokens.admin },
      },
    );

    // Assert
    expect(report.arms[0]?.certificate).toMatchObject({ threshold: 0.9, holds: true });
    expect(proposed?.threshold).toBeLessThan(0.9);
    expect(stdout).toContain(proposed?.sentence ?? "?");
    expect(stdout).toMatch(/Wrote version 2 of /);
    const { body: after } = await call<Experiment>("GET", `/v1/experiments/${experimentId}`, {
      role: "admin",
    });
    expect(after.version).toBe(2);
    expect(after.arms.map((a) => [a.id, a.weight, a.policy.autoAcceptAbove])).toEqual([
      ["conservative", 0.5, 0.9],
      [`conservative-at-${proposed?.threshold}`, 0.5, proposed?.threshold],
    ]);
    const db = DynamoDBDocumentClient.from(dynamodb);
    const trail = await new DynamoAuditLog(db, nameOf("AuditTable")).list(experimentEntity(experimentId));
    expect(trail.map((e) => e.action)).toContain("experiment-changed");
    expect(trail.find((e) => e.action === "experiment-changed")?.detail).toMatchObject({ from: 1, to: 2 });
  }, 120_000);
});

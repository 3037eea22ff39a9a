import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { ExperimentReport } from "../../core/report";
import { call, cloud, createExperiment, dynamodb, eventually, nameOf, uid } from "./support";

interface Routed {
  decisionId: string;
  arm: string;
  enrolled: boolean;
  route: "auto" | "human";
  audit: boolean;
  reason: string;
  configVersion: number;
}

interface Invocation {
  schedule: string;
  functionName: string;
  ok: boolean;
  result?: { checked: number; paused: { experimentId: string; arm: string; version: number }[] };
  error?: string;
}

const policy = (autoAcceptAbove: number, queue: string, auditRate: number) => ({
  autoAcceptAbove,
  auditRate,
  queue,
  sla: { tiers: [{ name: "tier-1", slaSeconds: 3600 }], fallback: { action: "model" } },
});

async function route(experimentId: string): Promise<Routed> {
  const answer = await call<Routed>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("unit"),
      decisionId: uid("d"),
      item: { topic: "billing" },
      prediction: { label: "approve", confidence: 0.9, modelVersion: "m-1" },
    },
  });
  expect(answer.status).toBe(200);
  return answer.body;
}

async function decideNext(queue: string, label: string, token: string): Promise<void> {
  const claimed = await eventually(
    async () =>
      (await call<{ review: { reviewId: string } | null }>("POST", `/v1/queues/${queue}/claim`, { token }))
        .body.review ?? undefined,
    20_000,
    `an item to claim in ${queue}`,
  );
  const verdict = await call("POST", `/v1/reviews/${claimed.reviewId}/verdict`, {
    token,
    body: { label, handlingSeconds: 30 },
  });
  expect(verdict.status).toBe(200);
}

/** Runs the guardrail schedule now, limited to one experiment so other suites' experiments are left alone. */
async function runGuardrailSchedule(experimentId: string): Promise<Invocation[]> {
  const url = inject("schedulesUrl");
  if (!url) throw new Error("the global setup must provide schedulesUrl: await cloud.schedules.serve()");
  const response = await fetch(new URL("/run", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: "Guardrails", input: { experimentIds: [experimentId] } }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { invocations: Invocation[] }).invocations;
}

const report = async (id: string) =>
  (await call<ExperimentReport>("GET", `/v1/experiments/${id}/report`, { role: "analyst" })).body;

describe("the quality guardrail on the local cloud", () => {
  let experimentId: string;
  const AUDITS = 16;
  const CONTROL_VERDICTS = 5;

  beforeAll(async () => {
    // Arrange: a bad aggressive arm. It automates everything and audits half; every audit finds the
    // automated answer wrong. Control holds everything; its reviewers agree with the model.
    const queue = uid("gq").replaceAll(".", "-");
    experimentId = await createExperiment({
      qualityMargin: 0.05,
      arms: [
        { id: "conservative", weight: 0.5, policy: policy(0.95, queue, 0) },
        { id: "aggressive", weight: 0.5, policy: policy(0.8, queue, 0.5) },
      ],
    });
    let audits = 0;
    let held = 0;
    for (let i = 0; i < 400 && (audits < AUDITS || held < CONTROL_VERDICTS); i++) {
      const routed = await route(experimentId);
      if (routed.audit) audits++;
      if (routed.route === "human") held++;
    }
    for (let i = 0; i < audits; i++)
      await decideNext("audit", "deny", cloud.identities[`r${(i % 8) + 1}`] as string);
    for (let i = 0; i < CONTROL_VERDICTS; i++)
      await decideNext(queue, "approve", cloud.identities[`r${(i % 8) + 9}`] as string);
    await eventually(
      async () => {
        const r = await report(experimentId);
        const [control, aggressive] = r.arms ?? [];
        return control?.quality.outcomes.reviewed === CONTROL_VERDICTS &&
          aggressive?.quality.automatedAccuracy.audits === audits
          ? true
          : undefined;
      },
      60_000,
      "the metrics counter to count every verdict",
    );
  }, 240_000);

  it("pauses the bad arm when the schedule runs, records it in the audit trail, and stays idempotent", async () => {
    // Act
    const first = await runGuardrailSchedule(experimentId);
    const second = await runGuardrailSchedule(experimentId);

    // Assert
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ ok: true, result: { checked: 1 } });
    expect(first[0]?.result?.paused).toEqual([{ experimentId, arm: "aggressive", version: 2 }]);
    expect(second[0]?.result?.paused).toEqual([]);
    const experiment = await call<{ version: number; arms: { id: string; paused: boolean }[] }>(
      "GET",
      `/v1/experiments/${experimentId}`,
      { role: "admin" },
    );
    expect(experiment.body.version).toBe(2);
    expect(experiment.body.arms.map((a) => [a.id, a.paused])).toEqual([
      ["conservative", false],
      ["aggressive", true],
    ]);
    const { Items } = await dynamodb.send(
      new QueryCommand({
        TableName: nameOf("AuditTable"),
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: `experiment#${experimentId}` } },
      }),
    );
    const paused = (Items ?? []).map((item) => unmarshall(item)).filter((e) => e.action === "arm-paused");
    expect(paused).toHaveLength(1);
    expect(paused[0]).toMatchObject({
      actor: "guardrail",
      detail: { arm: "aggressive", control: "conservative", fromVersion: 1, toVersion: 2, margin: 0.05 },
    });
  });

  it("gives new units that hash into the paused arm the control policy, not enrolled, and says why", async () => {
    // Act: routing caches the config for up to 5 s, so keep sending until a unit lands on the pause.
    const redirected = await eventually(
      async () => {
        const routed = await route(experimentId);
        return routed.reason.includes("aggressive is paused") ? routed : undefined;
      },
      30_000,
      "a unit of the paused arm",
    );

    // Assert
    expect(redirected).toMatchObject({
      arm: "conservative",
      enrolled: false,
      route: "human",
      configVersion: 2,
    });
  });

  it("shows the pause in the report", async () => {
    // Act
    const body = await report(experimentId);

    // Assert
    expect(body.arms.find((a) => a.arm === "aggressive")?.paused).toBe(true);
    expect(body.comparisons[0]?.qualityGuardrail.guardrail).toBe("paused");
    expect(body.warnings.map((w) => w.code)).toContain("arm-paused");
    expect(body.experiment.version).toBe(2);
  });
});

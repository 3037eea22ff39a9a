import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import type { ExperimentReport } from "../../core/report";
import {
  call,
  cloud,
  createExperiment,
  eventually,
  nameOf,
  settledSnapshot,
  snapshot,
  sqs,
  uid,
} from "./support";

interface Handoff {
  review: {
    reviewId: string;
    positions?: unknown;
    context?: { prediction?: { candidates?: { position: string; output: unknown }[] } };
    feedback?: unknown[];
  } | null;
}

/** Reads messages from a queue until one satisfies `match` (leaving them for other readers). */
function findMessage(queue: string, match: (body: Record<string, unknown>) => boolean) {
  return eventually(
    async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: nameOf(queue),
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
        }),
      );
      return (Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as Record<string, unknown>).find(match);
    },
    20_000,
    `a message on ${queue}`,
  );
}

/** Sends a decision; held ones (topic "legal") wait until their item is claimable. */
async function decide(experimentId: string, prediction: Record<string, unknown>, held = true) {
  const decisionId = uid("d");
  const answer = await call<{ reviewId?: string; route: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("u"),
      decisionId,
      item: { topic: held ? "legal" : "billing", prompt: `Answer the customer (${decisionId})` },
      prediction: { confidence: held ? 0.5 : 0.99, modelVersion: "gen-7", ...prediction },
    },
  });
  expect(answer.status).toBe(200);
  if (held) {
    await eventually(
      async () => {
        const r = await call<{ review: { status: string } }>("GET", `/v1/reviews/${answer.body.reviewId}`, {
          role: "reviewer",
        });
        return r.status === 200 && r.body.review?.status === "pending" ? true : undefined;
      },
      20_000,
      "the held item to reach its queue",
    );
  }
  return { decisionId, reviewId: answer.body.reviewId ?? "" };
}

const report = (id: string) =>
  call<ExperimentReport>("GET", `/v1/experiments/${id}/report`, { role: "analyst" });

async function exportLines(format: string) {
  const url = new URL("/v1/feedback", cloud.apiUrl);
  url.searchParams.set("format", format);
  url.searchParams.set("limit", "1000");
  const all: Record<string, unknown>[] = [];
  for (;;) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${cloud.tokens.ml}` } });
    const text = await response.text();
    all.push(
      ...text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    );
    const cursor = response.headers.get("x-next-cursor");
    if (!cursor) return all;
    url.searchParams.set("cursor", cursor);
  }
}

describe("feedback beyond labels on the local cloud", () => {
  it("runs a generated-text experiment: a correction, a rubric and a preference through API, metrics, report and export", async () => {
    // Arrange
    const queue = uid("gen");
    const experimentId = await createExperiment(
      {
        feedback: [
          { type: "correction" },
          { type: "rubric", criteria: [{ name: "faithful", scale: "pass-fail" }, { name: "tone" }] },
          { type: "pairwise" },
        ],
      },
      queue,
    );
    const candidates = [
      { source: "prompt-v1", output: "We refund within 5 days." },
      { source: "prompt-v2", output: "Your refund arrives in 3-5 business days." },
    ];
    const { decisionId, reviewId } = await decide(experimentId, {
      label: "prompt-v1",
      output: "We refund within 5 days.",
      candidates,
    });

    // Act
    const claim = await call<Handoff>("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities.r3 });
    // The claim shows the candidates blind (by position); the reviewer picks the 3-5 days reply.
    const shown = claim.body.review?.context?.prediction?.candidates ?? [];
    expect(claim.body.review?.positions).toBeUndefined();
    expect(shown.map((c) => c.position)).toEqual(["A", "B"]);
    expect(JSON.stringify(shown)).not.toContain("prompt-v");
    const better = shown.find((c) => c.output === candidates[1]?.output)?.position;
    const verdict = await call("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r3,
      body: {
        correction: { accepted: false, output: "We refund within 3 days." },
        rubric: { faithful: true, tone: 4 },
        pairwise: { choice: better },
      },
    });

    // Assert
    expect(claim.body.review?.reviewId).toBe(reviewId);
    expect(verdict).toMatchObject({
      status: 200,
      body: { verdict: { label: "corrected", feedback: { pairwise: { winner: "prompt-v2" } } } },
    });
    expect(await findMessage("OutcomesQueue/Queue", (m) => m.decisionId === decisionId)).toMatchObject({
      outcome: "corrected",
      correctedOutput: "We refund within 3 days.",
    });
    const arm = await eventually(
      async () => {
        const r = await report(experimentId);
        return r.body.arms.find((a) => (a.typedFeedback?.correction?.acceptedAsIs.n ?? 0) > 0);
      },
      30_000,
      "the report to count the typed verdict",
    );
    expect(arm.typedFeedback?.correction?.acceptedAsIs).toMatchObject({ count: 0, n: 1 });
    expect(arm.typedFeedback?.rubric?.criteria).toMatchObject([
      { criterion: "faithful", n: 1, passRate: { count: 1 } },
      { criterion: "tone", n: 1, mean: 4 },
    ]);
    expect(arm.typedFeedback?.pairwise?.sources).toMatchObject([
      { source: "prompt-v1", wins: 0 },
      { source: "prompt-v2", wins: 1 },
    ]);
    const preference = await eventually(
      async () => {
        const lines = (await exportLines("preference")).filter((l) => l.decisionId === decisionId);
        return lines.length > 0 ? lines : undefined;
      },
      20_000,
      "the preference lines",
    );
    expect(preference).toEqual([
      expect.objectContaining({
        kind: "pairwise",
        prompt: `Answer the customer (${decisionId})`,
        chosen: candidates[1]?.output,
        rejected: candidates[0]?.output,
        modelVersion: "gen-7",
      }),
    ]);
    const sft = (await exportLines("sft")).filter((l) => l.decisionId === decisionId);
    expect(sft).toEqual([
      expect.objectContaining({ kind: "correction", completion: "We refund within 3 days." }),
    ]);
    const ack = await call("POST", "/v1/feedback/ack", {
      role: "ml",
      body: { feedbackIds: [preference[0]?.feedbackId], modelVersion: uid("gen"), stage: "training" },
    });
    expect(ack).toMatchObject({ status: 200, body: { acknowledged: 1 } });
  });

  it("runs an agent-approval experiment: an edited tool call reaches the product, a bad verdict writes nothing, user signals count once", async () => {
    // Arrange
    const queue = uid("agent");
    const experimentId = await createExperiment(
      { feedback: [{ type: "approval" }], signals: { asGroundTruth: true } },
      queue,
    );
    const action = { tool: "issue_refund", arguments: { orderId: "o-1", amountUsd: 400 } };
    const { decisionId, reviewId } = await decide(experimentId, { label: "run", action });
    const auto = await decide(experimentId, { label: "run", action }, false);
    await call("POST", `/v1/queues/${queue}/claim`, { token: cloud.identities.r4 });
    const before = await settledSnapshot();

    // Act
    const bad = await call<{ error: { details: { path: string }[] } }>(
      "POST",
      `/v1/reviews/${reviewId}/verdict`,
      {
        token: cloud.identities.r4,
        body: { approval: { action: "edit" } },
      },
    );
    const unchanged = await snapshot();
    const verdict = await call("POST", `/v1/reviews/${reviewId}/verdict`, {
      token: cloud.identities.r4,
      body: { approval: { action: "edit", arguments: { orderId: "o-1", amountUsd: 40 } } },
    });
    const signal = { signalId: uid("sig"), type: "reverted", at: new Date().toISOString() };
    const first = await call("POST", `/v1/decisions/${auto.decisionId}/signals`, {
      role: "producer",
      body: signal,
    });
    const again = await call("POST", `/v1/decisions/${auto.decisionId}/signals`, {
      role: "producer",
      body: signal,
    });
    const badSignal = await call("POST", `/v1/decisions/${auto.decisionId}/signals`, {
      role: "producer",
      body: { ...signal, signalId: uid("sig"), type: "liked" },
    });

    // Assert
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path)).toContain("approval.arguments");
    expect(unchanged).toEqual(before);
    expect(verdict.status).toBe(200);
    expect(await findMessage("OutcomesQueue/Queue", (m) => m.decisionId === decisionId)).toMatchObject({
      outcome: "edited",
      approval: { action: "edit", tool: "issue_refund", arguments: { orderId: "o-1", amountUsd: 40 } },
    });
    expect(first).toMatchObject({ status: 200, body: { replayed: false } });
    expect(again).toMatchObject({ status: 200, body: { replayed: true } });
    expect(badSignal.status).toBe(400);
    const arms = await eventually(
      async () => {
        const r = await report(experimentId);
        const approval = r.body.arms.some((a) => a.typedFeedback?.approval?.edit.count === 1);
        const signalled = r.body.arms.some((a) => a.typedFeedback?.signals?.decisions === 1);
        return approval && signalled ? r.body.arms : undefined;
      },
      30_000,
      "the report to count the approval and the signal",
    );
    const signalled = arms.find((a) => a.typedFeedback?.signals);
    expect(signalled?.typedFeedback?.signals?.byType.reverted).toMatchObject({ count: 1, n: 1 });
    // The revert marked the automated outcome wrong: counted as ground truth in the quality estimate.
    expect(signalled?.quality.outcomes.groundTruth).toBe(1);
  });
});

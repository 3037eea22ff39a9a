import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { call, cloud, createExperiment, eventually, nameOf, sqs, uid } from "./support";

const run = promisify(execFile);

/** The real CLI against this suite's local cloud. */
async function hitl(...args: string[]): Promise<{ code: number; stdout: string }> {
  const devFile = path.join(mkdtempSync(path.join(tmpdir(), "hitl-re-review-")), "dev.json");
  writeFileSync(devFile, JSON.stringify({ ...cloud, tokens: cloud.tokens }));
  try {
    const { stdout } = await run(process.execPath, ["bin/hitl.mjs", ...args, "--dev-file", devFile]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

interface Claimed {
  review: { reviewId: string; decisionId: string; reasons: string[] } | null;
}

async function findMessage(queue: string, match: (body: Record<string, unknown>) => boolean) {
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
    30_000,
    `a message on ${queue}`,
  );
}

const outcomeOf = async (decisionId: string) =>
  (
    await call<{ status: string; outcome?: string }>("GET", `/v1/decisions/${decisionId}`, {
      role: "analyst",
    })
  ).body;

describe("a re-review that disagrees, on the local cloud", () => {
  it("goes to adjudication, the adjudicated label becomes the outcome (decision, outcome message), and live counts equal the rebuild", async () => {
    // Arrange: two held decisions the weak reviewer decides alone, against the model
    const queue = uid("re-review");
    // No gold uploaded, so none is served: the pause is an admin's.
    const gold = { rate: 0.1, firstItems: 0, minAccuracy: 0.5, minGoldItems: 20, reReviewWhenPaused: true };
    const experimentId = await createExperiment({ queues: { [queue]: { gold } } }, queue);
    const decisions = [uid("d"), uid("d")];
    for (const decisionId of decisions)
      await call("POST", "/v1/decisions", {
        role: "producer",
        body: {
          experimentId,
          decisionId,
          unitId: uid("unit"),
          item: { topic: "legal" },
          prediction: { label: "approve", confidence: 0.9 },
        },
      });
    // The reviews and reviewers APIs keep the experiment list (queue settings) 5 s per container
    // (functions/shared/reviewer-desk.ts): claims sooner would not know this queue's settings yet.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const weak = cloud.identities.r4 ?? "";
    const second = cloud.identities.r1 ?? "";
    const claimOne = (token: string | { role: "admin" }, from = queue) =>
      eventually(
        async () =>
          (
            await call<Claimed>(
              "POST",
              `/v1/queues/${from}/claim`,
              typeof token === "string" ? { token } : token,
            )
          ).body.review ?? undefined,
        60_000,
        `an item to claim in ${from}`,
      );
    for (let i = 0; i < decisions.length; i++) {
      const item = await claimOne(weak);
      await call("POST", `/v1/reviews/${item.reviewId}/verdict`, { token: weak, body: { label: "deny" } });
    }
    for (const id of decisions)
      await eventually(
        async () => ((await outcomeOf(id)).outcome === "deny" ? true : undefined),
        60_000,
        "deny",
      );

    // Act: an admin pauses them; reviewer-1 reviews both again, disagreeing once; an admin adjudicates
    const paused = await call("POST", "/v1/reviewers/reviewer-4/pause", {
      role: "admin",
      body: { queue, note: "spot check" },
    });
    const firstAgain = await claimOne(second);
    await call("POST", `/v1/reviews/${firstAgain.reviewId}/verdict`, {
      token: second,
      body: { label: "approve" },
    });
    const secondAgain = await claimOne(second);
    await call("POST", `/v1/reviews/${secondAgain.reviewId}/verdict`, {
      token: second,
      body: { label: "deny" },
    });
    const adjudication = await claimOne({ role: "admin" }, `${queue}.adjudication`);
    const adjudicated = await call("POST", `/v1/reviews/${adjudication.reviewId}/verdict`, {
      role: "admin",
      body: { label: "approve" },
    });
    const overturned = firstAgain.decisionId;
    const kept = secondAgain.decisionId;
    const revised = await eventually(
      async () => {
        const d = await outcomeOf(overturned);
        return d.outcome === "approve" ? d : undefined;
      },
      60_000,
      "the overturned outcome on the decision",
    );

    // Assert
    expect(paused.status).toBe(200);
    expect(firstAgain.reasons[0]).toMatch(/^second review/);
    expect(adjudication.reviewId).toBe(firstAgain.reviewId);
    expect(adjudication.reasons.at(-1)).toContain("reviewer-4: deny");
    expect(adjudicated.status).toBe(200);
    expect(revised).toMatchObject({ status: "decided", outcome: "approve" });
    expect((await outcomeOf(kept)).outcome).toBe("deny");
    expect(
      await findMessage(
        "OutcomesQueue/Queue",
        (m) => m.decisionId === overturned && m.type !== "decision.outcome",
      ),
    ).toMatchObject({ type: "decision.outcome-changed", outcome: "approve", previousOutcome: "deny" });
    const trail = await call<{ entries: { action: string; detail?: Record<string, unknown> }[] }>(
      "GET",
      `/v1/decisions/${overturned}/audit`,
      { role: "admin" },
    );
    expect(trail.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: "re-review",
          detail: expect.objectContaining({ stage: "settled", revised: true }),
        }),
        expect.objectContaining({
          action: "outcome",
          detail: expect.objectContaining({ previousOutcome: "deny" }),
        }),
      ]),
    );
    // The model was right on the overturned one: counted once, live = rebuild (experiment and reviewers)
    const modelCorrect = await eventually(
      async () => {
        const shown = await hitl("metrics", "show", "--experiment", experimentId, "--json");
        const arms = (JSON.parse(shown.stdout) as { arms: { counters: Record<string, number> }[] }).arms;
        const total = arms.reduce((s, a) => s + (a.counters.humanModelCorrect ?? 0), 0);
        return total === 1 ? total : undefined;
      },
      60_000,
      "the revised outcome counted",
    );
    expect(modelCorrect).toBe(1);
    const rebuilt = await hitl("metrics", "rebuild", "--experiment", experimentId);
    expect(rebuilt.stdout).toContain("no differences");
    const reviewers = await eventually(
      async () => {
        const out = await hitl("metrics", "rebuild", "--experiment", "@reviewers");
        return out.stdout.includes("no differences") ? out : undefined;
      },
      60_000,
      "the reviewers' rows equal to their rebuild",
    );
    expect(reviewers.code).toBe(0);
  }, 300_000);
});

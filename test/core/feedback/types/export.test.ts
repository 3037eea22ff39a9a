import { describe, expect, it } from "vitest";
import { exportFeedback } from "../../../../core/feedback/export";
import { claimNext, submitVerdict, type VerdictInput } from "../../../../core/review/desk";
import { type RoundResult, settle } from "../../../../core/review/steps";
import { MemoryFeedbackFeed } from "../../../support/memory";
import { reviewer, reviewWorld } from "../../../support/review-world";

const prediction = {
  label: "model-a",
  confidence: 0.5,
  modelVersion: "gen-3",
  output: "Refunds take 5 days.",
  candidates: [
    { source: "model-a", output: "Refunds take 5 days." },
    { source: "model-b", output: "Refunds take 3-5 business days." },
  ],
  action: { tool: "send_reply", arguments: { text: "Refunds take 5 days." } },
};

/** Settles one held item per verdict in an experiment with `feedback`; the feed the export reads. */
async function feedOf(feedback: unknown[], verdicts: ((positions?: [string, string]) => VerdictInput)[]) {
  const w = await reviewWorld({ feedback });
  const feed = new MemoryFeedbackFeed(undefined, w.log);
  w.steps.feedback = feed;
  for (const [i, make] of verdicts.entries()) {
    const { hold, token } = await w.hold({
      decisionId: `d-${i}`,
      item: { prompt: `How long do refunds take? (${i})` },
      prediction,
    });
    const item = await claimNext(w.desk, reviewer("alice"), "default");
    await submitVerdict(w.desk, reviewer("alice"), hold.reviewId, make(item?.positions));
    await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
  }
  return feed;
}

const choose = (source: string) => (p?: [string, string]) => ({
  pairwise: { choice: p?.[0] === source ? ("A" as const) : ("B" as const) },
});

describe("training exports", () => {
  it("gives pairwise winners and corrections as prompt/chosen/rejected, with model version, agreement and ids", async () => {
    // Arrange
    const feed = await feedOf(
      [{ type: "pairwise" }, { type: "correction" }],
      [
        (p) => ({ ...choose("model-b")(p), correction: { accepted: true } }),
        () => ({
          pairwise: { choice: "equal" },
          correction: { accepted: false, output: "Refunds take 3 days." },
        }),
        (p) => ({ ...choose("model-a")(p), correction: { accepted: true } }),
      ],
    );

    // Act
    const page = await exportFeedback({ feed }, { format: "preference" });

    // Assert
    expect(page.lines).toEqual([
      expect.objectContaining({
        kind: "pairwise",
        decisionId: "d-0",
        prompt: "How long do refunds take? (0)",
        chosen: "Refunds take 3-5 business days.",
        rejected: "Refunds take 5 days.",
        sources: { chosen: "model-b", rejected: "model-a" },
        modelVersion: "gen-3",
        reviewers: ["alice"],
        agreement: { verdicts: 1, agreeing: 1 },
        feedbackId: "fb-review-d-0",
      }),
      expect.objectContaining({
        kind: "correction",
        decisionId: "d-1",
        chosen: "Refunds take 3 days.",
        rejected: "Refunds take 5 days.",
      }),
      expect.objectContaining({ kind: "pairwise", decisionId: "d-2", chosen: "Refunds take 5 days." }),
    ]);
  });

  it("gives corrections and edited tool calls as prompt/completion for fine-tuning", async () => {
    // Arrange
    const feed = await feedOf(
      [{ type: "approval" }],
      [
        () => ({ approval: { action: "edit", arguments: { text: "Refunds take 3-5 business days." } } }),
        () => ({ approval: { action: "reject" } }),
      ],
    );

    // Act
    const sft = await exportFeedback({ feed }, { format: "sft" });
    const labels = await exportFeedback({ feed }, { format: "labels" });

    // Assert
    expect(sft.lines).toEqual([
      expect.objectContaining({
        kind: "approval",
        decisionId: "d-0",
        completion: JSON.stringify({
          tool: "send_reply",
          arguments: { text: "Refunds take 3-5 business days." },
        }),
      }),
    ]);
    expect(labels.lines).toEqual([
      expect.objectContaining({ decisionId: "d-0", label: "edited", predicted: "model-a" }),
      expect.objectContaining({ decisionId: "d-1", label: "rejected", predicted: "model-a" }),
    ]);
  });

  it("pages a training format by the records, so no record is skipped or repeated", async () => {
    // Arrange: three records, the middle one (equal, accepted) gives no preference line
    const feed = await feedOf(
      // The rubric decides the outcome: a failed one is a record, with an equal preference no pair.
      [{ type: "rubric", criteria: [{ name: "ok", scale: "pass-fail" }] }, { type: "pairwise" }],
      [
        (p) => ({ ...choose("model-b")(p), rubric: { ok: true } }),
        () => ({ pairwise: { choice: "equal" }, rubric: { ok: false } }),
        (p) => ({ ...choose("model-b")(p), rubric: { ok: true } }),
      ],
    );

    // Act
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await exportFeedback(
        { feed },
        { format: "preference", limit: "1", ...(cursor ? { cursor } : {}) },
      );
      ids.push(...page.lines.map((l) => l.decisionId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);

    // Assert
    expect(pages).toBe(3);
    expect(ids).toEqual(["d-0", "d-2"]);
  });

  it("refuses an unknown format, naming the parameter", async () => {
    // Arrange
    const feed = await feedOf([{ type: "approval" }], []);

    // Act
    const attempt = exportFeedback({ feed }, { format: "parquet" });

    // Assert
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ path: "format" })],
    });
  });
});

import { describe, expect, it } from "vitest";
import { claimNext, submitVerdict, type VerdictInput } from "../../../../core/review/desk";
import { type RoundResult, settle } from "../../../../core/review/steps";
import { reviewer, reviewWorld } from "../../../support/review-world";

const alice = reviewer("alice");

const APPROVAL = [{ type: "approval" }];
const CORRECTION = [{ type: "correction" }];
const RUBRIC = [
  {
    type: "rubric",
    criteria: [
      { name: "faithful", scale: "pass-fail" },
      { name: "clarity", points: { "1": "confusing", "5": "clear" } },
    ],
    quality: "faithful",
  },
];
const PAIRWISE = [{ type: "pairwise" }];

const refund = { tool: "issue_refund", arguments: { orderId: "o-9", amountUsd: 120 } };
const generated = {
  label: "answer",
  confidence: 0.5,
  output: "Your refund was sent on Monday.",
  action: refund,
  candidates: [
    { source: "model-a", output: "Refund sent Monday." },
    { source: "model-b", output: "We sent your refund on Monday." },
  ],
};

/** An experiment with `feedback`, one held generated decision claimed by alice. */
async function claimed(feedback: unknown[], decisionId = "d-1") {
  const w = await reviewWorld({ feedback });
  const { hold, token } = await w.hold({ decisionId, prediction: generated });
  await claimNext(w.desk, alice, "default");
  /** Alice's verdict, then the settle step with what the workflow received. */
  const decide = async (input: VerdictInput) => {
    const result = await submitVerdict(w.desk, alice, hold.reviewId, input);
    await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
    return result;
  };
  return { w, hold, decide };
}

describe("approval verdicts", () => {
  it("sends the edited arguments to the product as the call to execute", async () => {
    // Arrange
    const { w, decide } = await claimed(APPROVAL);

    // Act
    await decide({ approval: { action: "edit", arguments: { orderId: "o-9", amountUsd: 80 } } });

    // Assert
    expect(w.notify.outcomes).toMatchObject([
      {
        outcome: "edited",
        approval: { action: "edit", tool: "issue_refund", arguments: { orderId: "o-9", amountUsd: 80 } },
      },
    ]);
    expect(w.feedback.records).toMatchObject([
      { humanLabel: "edited", feedback: { approval: { action: "edit" } }, prediction: { action: refund } },
    ]);
  });

  it("keeps the model's label and the proposed call on approve, produces no feedback", async () => {
    // Arrange
    const { w, decide } = await claimed(APPROVAL);

    // Act
    await decide({ approval: { action: "approve" } });

    // Assert
    expect(w.notify.outcomes).toMatchObject([
      {
        outcome: "answer",
        approval: { action: "approve", tool: "issue_refund", arguments: refund.arguments },
      },
    ]);
    expect(w.feedback.records).toEqual([]);
  });

  it("counts edited arguments equal to the proposed ones as an approval", async () => {
    // Arrange
    const { w, decide } = await claimed(APPROVAL);

    // Act
    await decide({ approval: { action: "edit", arguments: { amountUsd: 120, orderId: "o-9" } } });

    // Assert
    expect(w.notify.outcomes[0]).toMatchObject({ outcome: "answer", approval: { action: "approve" } });
  });

  it("executes nothing after a rejection", async () => {
    // Arrange
    const { w, decide } = await claimed(APPROVAL);

    // Act
    await decide({ approval: { action: "reject", reason: "order already refunded" } });

    // Assert
    expect(w.notify.outcomes[0]?.outcome).toBe("rejected");
    expect(w.notify.outcomes[0]?.approval).toEqual({ action: "reject" });
  });
});

describe("correction verdicts", () => {
  it("measures a text edit by its normalised edit distance and sends the corrected output", async () => {
    // Arrange
    const { w, decide } = await claimed(CORRECTION);

    // Act
    const result = await decide({
      correction: { accepted: false, output: "Your refund was sent on Tuesday." },
    });

    // Assert: "Monday" → "Tuesday" is 4 edits over 32 characters
    expect(result.verdict.feedback?.correction?.editDistance).toBeCloseTo(4 / 32, 6);
    expect(w.notify.outcomes[0]).toMatchObject({
      outcome: "corrected",
      correctedOutput: "Your refund was sent on Tuesday.",
    });
    expect(w.feedback.records[0]?.prediction.output).toBe(generated.output);
  });

  it("treats an unchanged output as accepted as is", async () => {
    // Arrange
    const { w, decide } = await claimed(CORRECTION);

    // Act
    const result = await decide({ correction: { accepted: false, output: generated.output } });

    // Assert
    expect(result.verdict.feedback?.correction).toEqual({ accepted: true, editDistance: 0 });
    expect(w.notify.outcomes[0]?.outcome).toBe("answer");
    expect(w.feedback.records).toEqual([]);
  });

  it("counts the changed fields of a JSON correction", async () => {
    // Arrange
    const w = await reviewWorld({ feedback: [{ type: "correction", format: "json" }] });
    const output = { name: "Ada", city: "Paris", tags: ["a"] };
    const { hold } = await w.hold({ decisionId: "d-j", prediction: { label: "x", confidence: 0.5, output } });
    await claimNext(w.desk, alice, "default");

    // Act
    const result = await submitVerdict(w.desk, alice, hold.reviewId, {
      correction: { accepted: false, output: { name: "Ada", city: "Lyon", tags: ["a", "b"] } },
    });

    // Assert: city changed, tags[1] added
    expect(result.verdict.feedback?.correction?.changedFields).toBe(2);
  });
});

describe("rubric verdicts", () => {
  it("fails the outcome when the quality criterion fails, and keeps every score", async () => {
    // Arrange
    const { w, decide } = await claimed(RUBRIC);

    // Act
    const result = await decide({ rubric: { faithful: false, clarity: 4 } });

    // Assert
    expect(result.verdict).toMatchObject({
      label: "failed",
      feedback: { rubric: { faithful: false, clarity: 4 } },
    });
    expect(w.feedback.records[0]?.feedback?.rubric).toEqual({ faithful: false, clarity: 4 });
  });
});

describe("pairwise verdicts", () => {
  it("records the positions shown, and the winner by its source", async () => {
    // Arrange
    const { w, hold, decide } = await claimed(PAIRWISE);
    const positions = w.reviews.items.get(hold.reviewId)?.positions;

    // Act
    const result = await decide({ pairwise: { choice: "B" } });

    // Assert
    expect(positions).toHaveLength(2);
    expect(result.verdict.feedback?.pairwise).toEqual({ choice: "B", winner: positions?.[1], positions });
    // A preference is training data whichever candidate won.
    expect(w.feedback.records).toHaveLength(1);
  });

  it("randomises the positions per item: some items show each candidate first", async () => {
    // Arrange
    const w = await reviewWorld({ feedback: PAIRWISE });

    // Act
    const firsts = new Set<string | undefined>();
    for (let i = 0; i < 20; i++) {
      const { hold } = await w.hold({ decisionId: `d-${i}`, prediction: generated });
      firsts.add(w.reviews.items.get(hold.reviewId)?.positions?.[0]);
    }

    // Assert
    expect(firsts).toEqual(new Set(["model-a", "model-b"]));
  });
});

describe("a verdict that does not fit the item's feedback schema", () => {
  it.each([
    [APPROVAL, { label: "approve" }, "label"],
    [APPROVAL, {}, "approval"],
    [APPROVAL, { approval: { action: "edit" } }, "approval.arguments"],
    [APPROVAL, { approval: { action: "approve", arguments: {} } }, "approval.arguments"],
    [APPROVAL, { approval: { action: "approve" }, pairwise: { choice: "A" } }, "pairwise"],
    [CORRECTION, { correction: { accepted: false } }, "correction.output"],
    [CORRECTION, { correction: { accepted: true, output: "x" } }, "correction.output"],
    [CORRECTION, { correction: { accepted: false, output: { a: 1 } } }, "correction.output"],
    [RUBRIC, { rubric: { faithful: true } }, "rubric.clarity"],
    [RUBRIC, { rubric: { faithful: true, clarity: 6 } }, "rubric.clarity"],
    [RUBRIC, { rubric: { faithful: 1, clarity: 3 } }, "rubric.faithful"],
    [RUBRIC, { rubric: { faithful: true, clarity: 3, tone: 2 } }, "rubric.tone"],
    [[{ type: "pairwise", allowEqual: false }], { pairwise: { choice: "equal" } }, "pairwise.choice"],
    [[{ type: "label" }], {}, "label"],
  ])("%j with %j: 400 naming %s, nothing written", async (feedback, input, path) => {
    // Arrange
    const { w, hold } = await claimed(feedback);
    const before = structuredClone(w.reviews.items.get(hold.reviewId));

    // Act
    const attempt = submitVerdict(w.desk, alice, hold.reviewId, input as VerdictInput);

    // Assert
    await expect(attempt).rejects.toMatchObject({ status: 400, code: "validation_failed" });
    await expect(attempt).rejects.toMatchObject({
      details: expect.arrayContaining([expect.objectContaining({ path })]),
    });
    expect(w.reviews.items.get(hold.reviewId)).toEqual(before);
    expect(w.workflow.succeeded.size).toBe(0);
  });
});

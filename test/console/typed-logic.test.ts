import { describe, expect, it } from "vitest";
import { typedKey, typedVerdict, wantsLabel } from "../../console/src/typed-logic";
import type { Review } from "../../console/src/types";

const plain = (key: string, inTextField = false) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  inTextField,
});

const review = (feedback: Review["feedback"], prediction: Partial<Review["context"]["prediction"]> = {}) => ({
  feedback,
  context: { item: {}, routingReason: "", prediction: { label: "x", confidence: 0.5, ...prediction } },
});

const RUBRIC: Review["feedback"] = [
  { type: "rubric", criteria: [{ name: "safe", scale: "pass-fail" }, { name: "tone" }] },
  { type: "pairwise" },
];

describe("typed feedback keys", () => {
  it("picks A, B or equal with a, b and e", () => {
    // Act
    const keys = ["a", "B", "e"].map((k) => typedKey(plain(k), review(RUBRIC), { rubric: {} }));

    // Assert
    expect(keys).toEqual([
      { type: "pairwise", choice: "A" },
      { type: "pairwise", choice: "B" },
      { type: "pairwise", choice: "equal" },
    ]);
  });

  it("scores the next unscored criterion with a digit: 1/2 as pass/fail, then 1-5", () => {
    // Act
    const first = typedKey(plain("2"), review(RUBRIC), { rubric: {} });
    const second = typedKey(plain("4"), review(RUBRIC), { rubric: { safe: "fail" } });
    const outOfScale = typedKey(plain("7"), review(RUBRIC), { rubric: { safe: "fail" } });

    // Assert
    expect(first).toEqual({ type: "rubric", criterion: "safe", score: "fail" });
    expect(second).toEqual({ type: "rubric", criterion: "tone", score: "4" });
    expect(outOfScale).toBeUndefined();
  });

  it("leaves digits to labels when the item takes a label, and every key alone in a text field", () => {
    // Arrange
    const withLabel = review([{ type: "label" }, ...(RUBRIC ?? [])]);

    // Act
    const digit = typedKey(plain("3"), withLabel, { rubric: {} });
    const typing = typedKey(plain("a", true), review(RUBRIC), { rubric: {} });

    // Assert
    expect(wantsLabel(withLabel)).toBe(true);
    expect(digit).toBeUndefined();
    expect(typing).toBeUndefined();
  });

  it("approves or rejects a tool call with y and n", () => {
    // Act
    const keys = ["y", "n"].map((k) => typedKey(plain(k), review([{ type: "approval" }]), { rubric: {} }));

    // Assert
    expect(keys).toEqual([
      { type: "approval", action: "approve" },
      { type: "approval", action: "reject" },
    ]);
  });
});

describe("the typed verdict body", () => {
  it("accepts an unedited output and sends an edited one", () => {
    // Arrange
    const r = review([{ type: "correction" }], { output: "Hello" });

    // Act
    const untouched = typedVerdict(r, { rubric: {} });
    const edited = typedVerdict(r, { rubric: {}, correction: "Hello there" });

    // Assert
    expect(untouched).toEqual({ ok: true, body: { correction: { accepted: true } } });
    expect(edited).toEqual({ ok: true, body: { correction: { accepted: false, output: "Hello there" } } });
  });

  it("turns edited arguments into an edited approval, and refuses arguments that are not a JSON object", () => {
    // Arrange
    const r = review([{ type: "approval" }], { action: { tool: "refund", arguments: { amount: 5 } } });

    // Act
    const edited = typedVerdict(r, { rubric: {}, arguments: '{ "amount": 3 }' });
    const broken = typedVerdict(r, { rubric: {}, arguments: "[1]", approval: "edit" });
    const none = typedVerdict(r, { rubric: {} });

    // Assert
    expect(edited).toEqual({ ok: true, body: { approval: { action: "edit", arguments: { amount: 3 } } } });
    expect(broken).toMatchObject({ ok: false, message: expect.stringContaining("JSON object") });
    expect(none).toMatchObject({ ok: false, message: expect.stringContaining("Approve, edit or reject") });
  });

  it("needs every criterion scored and a pairwise choice, then sends scores as the API takes them", () => {
    // Act
    const missing = typedVerdict(review(RUBRIC), { rubric: { safe: "pass" } });
    const done = typedVerdict(review(RUBRIC), { rubric: { safe: "pass", tone: "3" }, pairwise: "B" });

    // Assert
    expect(missing).toMatchObject({ ok: false, message: expect.stringContaining("tone") });
    expect(done).toEqual({ ok: true, body: { rubric: { safe: true, tone: 3 }, pairwise: { choice: "B" } } });
  });
});

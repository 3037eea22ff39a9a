import { describe, expect, it } from "vitest";
import { reviewerView } from "../../../core/review/view";

type Item = Parameters<typeof reviewerView>[0];

/** A pairwise item as stored: sources in `positions` (shown as A, B) and in the candidates. */
const pairwiseItem = (overrides: Partial<Item> = {}): Item =>
  ({
    reviewId: "rv-1",
    experimentId: "e-1",
    arm: "a",
    kind: "review",
    labels: [],
    feedback: [{ type: "pairwise" }],
    positions: ["prompt-v2", "prompt-v1"],
    context: {
      item: { prompt: "When does my refund arrive?" },
      routingReason: "always reviewed",
      prediction: {
        label: "prompt-v1",
        confidence: 0.7,
        candidates: [
          { source: "prompt-v1", output: "Five days." },
          { source: "prompt-v2", output: "Within 3-5 business days." },
        ],
      },
    },
    verdicts: [],
    ...overrides,
  }) as unknown as Item;

describe("what a reviewer is shown of a pairwise item", () => {
  it("shows the candidates as A and B in the item's order, without their sources", () => {
    // Act
    const { review } = reviewerView(pairwiseItem(), undefined, "alice");

    // Assert
    expect(review.context.prediction?.candidates).toEqual([
      { position: "A", output: "Within 3-5 business days." },
      { position: "B", output: "Five days." },
    ]);
    expect("positions" in review).toBe(false);
    expect(JSON.stringify(review.context.prediction?.candidates)).not.toContain("prompt-v");
  });

  it("shows an earlier verdict's pairwise choice by position only, its label too", () => {
    // Arrange
    const earlier = {
      reviewer: "bob",
      label: "prompt-v1",
      feedback: { pairwise: { choice: "B", winner: "prompt-v1", positions: ["prompt-v2", "prompt-v1"] } },
      round: 1,
    };

    // Act
    const { review } = reviewerView(
      pairwiseItem({ verdicts: [earlier] } as Partial<Item>),
      undefined,
      "alice",
    );

    // Assert
    expect(review.verdicts[0]).toMatchObject({ label: "B", feedback: { pairwise: { choice: "B" } } });
    expect(JSON.stringify(review.verdicts)).not.toContain("prompt-v");
  });

  it("leaves an item without candidates as it is", () => {
    // Arrange
    const item = pairwiseItem({ positions: undefined, feedback: [{ type: "label" }] } as Partial<Item>);
    const { candidates: _c, ...prediction } = item.context.prediction ?? { label: "", confidence: 0 };
    const plain = { ...item, context: { ...item.context, prediction } } as Item;

    // Act
    const { review } = reviewerView(plain, undefined, "alice");

    // Assert
    expect(review.context.prediction).toEqual({ label: "prompt-v1", confidence: 0.7 });
  });
});

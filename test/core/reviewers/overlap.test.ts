import { describe, expect, it } from "vitest";
import { nextReviewStep } from "../../../core/reviewers/overlap";

describe("nextReviewStep", () => {
  const adaptive = { reviewsPerItem: 2, maxReviewsPerItem: 4 };

  it("waits for the first reviews and settles when they agree", () => {
    expect(nextReviewStep(["deny"], adaptive)).toEqual({ step: "wait", verdicts: 1, needed: 2 });
    expect(nextReviewStep(["deny", "deny"], adaptive)).toEqual({ step: "settle", label: "deny" });
  });

  it("adds one review at a time after a disagreement until one label has a strict majority", () => {
    expect(nextReviewStep(["deny", "approve"], adaptive)).toEqual({ step: "add-review" });
    expect(nextReviewStep(["deny", "approve", "deny"], adaptive)).toEqual({ step: "settle", label: "deny" });
    expect(nextReviewStep(["deny", "approve", "escalate"], adaptive)).toEqual({ step: "add-review" });
    expect(nextReviewStep(["deny", "approve", "escalate", "deny"], adaptive)).toEqual({ step: "adjudicate" });
  });

  it("goes to adjudication at once without adaptive overlap, as double review always did", () => {
    expect(nextReviewStep(["deny", "approve"], { reviewsPerItem: 2 })).toEqual({ step: "adjudicate" });
  });

  it("asks the first reviews to be unanimous: a majority among them is not enough", () => {
    const three = { reviewsPerItem: 3, maxReviewsPerItem: 4 };
    expect(nextReviewStep(["a", "a", "b"], three)).toEqual({ step: "add-review" });
    expect(nextReviewStep(["a", "a", "b", "a"], three)).toEqual({ step: "settle", label: "a" });
    expect(nextReviewStep(["a", "a", "b", "b"], three)).toEqual({ step: "adjudicate" });
  });

  it("rejects fewer than two reviews and a cap below them", () => {
    expect(() => nextReviewStep([], { reviewsPerItem: 1 })).toThrow(/reviewsPerItem/);
    expect(() => nextReviewStep([], { reviewsPerItem: 3, maxReviewsPerItem: 2 })).toThrow(
      /maxReviewsPerItem/,
    );
  });
});

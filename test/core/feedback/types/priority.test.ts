import { describe, expect, it } from "vitest";
import { uncertaintyScore } from "../../../../core/review/priority";

const candidates = (a: string, b: string) => [{ output: a }, { output: b }];

describe("the priority's uncertainty for generated outputs", () => {
  it("grows with the disagreement between two candidates", () => {
    // Arrange: a confident model far from the threshold, so only the disagreement can raise it
    const prediction = (a: string, b: string) => ({ confidence: 0.99, candidates: candidates(a, b) });

    // Act
    const same = uncertaintyScore(prediction("Refund in 5 days.", "Refund in 5 days."), 0.5);
    const close = uncertaintyScore(prediction("Refund in 5 days.", "Refund in 3 days."), 0.5);
    const apart = uncertaintyScore(prediction("Refund in 5 days.", "We cannot refund this order."), 0.5);

    // Assert
    expect(same).toBeLessThan(close);
    expect(close).toBeLessThan(apart);
  });

  it("keeps the model's own score when the candidates agree", () => {
    // Act
    const withCandidates = uncertaintyScore({ confidence: 0.6, candidates: candidates("x", "x") }, 0.6);
    const without = uncertaintyScore({ confidence: 0.6 }, 0.6);

    // Assert
    expect(withCandidates).toBe(without);
  });
});

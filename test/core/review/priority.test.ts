import { describe, expect, it } from "vitest";
import {
  type PriorityInput,
  priorityScore,
  uncertaintyScore,
  urgencyScore,
  valueScore,
} from "../../../core/review/priority";

function held(overrides: Partial<PriorityInput> = {}): PriorityInput {
  return {
    secondsToDeadline: 3600,
    item: { amount: 500 },
    prediction: { confidence: 0.7 },
    threshold: 0.95,
    ...overrides,
  };
}

/** Ids of the inputs, highest priority first. */
function reviewOrder(items: Record<string, PriorityInput>): string[] {
  return Object.entries(items)
    .sort(([, a], [, b]) => priorityScore(b) - priorityScore(a))
    .map(([id]) => id);
}

describe("priorityScore ordering", () => {
  it("reviews the item closest to its SLA deadline first, overdue items before all", () => {
    const order = reviewOrder({
      later: held({ secondsToDeadline: 7200 }),
      soon: held({ secondsToDeadline: 300 }),
      overdue: held({ secondsToDeadline: -60 }),
      middle: held({ secondsToDeadline: 1800 }),
    });

    expect(order).toEqual(["overdue", "soon", "middle", "later"]);
  });

  it("reviews the item with more at stake first, all else equal", () => {
    const order = reviewOrder({
      small: held({ item: { amount: 20 } }),
      large: held({ item: { amount: 50_000 } }),
      none: held({ item: {} }),
      medium: held({ item: { amount: 900 } }),
    });

    expect(order).toEqual(["large", "medium", "small", "none"]);
  });

  it("uses risk when the item has no amount", () => {
    expect(priorityScore(held({ item: { risk: 5000 } }))).toBeGreaterThan(priorityScore(held({ item: {} })));
  });

  it("reviews the item the model is least sure about first, all else equal", () => {
    const order = reviewOrder({
      sure: held({ prediction: { confidence: 0.05 } }),
      nearThreshold: held({ prediction: { confidence: 0.94 } }),
      unsure: held({ prediction: { confidence: 0.6 } }),
    });

    expect(order).toEqual(["nearThreshold", "unsure", "sure"]);
  });

  it("ranks every audit item below every item a product is waiting on", () => {
    const urgentAudit = held({
      audit: true,
      secondsToDeadline: -86_400,
      item: { amount: 1e9 },
      prediction: { confidence: 0.95 },
    });
    const idleHeld = held({ secondsToDeadline: 1e9, item: {}, prediction: { confidence: 0 } });

    expect(priorityScore(urgentAudit)).toBeLessThan(priorityScore(idleHeld));
  });

  it("orders audit items among themselves by the same formula", () => {
    expect(priorityScore(held({ audit: true, secondsToDeadline: 60 }))).toBeGreaterThan(
      priorityScore(held({ audit: true, secondsToDeadline: 6000 })),
    );
  });

  it("keeps held scores in [1000, 2000] and audit scores in [0, 999]", () => {
    const extremes = [
      held({ secondsToDeadline: -1e12, item: { amount: 1e12 }, prediction: { confidence: 0.95 } }),
      held({ secondsToDeadline: 1e12, item: {}, prediction: { confidence: 0 } }),
    ];

    for (const input of extremes) {
      const h = priorityScore(input);
      const a = priorityScore({ ...input, audit: true });

      expect(h).toBeGreaterThanOrEqual(1000);
      expect(h).toBeLessThanOrEqual(2000);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(999);
    }
  });
});

describe("priorityScore monotonicity", () => {
  const times = [-7200, -60, 0, 60, 600, 1800, 3600, 14_400];
  const amounts = [0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

  it("falls as the deadline moves further away", () => {
    const scores = times.map((t) => priorityScore(held({ secondsToDeadline: t })));

    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThan(scores[i - 1] ?? Number.NaN);
  });

  it("rises as the amount grows", () => {
    const scores = amounts.map((amount) => priorityScore(held({ item: { amount } })));

    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1] ?? Number.NaN);
  });

  it("rises as the confidence moves towards the threshold from either side", () => {
    const below = [0, 0.3, 0.6, 0.9, 0.95].map((c) => priorityScore(held({ prediction: { confidence: c } })));
    const above = [1, 0.99, 0.97, 0.95].map((c) => priorityScore(held({ prediction: { confidence: c } })));

    for (const scores of [below, above]) {
      for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1] ?? Number.NaN);
    }
  });
});

describe("urgencyScore", () => {
  it("is one half at the deadline and moves towards 1 when overdue and 0 far ahead", () => {
    expect(urgencyScore(0)).toBe(0.5);
    expect(urgencyScore(-36_000)).toBeGreaterThan(0.99);
    expect(urgencyScore(36_000)).toBeLessThan(0.01);
  });
});

describe("valueScore", () => {
  it("grows logarithmically up to the cap and counts numeric strings", () => {
    expect(valueScore({ amount: 1_000_000 })).toBeCloseTo(1, 6);
    expect(valueScore({ amount: 5e9 })).toBe(1);
    expect(valueScore({ amount: 999 })).toBeCloseTo(0.5, 2);
    expect(valueScore({ amount: "999" })).toBe(valueScore({ amount: 999 }));
    expect(valueScore({ amount: -5 })).toBe(0);
    expect(valueScore(undefined)).toBe(0);
  });
});

describe("uncertaintyScore", () => {
  it("is 1 at the threshold and 0 at confidence 0 or 1", () => {
    expect(uncertaintyScore({ confidence: 0.8 }, 0.8)).toBe(1);
    expect(uncertaintyScore({ confidence: 0 }, 0.8)).toBe(0);
    expect(uncertaintyScore({ confidence: 1 }, 0.8)).toBe(0);
  });

  it("uses the normalized entropy when the prediction lists alternatives", () => {
    const even = uncertaintyScore({ confidence: 0.5, alternatives: [{ confidence: 0.5 }] }, 0.9);
    const skewed = uncertaintyScore({ confidence: 0.9, alternatives: [{ confidence: 0.1 }] }, 0.9);
    const certain = uncertaintyScore({ confidence: 1, alternatives: [{ confidence: 0 }] }, 0.9);

    expect(even).toBeCloseTo(1, 10);
    expect(skewed).toBeGreaterThan(0);
    expect(skewed).toBeLessThan(even);
    expect(certain).toBe(0);
  });

  it("counts the probability the alternatives leave out as one more outcome", () => {
    const withRemainder = uncertaintyScore({ confidence: 0.4, alternatives: [{ confidence: 0.3 }] }, 0.9);

    // p = [0.4, 0.3, 0.3] over 3 outcomes: close to but below the maximum.
    expect(withRemainder).toBeGreaterThan(0.95);
    expect(withRemainder).toBeLessThan(1);
  });
});

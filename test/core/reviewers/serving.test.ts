import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseGold, type GoldClaim } from "../../../core/reviewers/serving";

const pool = Array.from({ length: 50 }, (_, i) => `gold-${i}`);
const claim = (overrides: Partial<GoldClaim> = {}): GoldClaim => ({
  reviewer: "rev-1",
  queue: "claims",
  claimIndex: 0,
  pool,
  served: new Set(),
  seed: "s3cret",
  ...overrides,
});

/** A reviewer's claims 0..n−1, each served gold item remembered. */
function run(n: number, settings: { rate: number; firstItems: number }, reviewer = "rev-1") {
  const served = new Set<string>();
  const choices = [];
  for (let claimIndex = 0; claimIndex < n; claimIndex++) {
    const choice = chooseGold(claim({ reviewer, claimIndex, served }), settings);
    if (choice.serve) served.add(choice.goldId);
    choices.push(choice);
  }
  return choices;
}

describe("chooseGold", () => {
  it("serves a new reviewer gold on their first claims", () => {
    const choices = run(5, { rate: 0, firstItems: 3 });
    expect(choices.map((c) => c.why)).toEqual([
      "new-reviewer",
      "new-reviewer",
      "new-reviewer",
      "not-sampled",
      "not-sampled",
    ]);
  });

  it("serves the configured share of later claims, at irregular gaps", () => {
    // Arrange: nothing is remembered as served, so the pool never runs out
    const gold: number[] = [];

    // Act
    for (let claimIndex = 0; claimIndex < 10_000; claimIndex++) {
      if (chooseGold(claim({ claimIndex }), { rate: 0.1, firstItems: 0 }).serve) gold.push(claimIndex);
    }

    // Assert: 10% ± 3 standard errors; gaps of many lengths, not a pattern to learn
    expect(gold.length / 10_000).toBeGreaterThan(0.091);
    expect(gold.length / 10_000).toBeLessThan(0.109);
    const gaps = new Set(gold.slice(1).map((c, i) => c - (gold[i] ?? 0)));
    expect(gaps.size).toBeGreaterThan(10);
  });

  it("gives the same answer to the same claim, so a retried claim cannot draw twice", () => {
    const settings = { rate: 0.3, firstItems: 0 };
    for (let claimIndex = 0; claimIndex < 100; claimIndex++) {
      expect(chooseGold(claim({ claimIndex }), settings)).toEqual(
        chooseGold(claim({ claimIndex }), settings),
      );
    }
  });

  it("never serves a reviewer the same gold item twice, and says when they have seen them all", () => {
    // Act: 60 claims, all gold, over a pool of 50
    const choices = run(60, { rate: 1, firstItems: 0 });

    // Assert
    const ids = choices.flatMap((c) => (c.serve ? [c.goldId] : []));
    expect(new Set(ids).size).toBe(50);
    expect(choices.slice(50).every((c) => !c.serve && c.why === "no-gold-left")).toBe(true);
  });

  it("shows each reviewer the pool in an order of their own", () => {
    const firsts = new Set(
      Array.from({ length: 20 }, (_, r) => {
        const choice = chooseGold(claim({ reviewer: `rev-${r}` }), { rate: 0, firstItems: 1 });
        return choice.serve ? choice.goldId : "";
      }),
    );
    expect(firsts.size).toBeGreaterThan(10);
  });

  it("serves nothing from an empty pool", () => {
    expect(chooseGold(claim({ pool: [] }), { rate: 1, firstItems: 5 })).toEqual({
      serve: false,
      why: "no-gold",
    });
  });

  it("only ever serves a gold item of the pool the reviewer has not seen", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 20 }),
        fc.nat({ max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat({ max: 5 }),
        (ids, claimIndex, rate, firstItems) => {
          const served = new Set(ids.filter((_, i) => i % 3 === 0));
          const choice = chooseGold(claim({ pool: ids, served, claimIndex }), { rate, firstItems });
          if (choice.serve) {
            expect(ids).toContain(choice.goldId);
            expect(served.has(choice.goldId)).toBe(false);
          }
        },
      ),
    );
  });
});

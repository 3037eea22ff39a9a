import { describe, expect, it } from "vitest";
import {
  type AgreementFact,
  QUEUE_ROW,
  type ReviewerFact,
  reviewerCountersOf,
  type VerdictFact,
} from "../../../core/reviewers/counters";
import { scorecardsOf, sumRows } from "../../../core/reviewers/scorecard";
import { fixed } from "../../support/clock";

const at = (hour: number, minute = 0) =>
  fixed(`2026-11-25T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00.000Z`);
let n = 0;
const verdict = (reviewer: string, label: string, extra: Partial<VerdictFact> = {}): VerdictFact => ({
  type: "verdict",
  id: `v-${n++}`,
  reviewer,
  queue: "claims",
  at: at(10 + (n % 3)),
  handlingSeconds: 30,
  label,
  predictedLabel: "approve",
  withinSla: true,
  ...extra,
});
const agreement = (labels: Record<string, string>, adjudicated?: string): AgreementFact => ({
  type: "agreement",
  id: `a-${n++}`,
  queue: "claims",
  at: at(11),
  verdicts: Object.entries(labels).map(([reviewer, label]) => ({ reviewer, label })),
  ...(adjudicated ? { adjudicated } : {}),
});

function cards(facts: readonly ReviewerFact[]) {
  const rows = sumRows(facts.flatMap(reviewerCountersOf));
  return Object.fromEntries(scorecardsOf(rows).map((card) => [card.reviewer, card]));
}

describe("scorecardsOf", () => {
  it("computes every part of a reviewer's scorecard from their facts", () => {
    // Arrange: ana decides 10 items (handling 10, 20, …, 100 s), 2 overrides, 1 late; 10 gold, 8
    // right; 2 double-reviewed items with ben (agree once), 1 adjudicated against her; 1 release.
    const facts: ReviewerFact[] = [
      ...Array.from({ length: 10 }, (_, i) =>
        verdict("ana", i < 2 ? "deny" : "approve", { handlingSeconds: 10 * (i + 1), withinSla: i !== 9 }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        verdict("ana", i < 8 ? "deny" : "approve", { goldLabel: "deny" }),
      ),
      agreement({ ana: "deny", ben: "deny" }),
      agreement({ ana: "approve", ben: "deny" }, "deny"),
      { type: "released", id: "r-1", reviewer: "ana", queue: "claims", at: at(12) },
      ...Array.from({ length: 10 }, () => verdict("ben", "deny")),
    ];

    // Act
    const ana = cards(facts).ana;

    // Assert
    expect(ana?.decided).toBe(10);
    expect(ana?.handlingSeconds.mean).toBeCloseTo((550 + 300) / 20, 9);
    expect(ana?.handlingSeconds.median).toBeCloseTo(30, 0);
    expect(ana?.handlingSeconds.p90).toBeCloseTo(80, -1);
    expect(ana?.gold).toMatchObject({ items: 10, correct: 8, accuracy: 0.8 });
    expect(ana?.gold.interval[0]).toBeCloseTo(0.4902, 4);
    expect(ana?.gold.interval[1]).toBeCloseTo(0.9433, 4);
    expect(ana?.peers).toMatchObject({ pairs: 2, agreement: 0.5 });
    expect(ana?.adjudication).toMatchObject({ items: 1, upheld: 0, rate: 0 });
    expect(ana?.overrides).toEqual({ count: 2, rate: 0.2 });
    expect(ana?.sla).toEqual({ within: 9, share: 0.9 });
    expect(ana?.labels).toEqual({
      approve: { count: 8, share: 0.8, restShare: 0 },
      deny: { count: 2, share: 0.2, restShare: 1 },
    });
    expect(ana?.releases).toBe(1);
    expect(ana?.leaseExpiries).toBe(0);
  });

  it("flags a reviewer whose labels differ from the rest of the queue, not one who labels like it", () => {
    // Arrange: dan and eve split 50/50 like each other; cat, when present, approves everything
    const evenly = [
      ...Array.from({ length: 60 }, (_, i) => verdict("dan", i % 2 ? "approve" : "deny")),
      ...Array.from({ length: 60 }, (_, i) => verdict("eve", i % 2 ? "approve" : "deny")),
    ];
    const withCat = [...evenly, ...Array.from({ length: 60 }, () => verdict("cat", "approve"))];

    // Act
    const cat = cards(withCat).cat;
    const dan = cards(evenly).dan;

    // Assert
    expect(cat?.labelShift.distance).toBeCloseTo(0.5, 12);
    expect(cat?.labelShift.pValue).toBeLessThan(1e-6);
    expect(dan?.labelShift.distance).toBe(0);
    expect(dan?.labelShift.pValue).toBeCloseTo(1, 12);
  });

  it("gives Cohen's kappa of a reviewer's labels against their peers'", () => {
    // Arrange: 8 items with fay and gus: agree on 3 approve + 3 deny, disagree on 2
    const facts = [
      ...Array.from({ length: 3 }, () => agreement({ fay: "approve", gus: "approve" })),
      ...Array.from({ length: 3 }, () => agreement({ fay: "deny", gus: "deny" })),
      agreement({ fay: "approve", gus: "deny" }),
      agreement({ fay: "deny", gus: "approve" }),
    ];

    // Act
    const fay = cards(facts).fay;

    // Assert: p_o = 0.75, p_e = 0.5 → κ = 0.5
    expect(fay?.peers.kappa).toBeCloseTo(0.5, 12);
    expect(fay?.peers.agreement).toBe(0.75);
  });

  it("has no numbers where there is nothing to compute them from, and no card for the queue row", () => {
    // Act
    const all = cards([agreement({ hal: "approve", ida: "approve" })]);

    // Assert
    expect(Object.keys(all).sort()).toEqual(["hal", "ida"]);
    expect(all[QUEUE_ROW]).toBeUndefined();
    expect(all.hal).toMatchObject({
      decided: 0,
      handlingSeconds: { median: null, p90: null, mean: null },
      gold: { items: 0, accuracy: null, interval: [null, null] },
      overrides: { rate: null },
      labelShift: { distance: null, pValue: null },
    });
  });

  it("sums a reviewer's rows over every hour of the period", () => {
    const rows = sumRows(
      [verdict("jo", "deny", { at: at(1) }), verdict("jo", "deny", { at: at(2) })].flatMap(
        reviewerCountersOf,
      ),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.counters.decided).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { agreementSummary } from "../../../core/stats/agreement-summary";
import { fleiss } from "../../../core/stats/fleiss";
import type { RatingProfile } from "../../../core/stats/ratings";

const LEVELS = ["minor", "moderate", "severe"];

describe("agreementSummary", () => {
  it("flags Fleiss' kappa below 0.6 and reports every label, used or not", () => {
    // Arrange: kappa ≈ 0.35
    const profiles: RatingProfile[] = [
      { counts: { approve: 2 }, items: 30 },
      { counts: { approve: 1, deny: 1 }, items: 20 },
      { counts: { deny: 2 }, items: 10 },
    ];

    // Act
    const summary = agreementSummary(profiles, {
      labels: ["approve", "deny", "escalate"],
      bootstrap: { samples: 100 },
    });

    // Assert
    expect(summary.fleiss.kappa).toBeCloseTo(fleiss(profiles).kappa, 14);
    expect(summary.fleiss.kappa).toBeLessThan(0.6);
    expect(summary.low).toBe(true);
    expect(summary.flaggedOn).toBe("fleiss-kappa");
    expect(Object.keys(summary.perLabel).sort()).toEqual(["approve", "deny", "escalate"]);
    expect(summary.alpha.nominal.interval).not.toBeNull();
    expect(summary.alpha.ordinal).toBeUndefined();
  });

  it("reads ordinal alpha for ordered labels, where near-misses count less than far ones", () => {
    // Arrange: every disagreement is between neighbours, so nominal agreement is low but ordinal high
    const profiles: RatingProfile[] = [
      { counts: { minor: 2 }, items: 20 },
      { counts: { minor: 1, moderate: 1 }, items: 12 },
      { counts: { moderate: 2 }, items: 10 },
      { counts: { moderate: 1, severe: 1 }, items: 12 },
      { counts: { severe: 2 }, items: 20 },
    ];

    // Act
    const summary = agreementSummary(profiles, { labels: LEVELS, ordered: true, bootstrap: false });

    // Assert
    expect(summary.flaggedOn).toBe("alpha-ordinal");
    expect(summary.fleiss.kappa).toBeLessThan(0.6);
    expect(summary.alpha.ordinal?.alpha).toBeGreaterThan(0.6);
    expect(summary.alpha.interval?.alpha).toBeGreaterThan(summary.alpha.nominal.alpha);
    expect(summary.low).toBe(false);
  });

  it("leaves the flag unset (null) when agreement is undefined", () => {
    const summary = agreementSummary([{ counts: { approve: 1 }, items: 5 }], { bootstrap: false });
    expect(summary.low).toBeNull();
  });

  it("rejects ordered labels without a label list and a threshold outside (−1, 1]", () => {
    expect(() => agreementSummary([], { ordered: true })).toThrow(/ordered labels need labels/);
    expect(() => agreementSummary([], { threshold: 2 })).toThrow(/threshold/);
  });
});

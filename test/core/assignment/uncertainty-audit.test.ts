import { describe, expect, it } from "vitest";
import { AUDIT_SEED } from "../../../core/assignment/audit";
import { hashV2 } from "../../../core/assignment/hash";
import {
  auditInclusionProbability,
  auditUncertainty,
  scaleForBudget,
  uncertaintyAuditDraw,
} from "../../../core/assignment/uncertainty-audit";

const policy = { floor: 0.01, scale: 0.2 };

describe("uncertainty-weighted audit probabilities", () => {
  it("grow as confidence falls towards the threshold and reach the floor for certain decisions", () => {
    // 2·√(c(1 − c)): 0.6 at c = 0.9, 0.199 at 0.99, 0 at 1.
    expect(auditUncertainty({ confidence: 0.9 }, 0.8)).toBeCloseTo(0.6, 12);
    expect(auditUncertainty({ confidence: 1 }, 0.8)).toBe(0);

    expect(auditInclusionProbability({ confidence: 0.9 }, 0.8, policy)).toBeCloseTo(0.12, 12);
    // 0.2 · 2√(0.999 · 0.001) = 0.01264, rounded up to the grid.
    expect(auditInclusionProbability({ confidence: 0.999 }, 0.8, policy)).toBe(0.0127);
    expect(auditInclusionProbability({ confidence: 1 }, 0.8, policy)).toBe(0.01);
  });

  it("grow with the entropy of the alternatives when that is the larger uncertainty", () => {
    // 2√(c(1 − c)) is never below the normalised entropy of a proper distribution, so entropy decides
    // only when the scores are not one (they sum above 1 and are renormalised).
    const sure = { confidence: 0.95 };
    const torn = { confidence: 0.95, alternatives: [{ confidence: 0.025 }, { confidence: 0.025 }] };
    const flat = { confidence: 0.5, alternatives: [{ confidence: 0.25 }, { confidence: 0.25 }] };

    expect(auditUncertainty(torn, 0.8)).toBe(auditUncertainty(sure, 0.8));
    // Normalised entropy of (0.5, 0.25, 0.25) = 1.5 ln 2 / ln 3 = 0.946, below 2·√(0.25) = 1.
    expect(auditUncertainty(flat, 0.5)).toBe(1);
    // Scores that are not probabilities: a runner-up at 0.8 beside 0.9 is a near tie (entropy 0.998).
    const close = { confidence: 0.9, alternatives: [{ confidence: 0.8 }] };
    expect(auditUncertainty(close, 0.8)).toBeGreaterThan(0.99);
  });

  it("are rounded up to the hash's 1/10,000 grid, so the recorded probability is the one sampled", () => {
    expect(
      auditInclusionProbability({ confidence: 0.9 }, 0.8, { floor: 0.01, scale: 0.00010001 / 0.6 }),
    ).toBe(0.01);
    expect(
      auditInclusionProbability({ confidence: 0.9 }, 0.8, { floor: 0.0001, scale: 0.000100001 / 0.6 }),
    ).toBe(0.0002);
  });

  it("never exceed the cap", () => {
    expect(auditInclusionProbability({ confidence: 0.8 }, 0.8, { floor: 0.01, scale: 10, cap: 0.5 })).toBe(
      0.5,
    );
  });

  it("draw the same decision the same way every time, from the audit hash", () => {
    const prediction = { confidence: 0.9 };

    const first = uncertaintyAuditDraw("d-123", prediction, 0.8, policy);
    const again = uncertaintyAuditDraw("d-123", prediction, 0.8, policy);

    expect(again).toEqual(first);
    expect(first.audit).toBe(hashV2(AUDIT_SEED, "d-123") < first.inclusionProbability);
  });

  it("audit the expected share of many decisions", () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `decision-${i}`);

    const audited = ids.filter(
      (id) => uncertaintyAuditDraw(id, { confidence: 0.9 }, 0.8, policy).audit,
    ).length;

    // π = 0.12: 2,400 expected, binomial sd 46.
    expect(Math.abs(audited - 2400)).toBeLessThan(4 * 46);
  });

  it("find the scale that spends the budget on past uncertainties", () => {
    const uncertainties = [0, 0.1, 0.2, 0.4, 0.8];

    const scale = scaleForBudget(uncertainties, 0.1, { floor: 0.01 });

    const rate = uncertainties.reduce((s, u) => s + Math.max(0.01, scale * u), 0) / uncertainties.length;
    expect(rate).toBeCloseTo(0.1, 9);
  });

  it("reject an invalid policy or an unreachable budget with a clear message", () => {
    expect(() => auditInclusionProbability({ confidence: 0.9 }, 0.8, { floor: 0, scale: 1 })).toThrow(
      /floor must be/,
    );
    expect(() =>
      auditInclusionProbability({ confidence: 0.9 }, 0.8, { floor: 0.1, scale: 1, cap: 0.05 }),
    ).toThrow(/cap must be/);
    expect(() => auditInclusionProbability({ confidence: 0.9 }, 0.8, { floor: 0.1, scale: -1 })).toThrow(
      /scale must be/,
    );
    expect(() => scaleForBudget([], 0.1, { floor: 0.01 })).toThrow(/no uncertainties/);
    expect(() => scaleForBudget([0.5], 0.001, { floor: 0.01 })).toThrow(/budget must be in/);
    expect(() => scaleForBudget([0, 0], 0.5, { floor: 0.01 })).toThrow(/cannot be reached/);
  });
});

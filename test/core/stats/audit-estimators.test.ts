import { describe, expect, it } from "vitest";
import {
  type AuditedDecision,
  auditSums,
  automatedQuality,
  hajek,
  horvitzThompson,
  predictionPowered,
  qualityInterval,
} from "../../../core/stats/audit-estimators";

/** `n` decisions with inclusion probability `pi`, `audited` of them audited and `wrong` of those wrong. */
function decisions(
  n: number,
  pi: number,
  audited: number,
  wrong: number,
  prediction?: number,
): AuditedDecision[] {
  return Array.from({ length: n }, (_, i) => ({
    inclusionProbability: pi,
    audited: i < audited,
    ...(i < audited ? { correct: i >= wrong } : {}),
    ...(prediction === undefined ? {} : { prediction }),
  }));
}

describe("audit estimators of automated quality", () => {
  it("reduce to the audited share right, with the finite-population variance, under uniform audits", () => {
    // 1,000 automated, π = 0.1, 100 audited, 8 wrong: θ = 0.92, var = (1 − π)·θ(1 − θ)/n.
    const s = auditSums(decisions(1000, 0.1, 100, 8));

    const ratio = hajek(s);
    const ht = horvitzThompson(s);

    expect(ratio.estimate).toBeCloseTo(0.92, 12);
    expect(ratio.variance).toBeCloseTo((0.9 * 0.92 * 0.08) / 100, 12);
    // HT: Σw·y/N = 92·10/1000; var = Σv·y/N² = 92·90/1000².
    expect(ht.estimate).toBeCloseTo(0.92, 12);
    expect(ht.variance).toBeCloseTo((92 * 90) / 1e6, 12);
  });

  it("weights each audit by 1/π: an error where audits are rare counts for more", () => {
    // 900 confident decisions audited at 1/90 (10 audits, 1 wrong), 100 uncertain at 1/2 (50 audits, 10 wrong).
    const s = auditSums([...decisions(900, 1 / 90, 10, 1), ...decisions(100, 0.5, 50, 10)]);

    // Σw·y = 9·90 + 40·2 = 890 and Σw = 10·90 + 50·2 = 1000.
    expect(hajek(s).estimate).toBeCloseTo(0.89, 12);
    expect(horvitzThompson(s).estimate).toBeCloseTo(0.89, 12);
    // The unweighted share right (49/60 = 0.817) would overstate how often the uncertain ones are automated.
    expect(hajek(s).estimate).not.toBeCloseTo(49 / 60, 2);
  });

  it("uses the model's confidences as predictions and shrinks the interval when they track the truth", () => {
    // Easy decisions (confidence 0.99) almost always right; hard ones (0.6) right 60% of the time.
    const data = [...decisions(800, 0.05, 40, 0, 0.99), ...decisions(200, 0.05, 10, 4, 0.6)];
    const s = auditSums(data);

    const ppi = predictionPowered(s);
    const ratio = hajek(s);

    expect(ppi.lambda).toBeGreaterThan(0);
    expect(ppi.lambda).toBeLessThanOrEqual(1);
    expect(ppi.variance).toBeLessThan(ratio.variance);
    // The model's mean confidence (0.912) corrected by what the audits saw it get wrong.
    expect(ppi.estimate).toBeGreaterThan(0.85);
    expect(ppi.estimate).toBeLessThan(0.95);
  });

  it("falls back to Hájek (λ = 0) when the predictions carry no information", () => {
    const s = auditSums(decisions(1000, 0.1, 100, 8, 0.9));

    expect(predictionPowered(s)).toMatchObject({ lambda: 0, estimate: hajek(s).estimate });
  });

  it("keeps every interval inside [0, 1] and open when the audits found no error", () => {
    const allRight = auditSums(decisions(1000, 0.1, 50, 0));

    const [lower, upper] = hajek(allRight).interval;

    expect(upper).toBe(1);
    // Clopper–Pearson for 50/50 right: 0.025^(1/50) = 0.9289.
    expect(lower).toBeCloseTo(0.025 ** (1 / 50), 6);
    expect(qualityInterval(1.3, 0.01, allRight)[1]).toBeLessThanOrEqual(1);
    expect(qualityInterval(-0.1, 0.01, allRight)[0]).toBeGreaterThanOrEqual(0);
  });

  it("says which estimator it chose and why", () => {
    const informative = auditSums([
      ...decisions(800, 0.05, 40, 0, 0.99),
      ...decisions(200, 0.05, 10, 4, 0.6),
    ]);
    const plain = auditSums(decisions(1000, 0.1, 100, 8));

    const chosen = automatedQuality(informative);

    expect(chosen.estimator).toBe("prediction-powered");
    expect(chosen.reason).toMatch(
      /^prediction-powered \(λ = \d\.\d\d\): the model's confidences on all 1,000 automated/,
    );
    expect(chosen.candidates.map((c) => c.estimator)).toEqual([
      "horvitz-thompson",
      "hajek",
      "prediction-powered",
    ]);
    expect(automatedQuality(plain)).toMatchObject({
      estimator: "hajek",
      reason: expect.stringMatching(/^Hájek/),
    });
    expect(automatedQuality(auditSums(decisions(10, 0.1, 0, 0))).reason).toBe(
      "no audits yet: nothing to estimate from",
    );
  });

  it("rejects records and sums that cannot come from an audit sample", () => {
    expect(() => auditSums([{ inclusionProbability: 0, audited: false }])).toThrow(
      /inclusionProbability must be in \(0, 1\]/,
    );
    expect(() => auditSums([{ inclusionProbability: 0.5, audited: true }])).toThrow(
      /audited but has no verdict/,
    );
    expect(() =>
      auditSums([
        { inclusionProbability: 0.5, audited: false, prediction: 0.9 },
        { inclusionProbability: 0.5, audited: false },
      ]),
    ).toThrow(/prediction must be a number in \[0, 1\] on every decision/);
    const s = auditSums(decisions(10, 0.5, 4, 1));
    expect(() => hajek({ ...s, audits: 11 })).toThrow(/audits \(11\) must not exceed/);
    expect(() => hajek({ ...s, w: { f: [1], yf: [2] } })).toThrow(/w sums need/);
    expect(() => predictionPowered(s)).toThrow(/needs the prediction sums/);
    expect(() => hajek(s, 1)).toThrow(/confidence/);
  });
});

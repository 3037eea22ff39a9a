import { describe, expect, it } from "vitest";

describe("the hitl-lab/stats package export", () => {
  it("resolves by package name and exposes the documented functions", async () => {
    // Act
    const stats = await import("hitl-lab/stats");

    // Assert
    const [lower, upper] = stats.wilson(81, 263);
    expect(lower).toBeCloseTo(0.2553, 4);
    expect(upper).toBeCloseTo(0.3662, 4);
    for (const name of [
      "wilson",
      "twoProportionZTest",
      "frequentistTest",
      "sequentialTest",
      "bayesianTest",
      "ratioTest",
      "nonInferiorityTest",
      "srm",
      "holm",
      "benjaminiHochberg",
      "cohenKappa",
      "fleissKappa",
      "krippendorffAlpha",
      "binomialLowerTailPValue",
      "clopperPearsonUpper",
      "hoeffdingBentkusPValue",
      "certifyThreshold",
      "certifyThresholds",
      "calibrationSums",
      "auditSums",
      "automatedQuality",
      "horvitzThompson",
      "hajek",
      "predictionPowered",
      "kappaInference",
      "weightedKappa",
      "agreementWeights",
      "fleiss",
      "perLabelAgreement",
      "alpha",
      "agreementSummary",
      "profilesOf",
    ] as const) {
      expect(typeof stats[name]).toBe("function");
    }
    expect(stats.AGREEMENT_THRESHOLD).toBe(0.6);
  });
});

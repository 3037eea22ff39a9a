import { describe, expect, it } from "vitest";
import { alpha, krippendorffAlpha } from "../../../core/stats/krippendorff";
import { type LabelCounts, profilesOf, type RatingProfile } from "../../../core/stats/ratings";
import { randomInt, seededRandom } from "./random";
import { KRIPPENDORFF_2011 } from "./reliability-data";
import { simulatedRaters } from "./simulated-raters";

const WORDS = ["very low", "low", "medium", "high", "very high"];
const asWords = (counts: LabelCounts): LabelCounts =>
  Object.fromEntries(Object.entries(counts).map(([v, c]) => [WORDS[Number(v) - 1] ?? v, c]));

describe("alpha", () => {
  it("gives Krippendorff's published values from per-item counts at every level", () => {
    // Arrange
    const profiles = profilesOf(KRIPPENDORFF_2011);

    // Act + Assert
    expect(alpha(profiles, { level: "nominal", bootstrap: false }).alpha).toBeCloseTo(0.743, 3);
    expect(alpha(profiles, { level: "ordinal", bootstrap: false }).alpha).toBeCloseTo(0.815, 3);
    expect(alpha(profiles, { level: "interval", bootstrap: false }).alpha).toBeCloseTo(0.849, 3);
    expect(alpha(profiles, { level: "ratio", bootstrap: false }).alpha).toBeCloseTo(0.797, 3);
    const nominal = alpha(profiles, { bootstrap: false });
    expect(nominal.pairableValues).toBe(40);
    expect(nominal.pairableItems).toBe(11);
    expect(nominal.observedDisagreement).toBeCloseTo(8 / 40, 14);
  });

  it("reads ordered word labels through order, with the same results as the numbers 1–5", () => {
    // Arrange
    const profiles = profilesOf(KRIPPENDORFF_2011.map(asWords));

    // Act + Assert
    expect(alpha(profiles, { level: "ordinal", order: WORDS, bootstrap: false }).alpha).toBeCloseTo(0.815, 3);
    expect(alpha(profiles, { level: "interval", order: WORDS, bootstrap: false }).alpha).toBeCloseTo(
      0.849,
      3,
    );
    expect(alpha(profiles, { level: "nominal", bootstrap: false }).alpha).toBeCloseTo(0.743, 3);
  });

  it("uses explicit values for interval data with unequal steps", () => {
    // Arrange: doubling every value changes nothing; moving one label changes the distances
    const profiles = profilesOf(KRIPPENDORFF_2011.map(asWords));
    const doubled = Object.fromEntries(WORDS.map((w, i) => [w, 2 * (i + 1)]));
    const stretched = { ...Object.fromEntries(WORDS.map((w, i) => [w, i + 1])), "very high": 50 };

    // Act
    const same = alpha(profiles, { level: "interval", values: doubled, bootstrap: false }).alpha;
    const other = alpha(profiles, { level: "interval", values: stretched, bootstrap: false }).alpha;

    // Assert
    expect(same).toBeCloseTo(0.849, 3);
    expect(other).not.toBeCloseTo(0.849, 2);
  });

  it("bootstraps a deterministic interval: the same seed gives the same interval whatever the input order", () => {
    // Arrange
    const profiles = profilesOf(KRIPPENDORFF_2011);
    const reversed = [...profiles].reverse();

    // Act
    const first = alpha(profiles, { bootstrap: { samples: 500, seed: 7 } });
    const again = alpha(reversed, { bootstrap: { samples: 500, seed: 7 } });
    const otherSeed = alpha(profiles, { bootstrap: { samples: 500, seed: 8 } });

    // Assert
    expect(again.interval).toEqual(first.interval);
    expect(otherSeed.interval).not.toEqual(first.interval);
    const [lower, upper] = first.interval ?? [Number.NaN, Number.NaN];
    expect(lower).toBeLessThan(first.alpha);
    expect(upper).toBeGreaterThan(first.alpha);
    expect(upper).toBeLessThanOrEqual(1);
    expect(first.bootstrap).toEqual({ samples: 500, seed: 7, confidence: 0.95, undefinedSamples: 0 });
  });

  it("gives a bootstrap interval that covers the true alpha about 95% of the time for simulated reviewers", () => {
    // Arrange: 2 labels with prevalence 0.3/0.7, 2 reviewers right with probability 0.85, else a
    // random label; for many items alpha tends to the population kappa.
    const { coverage } = simulatedRaters(seededRandom(21), {
      prevalence: [0.3, 0.7],
      accuracy: 0.85,
      raters: 2,
    });

    // Act
    const share = coverage(
      200,
      200,
      (items, rep) => alpha(profilesOf(items), { bootstrap: { samples: 400, seed: rep + 1 } }).interval,
    );

    // Assert: the coverage's own standard error is about 0.015
    expect(share).toBeGreaterThan(0.9);
    expect(share).toBeLessThan(0.99);
  });

  it("bootstraps a million double-reviewed items from their few profiles", () => {
    // Arrange
    const profiles: RatingProfile[] = [
      { counts: { approve: 2 }, items: 700_000 },
      { counts: { approve: 1, deny: 1 }, items: 60_000 },
      { counts: { deny: 2 }, items: 240_000 },
    ];

    // Act
    const result = alpha(profiles, { bootstrap: { samples: 200 } });

    // Assert: with this many items the interval is narrow around the estimate
    const [lower, upper] = result.interval ?? [Number.NaN, Number.NaN];
    expect(result.pairableItems).toBe(1_000_000);
    expect(upper - lower).toBeLessThan(0.01);
    expect(lower).toBeLessThan(result.alpha);
    expect(upper).toBeGreaterThan(result.alpha);
  });

  it("counts the samples where alpha is undefined instead of letting them move the interval", () => {
    // Arrange: with 3 items, some resamples contain one profile only and have no variation
    const profiles: RatingProfile[] = [
      { counts: { a: 2 }, items: 1 },
      { counts: { b: 2 }, items: 1 },
      { counts: { a: 1, b: 1 }, items: 1 },
    ];

    // Act
    const result = alpha(profiles, { bootstrap: { samples: 300 } });

    // Assert
    expect(result.bootstrap?.undefinedSamples).toBeGreaterThan(0);
    expect(result.bootstrap?.undefinedSamples).toBeLessThan(300);
    expect(result.interval).not.toBeNull();
  });

  it("has no interval when alpha itself is undefined", () => {
    const result = alpha([{ counts: { a: 2 }, items: 10 }]);
    expect(result.alpha).toBeNaN();
    expect(result.interval).toBeNull();
  });

  it("rejects labels without a value for numeric levels, ties in values, labels outside order and bad options", () => {
    // Arrange
    const words = [{ counts: { low: 1, high: 1 }, items: 3 }];

    // Act + Assert
    expect(() => alpha(words, { level: "interval" })).toThrow(/label "high" is not a number/);
    expect(() => alpha(words, { level: "ordinal", order: ["low"] })).toThrow(/"high", which is not in order/);
    expect(() => alpha(words, { level: "interval", values: { low: 1, high: 1 } })).toThrow(/same value 1/);
    expect(() => alpha(words, { level: "interval", values: { low: 1 } })).toThrow(
      /no finite number for label "high"/,
    );
    expect(() =>
      alpha(words, { level: "ordinal", order: ["low", "high"], values: { low: 1, high: 2 } }),
    ).toThrow(/order or values, not both/);
    expect(() => alpha(words, { level: "ratio", values: { low: -1, high: 2 } })).toThrow(
      /ratio values must be >= 0/,
    );
    expect(() => alpha(words, { bootstrap: { samples: 0 } })).toThrow(/bootstrap.samples/);
    expect(() => alpha(words, { level: "median" as "nominal" })).toThrow(/level must be/);
  });
});

describe("krippendorffAlpha (coders × units matrix)", () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with 4 observers,
  // 12 units, values 1–5 and missing data. Published: nominal 0.743, ordinal 0.815, interval 0.849,
  // ratio 0.797. Checked by hand: pairable values n = 40 with n_1..n_5 = 9, 13, 10, 5, 3; nominal
  // D_o = 8/40, D_e = (40² − 384)/(40·39) → α = 0.7434; interval D_o = 17.333/40,
  // D_e = 4480/1560 → α = 0.8491.
  const reliabilityData = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ];

  it("gives the published 0.743 for nominal data", () => {
    expect(krippendorffAlpha(reliabilityData, "nominal")).toBeCloseTo(1 - 0.2 / (1216 / 1560), 12);
    expect(krippendorffAlpha(reliabilityData, "nominal")).toBeCloseTo(0.743, 3);
  });

  it("gives the published 0.849 for interval data", () => {
    expect(krippendorffAlpha(reliabilityData, "interval")).toBeCloseTo(
      1 - 17.3333333333 / 40 / (4480 / 1560),
      9,
    );
    expect(krippendorffAlpha(reliabilityData, "interval")).toBeCloseTo(0.849, 3);
  });

  it("gives the published 0.815 for ordinal and 0.797 for ratio data", () => {
    expect(krippendorffAlpha(reliabilityData, "ordinal")).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(reliabilityData, "ratio")).toBeCloseTo(0.797, 3);
  });

  it("accepts string labels for nominal data and gives the same answer as numeric codes", () => {
    const labels = ["", "approve", "reject", "escalate", "edit", "skip"];
    const asLabels = reliabilityData.map((row) => row.map((v) => (v === null ? null : (labels[v] ?? null))));

    expect(krippendorffAlpha(asLabels, "nominal")).toBeCloseTo(
      krippendorffAlpha(reliabilityData, "nominal"),
      14,
    );
  });

  it("is 1 when every coder agrees on every unit, whatever the level", () => {
    // Arrange
    const random = seededRandom(9);

    for (let trial = 0; trial < 40; trial++) {
      const units = Array.from({ length: randomInt(random, 3, 20) }, () => randomInt(random, 1, 6));
      const coders = Array.from({ length: randomInt(random, 2, 5) }, () =>
        units.map((v) => (random() < 0.15 ? null : v)),
      );
      // Make sure at least two distinct values are pairable so alpha is defined.
      coders[0] = [...units];
      coders[1] = [...units];
      if (new Set(units).size < 2) continue;

      for (const level of ["nominal", "ordinal", "interval", "ratio"] as const) {
        // Act + Assert
        expect(krippendorffAlpha(coders, level)).toBeCloseTo(1, 12);
      }
    }
  });

  it("is undefined (NaN) when there is no variation or nothing pairable", () => {
    expect(
      krippendorffAlpha([
        [1, 1],
        [1, 1],
      ]),
    ).toBeNaN();
    expect(
      krippendorffAlpha([
        [1, null],
        [null, 2],
      ]),
    ).toBeNaN();
  });

  it("rejects strings for a numeric level and ragged rows", () => {
    expect(() => krippendorffAlpha([["a"], ["b"]], "interval")).toThrow(/nominal/);
    expect(() => krippendorffAlpha([[1, 2], [1]])).toThrow(RangeError);
  });
});

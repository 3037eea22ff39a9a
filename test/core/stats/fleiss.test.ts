import { describe, expect, it } from "vitest";
import { fleiss, fleissKappa, perLabelAgreement } from "../../../core/stats/fleiss";
import { profilesOf, type RatingProfile } from "../../../core/stats/ratings";
import { randomInt, seededRandom } from "./random";
import { KRIPPENDORFF_2011 } from "./reliability-data";
import { simulatedRaters } from "./simulated-raters";

const DIAGNOSES = ["depression", "personality disorder", "schizophrenia", "neurosis", "other"];

// Fleiss (1971), Table 1: 30 patients, each diagnosed by 6 of the psychiatrists, counts per diagnosis
// (the same data as R's irr::diagnoses). Published: κ = 0.430; irr::kappam.fleiss gives 0.4302445
// with z = 17.65183 (Fleiss, Nee & Landis 1979 variance), and per category (detail = TRUE) κ_j =
// 0.245, 0.245, 0.520, 0.471, 0.566 with z = 5.192, 5.192, 11.031, 9.994, 12.009.
const FLEISS_1971 = [
  [0, 0, 0, 6, 0],
  [0, 3, 0, 0, 3],
  [0, 1, 4, 0, 1],
  [0, 0, 0, 0, 6],
  [0, 3, 0, 3, 0],
  [2, 0, 4, 0, 0],
  [0, 0, 4, 0, 2],
  [2, 0, 3, 1, 0],
  [2, 0, 0, 4, 0],
  [0, 0, 0, 0, 6],
  [1, 0, 0, 5, 0],
  [1, 1, 0, 4, 0],
  [0, 3, 3, 0, 0],
  [1, 0, 0, 5, 0],
  [0, 2, 0, 3, 1],
  [0, 0, 5, 0, 1],
  [3, 0, 0, 1, 2],
  [5, 1, 0, 0, 0],
  [0, 2, 0, 4, 0],
  [1, 0, 2, 0, 3],
  [0, 0, 0, 0, 6],
  [0, 1, 0, 5, 0],
  [0, 2, 0, 1, 3],
  [2, 0, 0, 4, 0],
  [1, 0, 0, 4, 1],
  [0, 5, 0, 1, 0],
  [4, 0, 0, 0, 2],
  [0, 2, 0, 4, 0],
  [1, 0, 5, 0, 0],
  [0, 0, 0, 0, 6],
];

const asProfiles = (rows: readonly (readonly number[])[], labels: readonly string[]) =>
  profilesOf(rows.map((row) => Object.fromEntries(row.map((c, j) => [labels[j] ?? String(j), c]))));

describe("fleiss", () => {
  it("gives Fleiss' published 0.430 and irr's z = 17.65 on the 1971 psychiatric diagnoses", () => {
    // Act
    const result = fleiss(asProfiles(FLEISS_1971, DIAGNOSES));

    // Assert
    expect(result.kappa).toBeCloseTo(0.4302445, 7);
    expect(result.null?.z).toBeCloseTo(17.65183, 5);
    expect(result.items).toBe(30);
    expect(result.ratersPerItem).toBe(6);
    expect(result.interval[0]).toBeLessThan(result.kappa);
    expect(result.interval[1]).toBeGreaterThan(result.kappa);
  });

  it("gives Gwet's published 0.76117 and standard error 0.15302 when items have different numbers of ratings", () => {
    // Arrange: Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed., p. 120, uses Krippendorff's
    // 2011 data; irrCAC's fleiss.kappa.raw reports κ = 0.76117, SE 0.15302, 95% CI (0.42438, 1),
    // p_a 0.81818, p_e 0.23872.
    const profiles = profilesOf(KRIPPENDORFF_2011);

    // Act
    const result = fleiss(profiles);

    // Assert
    expect(result.kappa).toBeCloseTo(0.76117, 5);
    expect(result.standardError).toBeCloseTo(0.15302, 5);
    expect(result.interval[0]).toBeCloseTo(0.42438, 5);
    expect(result.interval[1]).toBe(1);
    expect(result.observedAgreement).toBeCloseTo(0.81818, 5);
    expect(result.chanceAgreement).toBeCloseTo(0.23872, 5);
    expect(result.items).toBe(12);
    expect(result.pairedItems).toBe(11);
    expect(result.ratersPerItem).toBeNull();
    expect(result.null).toBeNull();
  });

  it("gives an interval that covers the true kappa about 95% of the time for simulated reviewers", () => {
    // Arrange: 3 labels with prevalence 0.5/0.3/0.2; each of 3 reviewers is right with probability
    // 0.7, else picks a label at random.
    const { coverage } = simulatedRaters(seededRandom(12), {
      prevalence: [0.5, 0.3, 0.2],
      accuracy: 0.7,
      raters: 3,
    });

    // Act
    const share = coverage(300, 150, (items) => fleiss(profilesOf(items)).interval);

    // Assert: the coverage's own standard error is about 0.013
    expect(share).toBeGreaterThan(0.9);
    expect(share).toBeLessThan(0.99);
  });

  it("ignores items with one rating for agreement but counts them for the label shares", () => {
    // Arrange
    const paired: RatingProfile[] = [
      { counts: { a: 2 }, items: 5 },
      { counts: { a: 1, b: 1 }, items: 2 },
      { counts: { b: 2 }, items: 3 },
    ];

    // Act
    const without = fleiss(paired);
    const withSingles = fleiss([...paired, { counts: { b: 1 }, items: 10 }]);

    // Assert
    expect(withSingles.observedAgreement).toBeCloseTo(without.observedAgreement, 14);
    expect(withSingles.chanceAgreement).not.toBeCloseTo(without.chanceAgreement, 3);
    expect(withSingles.pairedItems).toBe(10);
    expect(withSingles.items).toBe(20);
  });

  it("is undefined (NaN) when no item has two ratings or every rating is one label", () => {
    expect(fleiss([{ counts: { a: 1 }, items: 4 }]).kappa).toBeNaN();
    expect(fleiss([{ counts: { a: 3 }, items: 4 }]).kappa).toBeNaN();
    expect(fleiss([]).kappa).toBeNaN();
  });

  it("rejects counts that are not whole numbers, with the profile and label in the message", () => {
    expect(() => fleiss([{ counts: { approve: 1.5 }, items: 1 }])).toThrow(
      /profiles\[0\]\.counts\["approve"\] must be a whole number/,
    );
    expect(() => fleiss([{ counts: { approve: 2 }, items: -1 }])).toThrow(/profiles\[0\]\.items/);
    expect(() => fleiss([{ counts: { approve: 2 }, items: 1 }], { confidence: 0 })).toThrow(/confidence/);
  });
});

describe("perLabelAgreement", () => {
  it("gives Fleiss' per-diagnosis kappas and irr's z values on the 1971 data", () => {
    // Act
    const labels = perLabelAgreement(asProfiles(FLEISS_1971, DIAGNOSES));

    // Assert
    const expected: [string, number, number][] = [
      ["depression", 0.245, 5.192],
      ["personality disorder", 0.245, 5.192],
      ["schizophrenia", 0.52, 11.031],
      ["neurosis", 0.471, 9.994],
      ["other", 0.566, 12.009],
    ];
    for (const [label, kappa, z] of expected) {
      expect(labels[label]?.kappa).toBeCloseTo(kappa, 3);
      expect(labels[label]?.z).toBeCloseTo(z, 3);
    }
    expect(labels.neurosis?.ratings).toBe(55);
  });

  it("gives the positive and negative specific agreement 2a/(2a + b + c) for two reviewers", () => {
    // Arrange: 20 yes-yes, 15 yes-no or no-yes, 15 no-no → positive 40/55, negative 30/45
    const profiles: RatingProfile[] = [
      { counts: { yes: 2 }, items: 20 },
      { counts: { yes: 1, no: 1 }, items: 15 },
      { counts: { no: 2 }, items: 15 },
    ];

    // Act
    const labels = perLabelAgreement(profiles, ["maybe"]);

    // Assert
    expect(labels.yes?.specificAgreement).toBeCloseTo(40 / 55, 14);
    expect(labels.no?.specificAgreement).toBeCloseTo(30 / 45, 14);
    expect(labels.maybe?.ratings).toBe(0);
    expect(labels.maybe?.specificAgreement).toBeNaN();
  });

  it("gives each of two labels the overall kappa, since 'this label vs the rest' is the whole table", () => {
    // Arrange
    const profiles: RatingProfile[] = [
      { counts: { a: 3 }, items: 7 },
      { counts: { a: 2, b: 1 }, items: 4 },
      { counts: { a: 1, b: 2 }, items: 2 },
      { counts: { b: 3 }, items: 6 },
    ];

    // Act
    const overall = fleiss(profiles).kappa;
    const labels = perLabelAgreement(profiles);

    // Assert
    expect(labels.a?.kappa).toBeCloseTo(overall, 12);
    expect(labels.b?.kappa).toBeCloseTo(overall, 12);
  });
});

describe("fleissKappa (subjects × categories matrix)", () => {
  it("gives 0.2099 for the Wikipedia example of 10 subjects, 14 raters and 5 categories", () => {
    // Arrange: the table from the Wikipedia article "Fleiss' kappa"
    const counts = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];

    // Act
    const kappa = fleissKappa(counts);

    // Assert
    expect(kappa).toBeCloseTo(0.2099, 4);
  });

  it("is 1 when every subject gets a unanimous rating", () => {
    // Arrange
    const random = seededRandom(5);

    for (let trial = 0; trial < 50; trial++) {
      const k = randomInt(random, 2, 5);
      const raters = randomInt(random, 2, 9);
      const counts = Array.from({ length: randomInt(random, 2, 30) }, (_, i) =>
        Array.from({ length: k }, (_, j) => (j === i % k ? raters : 0)),
      );

      // Act + Assert
      expect(fleissKappa(counts)).toBeCloseTo(1, 14);
    }
  });

  it("rejects subjects rated by different numbers of raters", () => {
    expect(() =>
      fleissKappa([
        [1, 2],
        [2, 2],
      ]),
    ).toThrow(/same number of raters/);
  });
});

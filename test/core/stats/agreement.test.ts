import { describe, expect, it } from "vitest";
import { cohenKappa, fleissKappa, krippendorffAlpha } from "../../../core/stats/agreement";
import { randomInt, seededRandom } from "./random";

describe("cohenKappa", () => {
  it("gives the published 0.4 for 20 yes-yes, 5 A-yes B-no, 10 A-no B-yes, 15 no-no", () => {
    // Arrange: rows are rater A, columns rater B; p_o = 0.7, p_e = 0.5
    const table = [
      [20, 5],
      [10, 15],
    ];

    // Act
    const kappa = cohenKappa(table);

    // Assert
    expect(kappa).toBeCloseTo(0.4, 14);
  });

  it("is 1 for perfect agreement on any diagonal table with two or more categories", () => {
    // Arrange
    const random = seededRandom(3);

    for (let trial = 0; trial < 100; trial++) {
      const k = randomInt(random, 2, 6);
      const table = Array.from({ length: k }, (_, i) =>
        Array.from({ length: k }, (_, j) => (i === j ? randomInt(random, 1, 50) : 0)),
      );

      // Act
      const kappa = cohenKappa(table);

      // Assert
      expect(kappa).toBeCloseTo(1, 14);
    }
  });

  it("is 0 when the raters agree exactly as often as chance predicts", () => {
    // Independent margins: every cell is row share × column share
    expect(
      cohenKappa([
        [4, 6],
        [6, 9],
      ]),
    ).toBeCloseTo(0, 14);
  });

  it("is undefined (NaN) when both raters only ever use one category", () => {
    expect(
      cohenKappa([
        [10, 0],
        [0, 0],
      ]),
    ).toBeNaN();
  });

  it("rejects a table that is not square", () => {
    expect(() => cohenKappa([[1, 2], [3]])).toThrow(/square/);
  });
});

describe("fleissKappa", () => {
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

describe("krippendorffAlpha", () => {
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

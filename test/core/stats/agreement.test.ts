import { describe, expect, it } from "vitest";
import { agreementWeights, cohenKappa, kappaInference, weightedKappa } from "../../../core/stats/agreement";
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

describe("kappaInference", () => {
  // SAS PROC FREQ's agreement output for this 3 × 3 table (19 items), as recorded in statsmodels'
  // test suite (statsmodels/stats/tests/test_inter_rater.py): simple kappa 0.4842, ASE 0.1380,
  // 95% limits 0.2137–0.7547, ASE under H0 0.1484, Z 3.2626, two-sided p 0.0011; weighted kappa with
  // Cicchetti–Allison (linear) weights 0.4701, ASE 0.1457, limits 0.1845–0.7558, ASE under H0
  // 0.1426, Z 3.2971, p 0.0010.
  const sasTable = [
    [0, 4, 1],
    [0, 8, 0],
    [0, 1, 5],
  ];

  it("matches SAS for simple kappa: estimate, standard errors, interval and test", () => {
    // Act
    const result = kappaInference(sasTable);

    // Assert
    expect(result.kappa).toBeCloseTo(0.4842, 4);
    expect(result.standardError).toBeCloseTo(0.138, 4);
    expect(result.interval[0]).toBeCloseTo(0.2137, 4);
    expect(result.interval[1]).toBeCloseTo(0.7547, 4);
    expect(result.null.standardError).toBeCloseTo(0.1484, 4);
    expect(result.null.z).toBeCloseTo(3.2626, 4);
    expect(result.null.pValue).toBeCloseTo(0.0011, 4);
    expect(result.items).toBe(19);
  });

  it("matches SAS for linearly weighted kappa", () => {
    // Act
    const result = kappaInference(sasTable, { weights: "linear" });

    // Assert
    expect(result.kappa).toBeCloseTo(0.4701, 4);
    expect(result.standardError).toBeCloseTo(0.1457, 4);
    expect(result.interval[0]).toBeCloseTo(0.1845, 4);
    expect(result.interval[1]).toBeCloseTo(0.7558, 4);
    expect(result.null.standardError).toBeCloseTo(0.1426, 4);
    expect(result.null.z).toBeCloseTo(3.2971, 4);
    expect(result.null.pValue).toBeCloseTo(0.001, 4);
  });

  it("matches R's irr::kappa2 on the anxiety ratings for unweighted, linear and quadratic weights", () => {
    // Arrange: raters 2 and 3 of irr's `anxiety` data (20 subjects); the scores used are 1, 2, 3, 4
    // and 6, which irr treats as five equally spaced levels. Published by kappa2(anxiety[, 2:3], …)
    // and recorded in statsmodels' test suite: unweighted −0.006289308 (z −0.0604067), "equal"
    // 0.1459075 (z 1.282472), "squared" 0.2520325 (z 1.437451).
    const rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
    const rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];
    const levels = [1, 2, 3, 4, 6];
    const table = levels.map(() => levels.map(() => 0));
    rater2.forEach((a, i) => {
      const row = table[levels.indexOf(a)];
      if (row) row[levels.indexOf(rater3[i] ?? 0)] = (row[levels.indexOf(rater3[i] ?? 0)] ?? 0) + 1;
    });

    // Act
    const unweighted = kappaInference(table);
    const linear = kappaInference(table, { weights: "linear" });
    const quadratic = kappaInference(table, { weights: "quadratic" });

    // Assert
    expect(unweighted.kappa).toBeCloseTo(-0.006289308, 8);
    expect(unweighted.null.z).toBeCloseTo(-0.0604067, 6);
    expect(unweighted.null.pValue).toBeCloseTo(0.9518317, 6);
    expect(linear.kappa).toBeCloseTo(0.1459075, 7);
    expect(linear.null.z).toBeCloseTo(1.282472, 6);
    expect(quadratic.kappa).toBeCloseTo(0.2520325, 7);
    expect(quadratic.null.z).toBeCloseTo(1.437451, 6);
    expect(quadratic.null.pValue).toBeCloseTo(0.1505898, 6);
  });

  it("gives 3/7 and z = 5.46 for the Fleiss, Cohen & Everitt (1969) table of 100 diagnoses", () => {
    // Arrange: p_o = 0.70, p_e = 0.475, so κ = 0.225/0.525 = 3/7; irr::kappa2 reports z = 5.46.
    const table = [
      [53, 5, 2],
      [11, 14, 5],
      [1, 6, 3],
    ];

    // Act
    const result = kappaInference(table);

    // Assert
    expect(result.kappa).toBeCloseTo(3 / 7, 14);
    expect(result.null.z).toBeCloseTo(5.46, 2);
  });

  it("gives the same kappa whichever rater is the row, and a standard error that shrinks with more items", () => {
    // Arrange
    const table = [
      [30, 6, 2],
      [4, 20, 5],
      [1, 3, 12],
    ];
    const transposed = table.map((row, i) => row.map((_, j) => table[j]?.[i] ?? 0));
    const quadrupled = table.map((row) => row.map((x) => 4 * x));

    // Act
    const base = kappaInference(table, { weights: "quadratic" });
    const swapped = kappaInference(transposed, { weights: "quadratic" });
    const larger = kappaInference(quadrupled, { weights: "quadratic" });

    // Assert
    expect(swapped.kappa).toBeCloseTo(base.kappa, 14);
    expect(larger.kappa).toBeCloseTo(base.kappa, 14);
    expect(larger.standardError).toBeCloseTo(base.standardError / 2, 12);
  });

  it("keeps the interval within [−1, 1] and is undefined for an empty table", () => {
    // Act
    const perfect = kappaInference([
      [3, 0],
      [0, 2],
    ]);
    const empty = kappaInference([
      [0, 0],
      [0, 0],
    ]);

    // Assert
    expect(perfect.kappa).toBe(1);
    expect(perfect.interval[1]).toBeLessThanOrEqual(1);
    expect(empty.kappa).toBeNaN();
    expect(empty.standardError).toBeNaN();
  });

  it("rejects weights that do not fit the table, give less than full credit on the diagonal, or leave [0, 1]", () => {
    expect(() => kappaInference(sasTable, { weights: [[1]] })).toThrow(/3 × 3/);
    expect(() =>
      kappaInference(sasTable, {
        weights: [
          [0.9, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      }),
    ).toThrow(/weights\[0\]\[0\] must be 1/);
    expect(() =>
      kappaInference(sasTable, {
        weights: [
          [1, 2, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      }),
    ).toThrow(/within \[0, 1\]/);
    expect(() => kappaInference(sasTable, { confidence: 1 })).toThrow(/confidence/);
  });
});

describe("weightedKappa", () => {
  it("equals unweighted kappa when there are only two labels", () => {
    const table = [
      [20, 5],
      [10, 15],
    ];
    expect(weightedKappa(table, "linear")).toBeCloseTo(0.4, 14);
    expect(weightedKappa(table, "quadratic")).toBeCloseTo(0.4, 14);
  });

  it("gives near-misses partial credit, so it exceeds unweighted kappa when disagreements are adjacent", () => {
    // Arrange: every disagreement is one step apart
    const table = [
      [10, 4, 0],
      [3, 10, 3],
      [0, 4, 10],
    ];

    // Act + Assert
    expect(weightedKappa(table, "linear")).toBeGreaterThan(cohenKappa(table));
    expect(weightedKappa(table, "quadratic")).toBeGreaterThan(weightedKappa(table, "linear"));
  });
});

describe("agreementWeights", () => {
  it("gives 1 − |i − j|/(k − 1) for linear and 1 − (i − j)²/(k − 1)² for quadratic weights", () => {
    expect(agreementWeights(3, "linear")).toEqual([
      [1, 0.5, 0],
      [0.5, 1, 0.5],
      [0, 0.5, 1],
    ]);
    expect(agreementWeights(3, "quadratic")).toEqual([
      [1, 0.75, 0],
      [0.75, 1, 0.75],
      [0, 0.75, 1],
    ]);
    expect(() => agreementWeights(0, "linear")).toThrow(/k must be/);
  });
});

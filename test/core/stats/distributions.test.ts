import { describe, expect, it } from "vitest";
import {
  chiSquareCdf,
  chiSquareSf,
  lnBeta,
  lnGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGammaP,
  studentTCdf,
  studentTQuantile,
} from "../../../core/stats/distributions";
import { seededRandom } from "./random";

// Reference values are standard table values (normal, t and chi-square critical values).
describe("normal distribution", () => {
  it("gives the textbook cdf values", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(-1.644853626951472)).toBeCloseTo(0.05, 14);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
  });

  it("keeps relative precision far in the tail", () => {
    // Φ(−8) = 6.22096057427178e-16 (published table of normal tail probabilities)
    expect(normalSf(8) / 6.22096057427178e-16).toBeCloseTo(1, 10);
  });

  it("inverts to the textbook critical values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853626951472, 13);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("round-trips quantile and cdf over many probabilities", () => {
    // Arrange
    const random = seededRandom(11);

    for (let i = 0; i < 500; i++) {
      const p = random() ** 4;

      // Act
      const x = normalQuantile(p);

      // Assert
      expect(normalCdf(x) / p).toBeCloseTo(1, 10);
    }
  });

  it("rejects probabilities outside [0, 1]", () => {
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe("Student t distribution", () => {
  it("gives the textbook two-sided 95 % critical values", () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 10);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 12);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456301238, 12);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015048373333023, 12);
    expect(studentTQuantile(0.995, 20)).toBeCloseTo(2.845339709786108, 12);
  });

  it("gives the cdf values that match those critical values", () => {
    expect(studentTCdf(2.228138851986274, 10)).toBeCloseTo(0.975, 13);
    expect(studentTCdf(-12.706204736174694, 1)).toBeCloseTo(0.025, 13);
    // df = 2 has the closed form F(t) = 1/2 + t / (2·sqrt(2 + t²))
    expect(studentTCdf(1.5, 2)).toBeCloseTo(0.5 + 1.5 / (2 * Math.sqrt(2 + 2.25)), 14);
  });

  it("approaches the normal distribution as degrees of freedom grow", () => {
    // Cornish–Fisher: t = z + (z³ + z)/(4ν) + O(ν⁻²)
    const z = 1.959963984540054;
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(z + (z ** 3 + z) / 4e6, 11);
    expect(studentTQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(z, 13);
    expect(studentTCdf(1, 1e12)).toBeCloseTo(normalCdf(1), 11);
  });

  it("round-trips quantile and cdf for fractional and large degrees of freedom", () => {
    // Arrange
    const random = seededRandom(7);

    for (let i = 0; i < 300; i++) {
      const p = 1e-6 + random() * (1 - 2e-6);
      const df = 10 ** (random() * 8 - 0.5);

      // Act
      const t = studentTQuantile(p, df);

      // Assert
      expect(Math.abs(studentTCdf(t, df) - p) / Math.min(p, 1 - p)).toBeLessThan(1e-9);
    }
  });
});

describe("chi-square distribution", () => {
  it("puts 95 % of the mass below the textbook critical values", () => {
    expect(chiSquareCdf(3.841458820694124, 1)).toBeCloseTo(0.95, 13);
    expect(chiSquareCdf(5.991464547107979, 2)).toBeCloseTo(0.95, 13);
    expect(chiSquareCdf(18.307038053275146, 10)).toBeCloseTo(0.95, 13);
  });

  it("has the closed form 1 − exp(−x/2) for two degrees of freedom", () => {
    expect(chiSquareCdf(3, 2)).toBeCloseTo(1 - Math.exp(-1.5), 14);
    expect(chiSquareSf(60, 2) / Math.exp(-30)).toBeCloseTo(1, 12);
  });
});

describe("special functions", () => {
  it("gives known gamma values", () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lnGamma(1)).toBeCloseTo(0, 14);
  });

  it("gives ln B(a, b) without cancellation for huge arguments", () => {
    // B(1, b) = 1/b exactly
    expect(lnBeta(1, 1e12)).toBeCloseTo(-Math.log(1e12), 10);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 13);
  });

  it("matches the closed forms of the incomplete gamma and beta functions", () => {
    expect(regularizedGammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 14);
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 14);
    expect(regularizedBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 14);
  });
});

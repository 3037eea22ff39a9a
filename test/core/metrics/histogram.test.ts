import { describe, expect, it } from "vitest";
import { bucketCounter, LogHistogram, RELATIVE_ACCURACY } from "../../../core/metrics/histogram";
import { seededRandom } from "../stats/random";

/** The exact sample quantile the histogram promises to approximate: rank ⌊q(n − 1)⌋ of the sorted values. */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

const QUANTILES = [0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

const distributions: [string, (random: () => number) => number][] = [
  // Log-normal latencies around 80 ms, the usual shape of an API's response times.
  [
    "log-normal",
    (r) => Math.exp(Math.log(80) + 0.8 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())),
  ],
  ["uniform 1 ms – 10 s", (r) => 1 + r() * 9_999],
  // Pareto: a heavy tail of reviews that wait for days.
  ["pareto", (r) => 60_000 / (1 - r()) ** (1 / 1.2)],
];

describe("LogHistogram", () => {
  for (const [name, draw] of distributions) {
    it(`returns every quantile of ${name} samples within 1 % of the exact sample quantile`, () => {
      // Arrange
      const random = seededRandom(name.length * 7919);
      const values = Array.from({ length: 20_000 }, () => draw(random));
      const histogram = new LogHistogram();
      for (const v of values) histogram.add(v);
      const sorted = [...values].sort((a, b) => a - b);

      // Act
      const errors = QUANTILES.map((q) => {
        const exact = exactQuantile(sorted, q);
        return Math.abs(histogram.quantile(q) - exact) / exact;
      });

      // Assert
      expect(Math.max(...errors)).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-12);
    });
  }

  it("merged from parts answers exactly like one histogram fed every value", () => {
    // Arrange
    const random = seededRandom(42);
    const values = Array.from({ length: 5_000 }, () => random() * 1_000);
    const whole = new LogHistogram();
    const parts = [new LogHistogram(), new LogHistogram(), new LogHistogram()];
    values.forEach((v, i) => {
      whole.add(v);
      parts[i % 3]?.add(v);
    });

    // Act
    const merged = parts.reduce((into, part) => into.merge(part), new LogHistogram());

    // Assert
    expect(merged.count).toBe(whole.count);
    expect(merged.toCounters("h:")).toEqual(whole.toCounters("h:"));
    for (const q of QUANTILES) expect(merged.quantile(q)).toBe(whole.quantile(q));
  });

  it("round-trips through counters, and adding counter maps merges histograms", () => {
    // Arrange
    const a = new LogHistogram().add(3).add(250).add(0);
    const b = new LogHistogram().add(250).add(9_000);
    const summed: Record<string, number> = { ...a.toCounters("lat:") };
    for (const [k, v] of Object.entries(b.toCounters("lat:"))) summed[k] = (summed[k] ?? 0) + v;

    // Act
    const fromCounters = LogHistogram.fromCounters({ ...summed, other: 5 }, "lat:");

    // Assert
    expect(fromCounters.count).toBe(5);
    expect(fromCounters.toCounters("lat:")).toEqual(new LogHistogram().merge(a).merge(b).toCounters("lat:"));
  });

  it("counts zero latencies in the zero bucket and reports them as 0", () => {
    const h = new LogHistogram().add(0).add(0).add(10);

    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(0.5)).toBe(0);
    expect(h.quantile(1)).toBeCloseTo(10, 0);
    expect(bucketCounter("lat:auto:", 0)).toBe("lat:auto:zero");
  });

  it("names the same bucket for a value whether added directly or through bucketCounter", () => {
    const h = new LogHistogram().add(123.4);

    expect(Object.keys(h.toCounters("p:"))).toEqual([bucketCounter("p:", 123.4)]);
  });

  it("is NaN when empty and refuses negative values and impossible quantiles", () => {
    const h = new LogHistogram();

    expect(h.quantile(0.5)).toBeNaN();
    expect(() => h.add(-1)).toThrow(RangeError);
    expect(() => h.add(Number.NaN)).toThrow(RangeError);
    expect(() => h.quantile(1.5)).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import {
  chooseVariation,
  getBucketRanges,
  getEqualWeights,
  inNamespace,
} from "../../../core/assignment/buckets";
import { fnv1a32, hash, hashV2 } from "../../../core/assignment/hash";

// These run even where ../shared is absent, so the basics stay covered without the conformance file.
describe("fnv1a32", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("matches the published FNV-1a 32-bit test vector for %j", (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });
});

describe("hash", () => {
  it("returns null for an unknown version", () => {
    expect(hash("seed", "unit", 3)).toBeNull();
  });

  it("stays in [0, 1) with 4 decimals for version 2 and 3 for version 1", () => {
    for (let i = 0; i < 1000; i++) {
      const v2 = hashV2("s", `u${i}`);
      const v1 = hash("s", `u${i}`, 1) ?? -1;

      expect(v2).toBeGreaterThanOrEqual(0);
      expect(v2).toBeLessThan(1);
      expect(Math.round(v2 * 10000) / 10000).toBe(v2);
      expect(Math.round(v1 * 1000) / 1000).toBe(v1);
    }
  });

  it("gives hashV2 the same value as hash with version 2", () => {
    expect(hashV2("exp", "user-1")).toBe(hash("exp", "user-1", 2));
  });
});

describe("getBucketRanges", () => {
  it("shrinks each range from its start when coverage is 0.5", () => {
    expect(getBucketRanges(2, 0.5)).toEqual([
      [0, 0.25],
      [0.5, 0.75],
    ]);
  });

  it("gives empty ranges at coverage 0", () => {
    expect(getBucketRanges(2, 0)).toEqual([
      [0, 0],
      [0.5, 0.5],
    ]);
  });

  it("clamps coverage to [0, 1]", () => {
    expect(getBucketRanges(2, 1.5)).toEqual(getBucketRanges(2, 1));
    expect(getBucketRanges(2, -1)).toEqual(getBucketRanges(2, 0));
  });

  it("uses the given unequal weights for three variations", () => {
    const ranges = getBucketRanges(3, 1, [0.2, 0.3, 0.5]);

    expect(ranges.map(([a, b]) => [a, b].map((x) => Number(x.toFixed(10))))).toEqual([
      [0, 0.2],
      [0.2, 0.5],
      [0.5, 1],
    ]);
  });

  it.each([
    ["missing", undefined],
    ["of the wrong length", [0.5, 0.3, 0.2]],
    ["summing below 0.99", [0.4, 0.1]],
    ["summing above 1.01", [0.7, 0.6]],
  ])("falls back to equal weights when weights are %s", (_label, weights) => {
    expect(getBucketRanges(2, 1, weights)).toEqual([
      [0, 0.5],
      [0.5, 1],
    ]);
  });
});

describe("chooseVariation", () => {
  it("picks the first range holding n, with the start inclusive and the end exclusive", () => {
    const ranges: [number, number][] = [
      [0, 0.5],
      [0.5, 1],
    ];

    expect(chooseVariation(0, ranges)).toBe(0);
    expect(chooseVariation(0.5, ranges)).toBe(1);
  });

  it("returns -1 when n is in no range", () => {
    expect(chooseVariation(0.4, getBucketRanges(2, 0.5))).toBe(-1);
  });
});

describe("getEqualWeights", () => {
  it("returns no weights for zero or negative counts and equal shares otherwise", () => {
    expect(getEqualWeights(0)).toEqual([]);
    expect(getEqualWeights(-1)).toEqual([]);
    expect(getEqualWeights(4)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});

describe("inNamespace", () => {
  it("places a unit in exactly one of two namespace halves", () => {
    for (let i = 0; i < 200; i++) {
      const id = `u${i}`;

      expect(inNamespace(id, ["ns", 0, 0.5])).not.toBe(inNamespace(id, ["ns", 0.5, 1]));
    }
  });
});

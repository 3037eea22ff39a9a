import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type BucketRange,
  chooseVariation,
  getBucketRanges,
  inNamespace,
  type Namespace,
} from "../../../core/assignment/buckets";
import { hash } from "../../../core/assignment/hash";

// The cases stay in ../shared beside the repository (never copied in); a clone without it skips this suite.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
// GROWTHBOOK_CASES points elsewhere, e.g. to check that a missing file is reported as skipped.
const casesFile =
  process.env.GROWTHBOOK_CASES ?? path.resolve(repoRoot, "../shared/conformance/growthbook-cases.json");
const exists = existsSync(casesFile);

if (!exists) {
  console.warn(
    `GrowthBook conformance suite SKIPPED: ${casesFile} not found (it lives in ../shared beside the repo).`,
  );
}

type HashCase = [seed: string, value: string, version: number, expected: number | null];
type BucketRangeCase = [
  name: string,
  args: [numVariations: number, coverage: number, weights: number[] | null],
  expected: BucketRange[],
];
type ChooseVariationCase = [name: string, n: number, ranges: BucketRange[], expected: number];
type InNamespaceCase = [name: string, id: string, namespace: Namespace, expected: boolean];

interface Cases {
  specVersion: string;
  hash: HashCase[];
  getBucketRange: BucketRangeCase[];
  chooseVariation: ChooseVariationCase[];
  inNamespace: InNamespaceCase[];
}

const cases: Cases = exists
  ? (JSON.parse(readFileSync(casesFile, "utf8")) as Cases)
  : { specVersion: "absent", hash: [], getBucketRange: [], chooseVariation: [], inNamespace: [] };

// GrowthBook's own tests compare ranges floored to 1e-8, which absorbs float noise in the cumulative sums.
const floor8 = (ranges: readonly BucketRange[]) =>
  ranges.map(([a, b]) => [Math.floor(a * 1e8) / 1e8, Math.floor(b * 1e8) / 1e8]);

describe.skipIf(!exists)(`GrowthBook cross-SDK cases (spec ${cases.specVersion})`, () => {
  it("has cases in every section this project must pass", () => {
    expect(cases.hash.length).toBeGreaterThan(0);
    expect(cases.getBucketRange.length).toBeGreaterThan(0);
    expect(cases.chooseVariation.length).toBeGreaterThan(0);
    expect(cases.inNamespace.length).toBeGreaterThan(0);
  });

  describe("hash", () => {
    it.each(cases.hash)("hash(%j, %j, v%d) is %j", (seed, value, version, expected) => {
      expect(hash(seed, value, version)).toBe(expected);
    });
  });

  describe("getBucketRange", () => {
    it.each(cases.getBucketRange)("%s", (_name, [numVariations, coverage, weights], expected) => {
      const ranges = getBucketRanges(numVariations, coverage, weights);

      expect(floor8(ranges)).toEqual(expected);
    });
  });

  describe("chooseVariation", () => {
    it.each(cases.chooseVariation)("%s", (_name, n, ranges, expected) => {
      expect(chooseVariation(n, ranges)).toBe(expected);
    });
  });

  describe("inNamespace", () => {
    it.each(cases.inNamespace)("%s", (_name, id, namespace, expected) => {
      expect(inNamespace(id, namespace)).toBe(expected);
    });
  });
});

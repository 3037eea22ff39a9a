import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { binomialLowerTailPValue, clopperPearsonUpper } from "../../../core/stats/binomial";

// The reference values stay in ../shared beside the repository (never copied in), like the GrowthBook cases.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const casesFile =
  process.env.BINOMIAL_BOUNDS ?? path.resolve(repoRoot, "../shared/conformance/binomial-bounds.json");
const exists = existsSync(casesFile);
if (!exists) {
  console.warn(`binomial-bounds conformance SKIPPED: ${casesFile} not found (it lives in ../shared).`);
}

type Case =
  | { kind: "binomialLowerTailPValue"; n: number; errors: number; alpha: number; pValue: number }
  | { kind: "clopperPearsonUpper"; n: number; errors: number; confidence: number; upper: number };

const cases: Case[] = exists ? (JSON.parse(readFileSync(casesFile, "utf8")) as { cases: Case[] }).cases : [];
const pValueCases = cases.filter((c) => c.kind === "binomialLowerTailPValue");
const upperCases = cases.filter((c) => c.kind === "clopperPearsonUpper");

/** Relative tolerance 1e-9, as ../shared/conformance/README.md asks. */
function expectRelativelyClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected));
}

describe.skipIf(!exists)("binomial bounds against SciPy (../shared/conformance/binomial-bounds.json)", () => {
  it("has cases of both kinds", () => {
    expect(pValueCases.length).toBeGreaterThan(0);
    expect(upperCases.length).toBeGreaterThan(0);
  });

  it.each(pValueCases)("P(X ≤ $errors | n = $n, alpha = $alpha) is $pValue", (c) => {
    if (c.kind !== "binomialLowerTailPValue") throw new Error("filtered above");
    expectRelativelyClose(binomialLowerTailPValue(c.n, c.errors, c.alpha), c.pValue);
  });

  it.each(upperCases)("the $confidence Clopper–Pearson upper bound of $errors / $n is $upper", (c) => {
    if (c.kind !== "clopperPearsonUpper") throw new Error("filtered above");
    expectRelativelyClose(clopperPearsonUpper(c.errors, c.n, c.confidence), c.upper);
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../core/experiments/validate";

const examplePath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../examples/claims-triage.json",
);

/** examples/claims-triage.json with arm 1's policy changed by `policy`. */
function withPolicy(policy: Record<string, unknown>) {
  const input = JSON.parse(readFileSync(examplePath, "utf8"));
  Object.assign(input.arms[1].policy, policy);
  return parseExperiment(input);
}

describe("an arm's uncertainty-weighted audit policy", () => {
  it("is accepted with a floor, a scale and a cap, and replaces auditRate", () => {
    const result = withPolicy({
      auditRate: 0,
      auditPolicy: { kind: "uncertainty", floor: 0.02, scale: 0.4, cap: 0.5 },
    });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.value.arms[1]?.policy.auditPolicy).toEqual({
        kind: "uncertainty",
        floor: 0.02,
        scale: 0.4,
        cap: 0.5,
      });
  });

  it("names the field and the problem: a zero floor, a cap below the floor, a uniform rate beside it", () => {
    const zero = withPolicy({ auditRate: 0, auditPolicy: { kind: "uncertainty", floor: 0, scale: 1 } });
    const cap = withPolicy({
      auditRate: 0,
      auditPolicy: { kind: "uncertainty", floor: 0.2, scale: 1, cap: 0.1 },
    });
    const both = withPolicy({ auditRate: 0.1, auditPolicy: { kind: "uncertainty", floor: 0.05, scale: 1 } });

    expect(zero.ok ? [] : zero.errors.map((e) => e.path)).toEqual(["arms[1].policy.auditPolicy.floor"]);
    expect(cap.ok ? [] : cap.errors).toEqual([
      { path: "arms[1].policy.auditPolicy.cap", message: "must be at least the floor (0.2), got 0.1" },
    ]);
    expect(both.ok ? [] : both.errors).toEqual([
      {
        path: "arms[1].policy.auditRate",
        message: "must be 0 when auditPolicy is set (the policy decides every audit), got 0.1",
      },
    ]);
  });
});

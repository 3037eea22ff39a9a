import { describe, expect, it } from "vitest";
import { armRanges, assignArm, isEnrolling } from "../../../core/assignment/assign";
import { getBucketRanges } from "../../../core/assignment/buckets";
import { hashV2 } from "../../../core/assignment/hash";
import type { Experiment } from "../../../core/experiments/schema";
import { newExperiment, parseExperiment } from "../../../core/experiments/validate";
import { fixed } from "../../support/clock";

interface ArmSpec {
  id: string;
  weight: number;
  paused?: boolean;
}

function experiment(arms: ArmSpec[], overrides: Record<string, unknown> = {}): Experiment {
  const parsed = parseExperiment({
    id: "exp",
    status: "running",
    control: arms[0]?.id,
    arms: arms.map((arm) => ({ ...arm, policy: { autoAcceptAbove: 0.9 } })),
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return newExperiment(parsed.value, fixed("2026-01-01T00:00:00.000Z"));
}

const units = Array.from({ length: 20_000 }, (_, i) => `unit-${i}`);

function shares(exp: Experiment): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const unit of units) {
    const a = assignArm(exp, unit);
    const key = a.enrolled ? a.armId : "-";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / units.length]));
}

describe("assignArm", () => {
  it("assigns the GrowthBook-published hash v2 buckets to the first range holding them", () => {
    // GrowthBook cases: hash("seed", "a", 2) = 0.0505 and hash("seed", "b", 2) = 0.2696.
    const exp = experiment(
      [
        { id: "low", weight: 0.1 },
        { id: "high", weight: 0.9 },
      ],
      { hashSeed: "seed" },
    );

    expect(assignArm(exp, "a")).toEqual({ armId: "low", enrolled: true, bucket: 0.0505 });
    expect(assignArm(exp, "b")).toEqual({ armId: "high", enrolled: true, bucket: 0.2696 });
  });

  it("hashes with the experiment id when no hashSeed is given", () => {
    const exp = experiment([{ id: "only", weight: 1 }], { id: "seed" });

    expect(exp.hashSeed).toBe("seed");
    expect(assignArm(exp, "a").bucket).toBe(0.0505);
  });

  it("gives the same unit the same arm every time", () => {
    const exp = experiment([
      { id: "a", weight: 0.5 },
      { id: "b", weight: 0.5 },
    ]);

    const first = units.slice(0, 100).map((u) => assignArm(exp, u));
    const again = units.slice(0, 100).map((u) => assignArm(exp, u));

    expect(again).toEqual(first);
  });

  it("splits units by the arm weights, with unequal weights over three arms", () => {
    const exp = experiment([
      { id: "a", weight: 0.2 },
      { id: "b", weight: 0.3 },
      { id: "c", weight: 0.5 },
    ]);

    const s = shares(exp);

    expect(s.a).toBeCloseTo(0.2, 1);
    expect(s.b).toBeCloseTo(0.3, 1);
    expect(s.c).toBeCloseTo(0.5, 1);
    expect(s["-"]).toBeUndefined();
  });

  it("enrols nobody at coverage 0 and gives every unit the control arm", () => {
    const exp = experiment(
      [
        { id: "control", weight: 0.5 },
        { id: "treatment", weight: 0.5 },
      ],
      { coverage: 0 },
    );

    const results = units.slice(0, 1000).map((u) => assignArm(exp, u));

    expect(results.every((r) => !r.enrolled && r.armId === "control")).toBe(true);
  });

  it("enrols exactly the units whose hash falls in the shrunk ranges at coverage 0.5", () => {
    const exp = experiment(
      [
        { id: "control", weight: 0.5 },
        { id: "treatment", weight: 0.5 },
      ],
      { coverage: 0.5 },
    );

    for (const unit of units.slice(0, 2000)) {
      const n = hashV2("exp", unit);
      const expected = n < 0.25 ? "control" : n >= 0.5 && n < 0.75 ? "treatment" : "-";

      const a = assignArm(exp, unit);

      expect(a.enrolled ? a.armId : "-").toBe(expected);
    }
    expect(shares(exp)["-"]).toBeCloseTo(0.5, 1);
  });

  it("never moves an enrolled unit to another arm when coverage is lowered", () => {
    const arms = [
      { id: "a", weight: 0.3 },
      { id: "b", weight: 0.7 },
    ];
    const full = experiment(arms, { coverage: 1 });
    const half = experiment(arms, { coverage: 0.5 });

    const sample = units.slice(0, 2000);
    const enrolled = sample
      .map((unit) => ({ unit, reduced: assignArm(half, unit) }))
      .filter((a) => a.reduced.enrolled);

    // About half the sample stays enrolled at coverage 0.5: the check below covers both arms, not nobody.
    expect(enrolled.length).toBeGreaterThan(800);
    expect(new Set(enrolled.map((a) => a.reduced.armId))).toEqual(new Set(["a", "b"]));
    for (const { unit, reduced } of enrolled) expect(reduced.armId).toBe(assignArm(full, unit).armId);
  });

  it("sends units of a paused arm to control, not enrolled, naming the paused arm", () => {
    const exp = experiment([
      { id: "control", weight: 0.5 },
      { id: "risky", weight: 0.5, paused: true },
    ]);
    const unit = units.find((u) => hashV2("exp", u) >= 0.5) ?? "";

    const a = assignArm(exp, unit);

    expect(a).toEqual({ armId: "control", enrolled: false, bucket: hashV2("exp", unit), pausedArm: "risky" });
  });

  it("keeps units of the arms that are not paused enrolled in their arm", () => {
    const exp = experiment([
      { id: "control", weight: 0.5 },
      { id: "risky", weight: 0.5, paused: true },
    ]);
    const unit = units.find((u) => hashV2("exp", u) < 0.5) ?? "";

    expect(assignArm(exp, unit)).toEqual({ armId: "control", enrolled: true, bucket: hashV2("exp", unit) });
  });

  it.each(["draft", "paused", "stopped"])("enrols nobody while the experiment is %s", (status) => {
    const exp = experiment(
      [
        { id: "control", weight: 0.5 },
        { id: "treatment", weight: 0.5 },
      ],
      { status },
    );

    const results = units.slice(0, 200).map((u) => assignArm(exp, u));

    expect(isEnrolling(exp)).toBe(false);
    expect(results.every((r) => !r.enrolled && r.armId === "control")).toBe(true);
  });

  it("reports a running experiment as enrolling", () => {
    expect(isEnrolling({ status: "running" })).toBe(true);
  });
});

describe("armRanges", () => {
  it("builds the GrowthBook ranges from the arm weights and coverage", () => {
    const exp = experiment(
      [
        { id: "a", weight: 0.2 },
        { id: "b", weight: 0.3 },
        { id: "c", weight: 0.5 },
      ],
      { coverage: 0.2 },
    );

    expect(armRanges(exp)).toEqual(getBucketRanges(3, 0.2, [0.2, 0.3, 0.5]));
  });
});

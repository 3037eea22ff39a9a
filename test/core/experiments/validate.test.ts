import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Experiment } from "../../../core/experiments/schema";
import {
  applyChange,
  formatErrors,
  formatPath,
  newExperiment,
  type ParsedExperiment,
  parseExperiment,
} from "../../../core/experiments/validate";
import { fixed } from "../../support/clock";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The experiment of issue 2, as a user writes it. */
function issueExample(): Record<string, unknown> & { arms: Record<string, unknown>[] } {
  return {
    id: "claims-triage",
    hashSeed: "claims-triage",
    coverage: 1,
    status: "running",
    control: "conservative",
    arms: [
      {
        id: "conservative",
        weight: 0.5,
        policy: { autoAcceptAbove: 0.95, alwaysHumanTopics: ["legal"], auditRate: 0.05 },
      },
      {
        id: "aggressive",
        weight: 0.5,
        policy: { autoAcceptAbove: 0.8, alwaysHumanTopics: ["legal"], auditRate: 0.05 },
      },
    ],
  };
}

function withPolicy(policy: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const input = issueExample();
  const arm = input.arms[1] as { policy: Record<string, unknown> };
  arm.policy = { ...arm.policy, ...policy };
  return { ...input, ...extra };
}

function errorsOf(input: unknown) {
  const result = parseExperiment(input);
  if (result.ok) throw new Error("expected validation errors, got a valid experiment");
  return result.errors;
}

function parsed(input: unknown): ParsedExperiment {
  const result = parseExperiment(input);
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.value;
}

describe("parseExperiment", () => {
  it("accepts the experiment of issue 2 and fills in the defaults", () => {
    const value = parsed(issueExample());

    expect(value.arms[0]?.policy.doubleReviewRate).toBe(0);
    expect(value.arms[0]?.policy.queue).toBe("default");
    expect(value.arms[0]?.paused).toBe(false);
    expect(value.labels).toEqual([]);
  });

  it("accepts examples/claims-triage.json", () => {
    const file = JSON.parse(readFileSync(path.join(repoRoot, "examples/claims-triage.json"), "utf8"));

    expect(parseExperiment(file).ok).toBe(true);
  });

  it("ignores the fields the server sets, so a fetched experiment can be sent back", () => {
    const value = parsed({ ...issueExample(), version: 7, createdAt: "x", updatedAt: "y" });

    expect(value).not.toHaveProperty("version");
  });

  it("names the arm whose id repeats an earlier one", () => {
    const input = issueExample();
    (input.arms[1] as { id: string }).id = "conservative";

    expect(errorsOf(input)).toContainEqual({
      path: "arms[1].id",
      message: '"conservative" is already the id of arms[0]; arm ids must be unique',
    });
  });

  it("names the sum when weights do not sum to 1", () => {
    const input = issueExample();
    (input.arms[1] as { weight: number }).weight = 0.4;

    expect(errorsOf(input)).toEqual([
      { path: "arms[1].weight", message: "weights sum to 0.9, must sum to 1 (±0.001)" },
    ]);
  });

  it("accepts weights summing to 1 within 0.001", () => {
    const input = issueExample();
    (input.arms[1] as { weight: number }).weight = 0.5009;

    expect(parseExperiment(input).ok).toBe(true);
  });

  it("rejects a negative weight", () => {
    const input = issueExample();
    (input.arms[1] as { weight: number }).weight = -0.5;

    expect(errorsOf(input)).toContainEqual({
      path: "arms[1].weight",
      message: "must be a number between 0 and 1, got -0.5",
    });
  });

  it("names a control that is not an arm", () => {
    expect(errorsOf({ ...issueExample(), control: "cautious" })).toEqual([
      { path: "control", message: '"cautious" names no arm (arms: conservative, aggressive)' },
    ]);
  });

  it("rejects a threshold outside [0, 1]", () => {
    expect(errorsOf(withPolicy({ autoAcceptAbove: 1.2 }))).toEqual([
      { path: "arms[1].policy.autoAcceptAbove", message: "must be a number between 0 and 1, got 1.2" },
    ]);
  });

  it("rejects an audit rate given as text and says what it got", () => {
    expect(errorsOf(withPolicy({ auditRate: "5%" }))).toEqual([
      { path: "arms[1].policy.auditRate", message: 'must be a number between 0 and 1, got "5%"' },
    ]);
  });

  it("rejects an invalid rule queue name", () => {
    const rules = [{ field: "amount", op: "gt", value: 10000, queue: "high value" }];

    expect(errorsOf(withPolicy({ rules }))).toEqual([
      {
        path: "arms[1].policy.rules[0].queue",
        message:
          "\"high value\" is not a valid queue name: use letters, digits, '_' and '-' (up to 64, starting with a letter or digit)",
      },
    ]);
  });

  it("rejects an invalid topic queue name, quoting a topic that is not an identifier", () => {
    const errors = errorsOf(withPolicy({ topicQueues: { "legal claims": "legal.team" } }));

    expect(errors.map((e) => e.path)).toEqual(['arms[1].policy.topicQueues["legal claims"]']);
  });

  it("reserves the audit queue name", () => {
    expect(errorsOf(withPolicy({ queue: "audit" }))).toEqual([
      {
        path: "arms[1].policy.queue",
        message: '"audit" is reserved for audit samples; choose another queue name',
      },
    ]);
  });

  it("requires the fallback label to be one of the labels when labels are given", () => {
    const sla = { fallback: { action: "label", label: "maybe" } };

    expect(errorsOf(withPolicy({ sla }, { labels: ["approve", "reject"] }))).toEqual([
      {
        path: "arms[1].policy.sla.fallback.label",
        message: '"maybe" is not one of the labels (approve, reject)',
      },
    ]);
  });

  it("accepts any fallback label when no labels are given", () => {
    expect(parseExperiment(withPolicy({ sla: { fallback: { action: "label", label: "maybe" } } })).ok).toBe(
      true,
    );
  });

  it("names a fallback action that does not exist and lists the allowed ones", () => {
    expect(errorsOf(withPolicy({ sla: { fallback: { action: "guess" } } }))).toEqual([
      {
        path: "arms[1].policy.sla.fallback.action",
        message: 'must be one of model, label, hold, got "guess"',
      },
    ]);
  });

  it("names a tier whose name repeats an earlier tier", () => {
    const tiers = [
      { name: "tier-1", slaSeconds: 60 },
      { name: "tier-1", slaSeconds: 120 },
    ];

    expect(errorsOf(withPolicy({ sla: { tiers } }))).toEqual([
      {
        path: "arms[1].policy.sla.tiers[1].name",
        message: '"tier-1" is already the name of tiers[0]; tier names must be unique',
      },
    ]);
  });

  it("says a tier's SLA must be a whole number of seconds", () => {
    expect(errorsOf(withPolicy({ sla: { tiers: [{ name: "t1", slaSeconds: 1.5 }] } }))).toEqual([
      {
        path: "arms[1].policy.sla.tiers[0].slaSeconds",
        message: "must be a whole number between 1 and 31536000, got 1.5",
      },
    ]);
  });

  it.each([
    ["gt", "high", undefined, 'op "gt" compares with a number (or text), got nothing'],
    ["in", "country", "FR", 'op "in" needs a list of values, got "FR"'],
    ["eq", "tier", ["a"], 'op "eq" compares with one value, got a list of 1'],
    ["exists", "flag", 1, 'op "exists" takes true, false or no value, got 1'],
  ])("rejects op %s with a value that does not fit it", (op, field, value, message) => {
    const rule: Record<string, unknown> = { field, op };
    if (value !== undefined) rule.value = value;

    expect(errorsOf(withPolicy({ rules: [rule] }))).toEqual([
      { path: "arms[1].policy.rules[0].value", message },
    ]);
  });

  it("rejects a rule field that is not a dot path", () => {
    expect(errorsOf(withPolicy({ rules: [{ field: "customer..tier", op: "exists" }] }))).toEqual([
      {
        path: "arms[1].policy.rules[0].field",
        message: '"customer..tier" is not a dot path into the item, like "amount" or "customer.tier"',
      },
    ]);
  });

  it("rejects an unknown rule op and lists the known ones", () => {
    const [error] = errorsOf(withPolicy({ rules: [{ field: "amount", op: "above", value: 1 }] }));

    expect(error).toEqual({
      path: "arms[1].policy.rules[0].op",
      message: 'must be one of gt, gte, lt, lte, eq, neq, in, notIn, exists, got "above"',
    });
  });

  it("lists the allowed forms of a rule value of the wrong type", () => {
    const [error] = errorsOf(withPolicy({ rules: [{ field: "amount", op: "gt", value: { n: 1 } }] }));

    expect(error).toEqual({
      path: "arms[1].policy.rules[0].value",
      message: "must be a number, text, true or false, or a list, got an object",
    });
  });

  it("rejects an unknown field and lists the known ones", () => {
    const [error] = errorsOf({ ...issueExample(), weights: [0.5, 0.5] });

    expect(error?.path).toBe("weights");
    expect(error?.message).toMatch(
      /^is not a known field \(known fields: id, hashSeed, coverage, status, control/,
    );
  });

  it("names a missing required field", () => {
    const { control: _control, ...input } = issueExample();

    expect(errorsOf(input)).toEqual([{ path: "control", message: "is required (text)" }]);
  });

  it("rejects an unknown status", () => {
    expect(errorsOf({ ...issueExample(), status: "live" })).toEqual([
      { path: "status", message: 'must be one of draft, running, paused, stopped, got "live"' },
    ]);
  });

  it("uses the schema's own words for an id with spaces", () => {
    expect(errorsOf({ ...issueExample(), id: "claims triage" })).toEqual([
      {
        path: "id",
        message: "experiment id may hold letters, digits, '_', '.', '-' (got \"claims triage\")",
      },
    ]);
  });

  it("names the whole experiment when it is not an object", () => {
    expect(errorsOf([])).toEqual([{ path: "experiment", message: "must be an object, got an empty list" }]);
  });

  it("rejects an experiment without arms", () => {
    expect(errorsOf({ ...issueExample(), arms: [] })).toEqual([
      { path: "arms", message: "must hold at least 1 entry, got 0" },
    ]);
  });
});

describe("newExperiment", () => {
  it("starts at version 1 with both timestamps set to now", () => {
    const exp = newExperiment(parsed(issueExample()), fixed("2026-11-01T10:00:00.000Z"));

    expect(exp).toMatchObject({
      version: 1,
      createdAt: fixed("2026-11-01T10:00:00.000Z"),
      updatedAt: fixed("2026-11-01T10:00:00.000Z"),
    });
  });

  it("defaults hashSeed to the experiment id", () => {
    const { hashSeed: _seed, ...input } = issueExample();

    expect(newExperiment(parsed({ ...input, id: "exp-42" }), "t").hashSeed).toBe("exp-42");
  });
});

describe("applyChange", () => {
  const created: Experiment = newExperiment(
    parsed({ ...issueExample(), hashSeed: "custom-seed" }),
    fixed("2026-11-01T10:00:00.000Z"),
  );

  it("bumps the version and updatedAt and keeps createdAt", () => {
    const changed = applyChange(
      created,
      parsed(withPolicy({ autoAcceptAbove: 0.85 })),
      fixed("2026-11-02T10:00:00.000Z"),
    );

    expect(changed.version).toBe(2);
    expect(changed.createdAt).toBe(fixed("2026-11-01T10:00:00.000Z"));
    expect(changed.updatedAt).toBe(fixed("2026-11-02T10:00:00.000Z"));
    expect(changed.arms[1]?.policy.autoAcceptAbove).toBe(0.85);
  });

  it("keeps the stored hashSeed when the change omits it, so no unit changes arm", () => {
    const { hashSeed: _seed, ...input } = issueExample();

    expect(applyChange(created, parsed(input), "t").hashSeed).toBe("custom-seed");
  });

  it("refuses to change the experiment id", () => {
    expect(() => applyChange(created, parsed({ ...issueExample(), id: "other" }), "t")).toThrow(
      /id cannot change/,
    );
  });
});

describe("formatPath", () => {
  it("writes array indexes in brackets and quotes keys that are not identifiers", () => {
    expect(formatPath(["arms", 1, "policy", "topicQueues", "a b"])).toBe('arms[1].policy.topicQueues["a b"]');
  });
});

describe("formatErrors", () => {
  it("prints one line per error as path: message", () => {
    expect(
      formatErrors([
        { path: "a", message: "x" },
        { path: "b[0]", message: "y" },
      ]),
    ).toBe("a: x\nb[0]: y");
  });
});

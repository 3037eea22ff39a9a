import { describe, expect, it } from "vitest";
import { isAuditSample, isDoubleReviewSample } from "../../../core/assignment/audit";
import { type Policy, PolicySchema, type Rule } from "../../../core/experiments/schema";
import { AUDIT_QUEUE, evaluatePolicy, readField, ruleMatches } from "../../../core/policy/evaluate";
import { formatNumber } from "../../../core/policy/format";
import { fixed } from "../../support/clock";

function policy(input: Record<string, unknown> = {}): Policy {
  return PolicySchema.parse({ autoAcceptAbove: 0.95, ...input });
}

function rule(input: Partial<Rule> & Pick<Rule, "field" | "op">): Rule {
  return input;
}

function request(confidence: number, item: Record<string, unknown> = {}, decisionId = "dec-1") {
  return { decisionId, item, prediction: { confidence } };
}

/** The first of many decision ids that the sampler picks (or skips), so tests need no fixed ids. */
function findId(predicate: (id: string) => boolean): string {
  for (let i = 0; i < 100_000; i++) if (predicate(`dec-${i}`)) return `dec-${i}`;
  throw new Error("no id found");
}

describe("evaluatePolicy thresholds", () => {
  it("automates a decision whose confidence reaches the threshold, saying so", () => {
    const result = evaluatePolicy(policy(), request(0.97));

    expect(result).toEqual({
      route: "auto",
      reason: "confidence 0.97 ≥ 0.95",
      audit: false,
      doubleReview: false,
    });
  });

  it("automates a decision exactly at the threshold", () => {
    expect(evaluatePolicy(policy(), request(0.95)).route).toBe("auto");
  });

  it("holds a decision below the threshold for the policy queue, saying so", () => {
    const result = evaluatePolicy(policy({ queue: "claims" }), request(0.72));

    expect(result).toEqual({
      route: "human",
      reason: "confidence 0.72 < 0.95",
      queue: "claims",
      audit: false,
      doubleReview: false,
    });
  });

  it("writes numbers in reasons without float noise", () => {
    const result = evaluatePolicy(policy({ autoAcceptAbove: 0.3 }), request(0.1 + 0.2 - 0.0000001));

    expect(result.reason).toBe("confidence 0.2999999 < 0.3");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
  });

  it("never writes two different numbers the same way", () => {
    const result = evaluatePolicy(policy(), request(0.95 - 1e-15));

    expect(result.route).toBe("human");
    expect(result.reason).not.toBe("confidence 0.95 < 0.95");
  });

  it("sends a below-threshold item of a topic with its own queue to that queue", () => {
    const result = evaluatePolicy(
      policy({ topicQueues: { fraud: "fraud-team" } }),
      request(0.5, { topic: "fraud" }),
    );

    expect(result.queue).toBe("fraud-team");
  });
});

describe("evaluatePolicy topics", () => {
  it("holds an always-human topic however confident the model is", () => {
    const result = evaluatePolicy(
      policy({ alwaysHumanTopics: ["legal"] }),
      request(0.999, { topic: "legal" }),
    );

    expect(result.route).toBe("human");
    expect(result.reason).toBe("topic legal always goes to a person");
    expect(result.queue).toBe("default");
  });

  it("sends an always-human topic to its topic queue", () => {
    const p = policy({ alwaysHumanTopics: ["legal"], topicQueues: { legal: "legal-team" } });

    expect(evaluatePolicy(p, request(0.99, { topic: "legal" })).queue).toBe("legal-team");
  });

  it("does not look up inherited keys as topic queues", () => {
    const result = evaluatePolicy(policy({ queue: "claims" }), request(0.1, { topic: "constructor" }));

    expect(result.queue).toBe("claims");
  });
});

describe("evaluatePolicy rules", () => {
  const highValue = rule({ field: "amount", op: "gt", value: 10000, queue: "high-value" });

  it("holds an item matching a rule, with a generated reason and the rule's queue", () => {
    const result = evaluatePolicy(policy({ rules: [highValue] }), request(0.99, { amount: 12000 }));

    expect(result).toEqual({
      route: "human",
      reason: "amount 12000 > 10000 always goes to a person",
      queue: "high-value",
      audit: false,
      matchedRule: 0,
      doubleReview: false,
    });
  });

  it("uses the rule's own reason when it has one", () => {
    const p = policy({ rules: [{ ...highValue, reason: "big claims need a person" }] });

    expect(evaluatePolicy(p, request(0.99, { amount: 12000 })).reason).toBe("big claims need a person");
  });

  it("checks rules before topics and thresholds", () => {
    const p = policy({ alwaysHumanTopics: ["legal"], rules: [highValue] });

    const result = evaluatePolicy(p, request(0.5, { topic: "legal", amount: 50000 }));

    expect(result.matchedRule).toBe(0);
    expect(result.queue).toBe("high-value");
  });

  it("applies the first matching rule only", () => {
    const p = policy({
      rules: [rule({ field: "amount", op: "gt", value: 100_000, queue: "huge" }), highValue],
    });

    const result = evaluatePolicy(p, request(0.99, { amount: 20000 }));

    expect(result.matchedRule).toBe(1);
    expect(result.queue).toBe("high-value");
  });

  it("sends a rule without a queue to the topic queue, else the policy queue", () => {
    const p = policy({
      queue: "claims",
      topicQueues: { fraud: "fraud-team" },
      rules: [rule({ field: "amount", op: "gt", value: 1 })],
    });

    expect(evaluatePolicy(p, request(0.99, { amount: 5, topic: "fraud" })).queue).toBe("fraud-team");
    expect(evaluatePolicy(p, request(0.99, { amount: 5, topic: "other" })).queue).toBe("claims");
  });

  it("lets an item that matches no rule through to the threshold", () => {
    expect(evaluatePolicy(policy({ rules: [highValue] }), request(0.99, { amount: 800 })).route).toBe("auto");
  });

  it("reads nested fields by dot path", () => {
    const p = policy({ rules: [rule({ field: "customer.tier", op: "in", value: ["gold", "platinum"] })] });

    const result = evaluatePolicy(p, request(0.99, { customer: { tier: "gold" } }));

    expect(result.reason).toBe("customer.tier gold in (gold, platinum) always goes to a person");
  });

  it.each([
    [
      rule({ field: "amount", op: "gte", value: 100 }),
      { amount: 100 },
      "amount 100 ≥ 100 always goes to a person",
    ],
    [
      rule({ field: "score", op: "lt", value: 0.3 }),
      { score: 0.1 },
      "score 0.1 < 0.3 always goes to a person",
    ],
    [
      rule({ field: "score", op: "lte", value: 0.3 }),
      { score: 0.3 },
      "score 0.3 ≤ 0.3 always goes to a person",
    ],
    [rule({ field: "vip", op: "eq", value: true }), { vip: true }, "vip = true always goes to a person"],
    [
      rule({ field: "country", op: "neq", value: "US" }),
      { country: "FR" },
      "country FR ≠ US always goes to a person",
    ],
    [
      rule({ field: "tier", op: "notIn", value: ["gold"] }),
      { tier: "tin" },
      "tier tin not in (gold) always goes to a person",
    ],
    [rule({ field: "flag", op: "exists" }), { flag: "x" }, "flag present always goes to a person"],
    [rule({ field: "id", op: "exists", value: false }), {}, "id missing always goes to a person"],
  ])("writes the reason for %j", (r, item, reason) => {
    expect(evaluatePolicy(policy({ rules: [r] }), request(0.99, item)).reason).toBe(reason);
  });
});

describe("ruleMatches", () => {
  it.each([
    ["gt", 10, { x: 11 }, true],
    ["gt", 10, { x: 10 }, false],
    ["gte", 10, { x: 10 }, true],
    ["gte", 10, { x: 9 }, false],
    ["lt", 10, { x: 9 }, true],
    ["lt", 10, { x: 10 }, false],
    ["lte", 10, { x: 10 }, true],
    ["lte", 10, { x: 11 }, false],
    ["gt", 10, { x: "12" }, true],
    ["gt", 10, { x: "twelve" }, false],
    ["gt", 10, {}, false],
    ["gt", fixed("2026-06-01"), { x: fixed("2026-07-15") }, true],
    ["lt", fixed("2026-06-01"), { x: fixed("2026-07-15") }, false],
    ["eq", "a", { x: "a" }, true],
    ["eq", "a", { x: "b" }, false],
    ["eq", 5, { x: "5" }, true],
    ["eq", true, { x: "true" }, false],
    ["neq", "a", { x: "b" }, true],
    ["neq", "a", { x: "a" }, false],
    ["neq", "a", {}, true],
    ["in", ["a", "b"], { x: "b" }, true],
    ["in", ["a", "b"], { x: "c" }, false],
    ["in", ["a", "b"], { x: ["c", "a"] }, true],
    ["in", [1, 2], { x: 2 }, true],
    ["in", ["a"], {}, false],
    ["notIn", ["a", "b"], { x: "c" }, true],
    ["notIn", ["a", "b"], { x: "a" }, false],
    ["notIn", ["a"], {}, true],
    ["exists", undefined, { x: 0 }, true],
    ["exists", undefined, { x: null }, false],
    ["exists", undefined, {}, false],
    ["exists", true, { x: "" }, true],
    ["exists", false, {}, true],
    ["exists", false, { x: 1 }, false],
  ] as const)("%s %j on %j is %s", (op, value, item, expected) => {
    const r: Rule = { field: "x", op, ...(value === undefined ? {} : { value: value as Rule["value"] }) };

    expect(ruleMatches(r, item)).toBe(expected);
  });

  it("matches a nested field and misses when a step of the path is absent", () => {
    const r = rule({ field: "customer.address.country", op: "eq", value: "FR" });

    expect(ruleMatches(r, { customer: { address: { country: "FR" } } })).toBe(true);
    expect(ruleMatches(r, { customer: {} })).toBe(false);
    expect(ruleMatches(r, { customer: "FR" })).toBe(false);
  });
});

describe("readField", () => {
  it("reads array elements by index", () => {
    expect(readField({ lines: [{ amount: 5 }] }, "lines.0.amount")).toBe(5);
  });

  it("never reads from the prototype", () => {
    expect(readField({}, "constructor")).toBeUndefined();
    expect(readField({}, "__proto__")).toBeUndefined();
  });
});

describe("audit and double review", () => {
  it("marks a sampled automated decision for audit in the audit queue", () => {
    const id = findId((d) => isAuditSample(d, 0.05));

    const result = evaluatePolicy(policy({ auditRate: 0.05 }), request(0.99, {}, id));

    expect(result).toMatchObject({ route: "auto", audit: true, queue: AUDIT_QUEUE, doubleReview: false });
    expect(AUDIT_QUEUE).toBe("audit");
  });

  it("does not audit an automated decision outside the sample", () => {
    const id = findId((d) => !isAuditSample(d, 0.05));

    const result = evaluatePolicy(policy({ auditRate: 0.05 }), request(0.99, {}, id));

    expect(result.audit).toBe(false);
    expect(result.queue).toBeUndefined();
  });

  it("never audits a held decision, even with an audit rate of 1", () => {
    expect(evaluatePolicy(policy({ auditRate: 1 }), request(0.1)).audit).toBe(false);
  });

  it("double-reviews a sampled held decision and never an automated one", () => {
    const id = findId((d) => isDoubleReviewSample(d, 0.2));
    const p = policy({ doubleReviewRate: 0.2 });

    expect(evaluatePolicy(p, request(0.1, {}, id)).doubleReview).toBe(true);
    expect(evaluatePolicy(p, request(0.99, {}, id)).doubleReview).toBe(false);
  });

  it("audits about auditRate of automated decisions", () => {
    const p = policy({ auditRate: 0.1 });
    let audited = 0;

    for (let i = 0; i < 20_000; i++) if (evaluatePolicy(p, request(0.99, {}, `d-${i}`)).audit) audited++;

    expect(audited / 20_000).toBeCloseTo(0.1, 1);
  });
});

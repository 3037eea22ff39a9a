import { isAuditSample, isDoubleReviewSample } from "../assignment/audit";
import { uncertaintyAuditDraw } from "../assignment/uncertainty-audit";
import type { Policy, Rule } from "../experiments/schema";
import { formatPair, showValue } from "./format";

/** Queue that receives the audit sample of automated decisions; reserved, so no policy can name it. */
export const AUDIT_QUEUE = "audit";

export interface PolicyRequest {
  decisionId: string;
  item: Record<string, unknown>;
  prediction: { confidence: number; alternatives?: readonly { confidence: number }[] };
}

export interface PolicyResult {
  route: "auto" | "human";
  /** Why, in words a person understands: "confidence 0.97 ≥ 0.95", "topic legal always goes to a person". */
  reason: string;
  /** Where a person looks at it: the review queue for held items, {@link AUDIT_QUEUE} for audited ones. */
  queue?: string;
  /** Automated, and also sent to a person for audit (does not delay the answer). */
  audit: boolean;
  /** Automated under `auditPolicy`: the probability it had of being audited (the estimators weigh it 1/π). */
  auditInclusionProbability?: number;
  /** Index in `policy.rules` of the rule that sent the item to a person. */
  matchedRule?: number;
  /** Held, and reviewed independently by two reviewers. */
  doubleReview: boolean;
}

/**
 * Reads a dot path (`customer.tier`, `lines.0.amount`) from an item. Only own properties count, so a
 * path like `constructor` or `__proto__` never reaches the prototype.
 */
export function readField(item: unknown, path: string): unknown {
  let current: unknown = item;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A numeric string ("12000") compares as a number: a rule must not be bypassed by a quoted amount. */
function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

function compare(actual: unknown, expected: unknown): number | undefined {
  if (typeof expected === "number") {
    const a = asNumber(actual);
    return a === undefined ? undefined : a - expected;
  }
  if (typeof expected === "string" && typeof actual === "string") {
    // Lexicographic, so ISO dates and times compare correctly.
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  }
  return undefined;
}

function equals(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "number") return asNumber(actual) === expected;
  return actual === expected;
}

function isIn(actual: unknown, list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  // An array field matches when any of its elements is listed.
  if (Array.isArray(actual)) return actual.some((a) => list.some((v) => equals(a, v)));
  return list.some((v) => equals(actual, v));
}

/**
 * Whether a rule matches the item. A missing field matches only `neq`, `notIn` and `exists: false`;
 * comparisons need a number (numeric strings count) or, against a text value, text.
 */
export function ruleMatches(rule: Rule, item: Record<string, unknown>): boolean {
  const actual = readField(item, rule.field);
  switch (rule.op) {
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const c = compare(actual, rule.value);
      if (c === undefined) return false;
      if (rule.op === "gt") return c > 0;
      if (rule.op === "gte") return c >= 0;
      if (rule.op === "lt") return c < 0;
      return c <= 0;
    }
    case "eq":
      return equals(actual, rule.value);
    case "neq":
      return !equals(actual, rule.value);
    case "in":
      return isIn(actual, rule.value);
    case "notIn":
      return !isIn(actual, rule.value);
    case "exists": {
      const present = actual !== undefined && actual !== null;
      return rule.value === false ? !present : present;
    }
  }
}

const OP_WORDS: Record<Rule["op"], string> = {
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  eq: "=",
  neq: "≠",
  in: "in",
  notIn: "not in",
  exists: "",
};

/** "amount 12000 > 10000 always goes to a person", "customer.tier gold in (gold, platinum) …". */
export function describeRule(rule: Rule, item: Record<string, unknown>): string {
  const actual = readField(item, rule.field);
  let condition: string;
  if (rule.op === "exists") {
    condition = `${rule.field} ${rule.value === false ? "missing" : "present"}`;
  } else if (rule.op === "eq") {
    condition = `${rule.field} = ${showValue(rule.value)}`;
  } else if (rule.op === "in" || rule.op === "notIn") {
    condition = `${rule.field} ${showValue(actual)} ${OP_WORDS[rule.op]} (${showValue(rule.value)})`;
  } else {
    let [a, v] = [showValue(actual), showValue(rule.value)];
    const n = asNumber(actual);
    if (n !== undefined && typeof rule.value === "number") [a, v] = formatPair(n, rule.value);
    condition = `${rule.field} ${a} ${OP_WORDS[rule.op]} ${v}`;
  }
  return `${condition} always goes to a person`;
}

function topicOf(item: Record<string, unknown>): string | undefined {
  return typeof item.topic === "string" ? item.topic : undefined;
}

function held(policy: Policy, request: PolicyRequest, reason: string, queue: string, matchedRule?: number) {
  const result: PolicyResult = {
    route: "human",
    reason,
    queue,
    audit: false,
    doubleReview: isDoubleReviewSample(request.decisionId, policy.doubleReviewRate),
  };
  if (matchedRule !== undefined) result.matchedRule = matchedRule;
  return result;
}

/**
 * Applies an arm's policy to one decision. Order:
 * 1. rules on item fields: the first match holds the item (queue: rule queue, else the topic's queue,
 *    else the policy queue);
 * 2. `alwaysHumanTopics`: the item is held (topic queue, else policy queue);
 * 3. threshold: confidence ≥ `autoAcceptAbove` is automated, below is held.
 *
 * Automated decisions are sampled for audit by `auditRate`, or by `auditPolicy` with a probability that
 * grows with uncertainty (queue {@link AUDIT_QUEUE}), and carry that probability; held ones for
 * double review by `doubleReviewRate`. Both samples are deterministic in the decision id, so a retried
 * decision gets the same answer.
 */
export function evaluatePolicy(policy: Policy, request: PolicyRequest): PolicyResult {
  const { item, prediction } = request;
  const topic = topicOf(item);
  const teamQueue =
    (topic !== undefined && Object.hasOwn(policy.topicQueues, topic)
      ? policy.topicQueues[topic]
      : undefined) ?? policy.queue;

  for (let i = 0; i < policy.rules.length; i++) {
    const rule = policy.rules[i];
    if (rule && ruleMatches(rule, item)) {
      return held(policy, request, rule.reason ?? describeRule(rule, item), rule.queue ?? teamQueue, i);
    }
  }

  if (topic !== undefined && policy.alwaysHumanTopics.includes(topic)) {
    return held(policy, request, `topic ${topic} always goes to a person`, teamQueue);
  }

  const [confidence, threshold] = formatPair(prediction.confidence, policy.autoAcceptAbove);
  if (prediction.confidence >= policy.autoAcceptAbove) {
    // Uniform audits need no weights (every π is auditRate); uncertainty-weighted ones record π.
    const draw = policy.auditPolicy
      ? uncertaintyAuditDraw(request.decisionId, prediction, policy.autoAcceptAbove, policy.auditPolicy)
      : undefined;
    const audit = draw ? draw.audit : isAuditSample(request.decisionId, policy.auditRate);
    const result: PolicyResult = {
      route: "auto",
      reason: `confidence ${confidence} ≥ ${threshold}`,
      audit,
      doubleReview: false,
      ...(draw ? { auditInclusionProbability: draw.inclusionProbability } : {}),
    };
    if (audit) result.queue = AUDIT_QUEUE;
    return result;
  }
  return held(policy, request, `confidence ${confidence} < ${threshold}`, teamQueue);
}

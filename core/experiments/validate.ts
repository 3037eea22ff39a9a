import { z } from "zod";
import { feedbackSpecErrors } from "../feedback/types/validate";
import { AUDIT_QUEUE } from "../policy/evaluate";
import { describeValue, formatNumber } from "../policy/format";
import { minGoldToJudge, QUALIFICATION_CONFIDENCE } from "../reviewers/qualification";
import { wilson } from "../stats/proportions";
import { type Experiment, ExperimentInputSchema, type Policy } from "./schema";

/** One problem in an input: `path` names the field (`arms[1].weight`), `message` says what is wrong. */
export interface ValidationError {
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

/** An experiment as parsed from user input: defaults applied, `hashSeed` still optional. */
export type ParsedExperiment = z.output<typeof ExperimentInputSchema>;

/** Weights must sum to 1 within this tolerance. */
export const WEIGHT_TOLERANCE = 0.001;

/** Queue names end up in keys and in `<queue>.<tier>` names, so no dots or spaces. */
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Reserved for the audit sample of automated decisions. */
const RESERVED_QUEUES = new Set([AUDIT_QUEUE]);

/** Fields the server manages; accepted and ignored so a fetched experiment can be edited and sent back. */
const SERVER_FIELDS = ["version", "createdAt", "updatedAt"] as const;

/** `["arms", 1, "weight"]` → `arms[1].weight`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Lines of `path: message`, for a terminal or a 400 body. */
export function formatErrors(errors: readonly ValidationError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join("\n");
}

/** Follows `path` into a schema, through optional/default wrappers, so messages can state a field's bounds. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (let i = 0; i <= path.length && current; ) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
      continue;
    }
    if (i === path.length) break;
    const key = path[i];
    if (current instanceof z.ZodObject && typeof key === "string") {
      current = (current.shape as Record<string, z.ZodType>)[key];
    } else if (current instanceof z.ZodArray) {
      current = current.element as z.ZodType;
    } else if (current instanceof z.ZodRecord) {
      current = current.valueType as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      const options = current.options as readonly z.ZodType[];
      current = options.find((o) => o instanceof z.ZodObject && typeof key === "string" && key in o.shape);
      continue;
    } else {
      return undefined;
    }
    i++;
  }
  return current;
}

/** "a number between 0 and 1", "a whole number of at least 1", … from a number schema's bounds. */
function describeNumber(schema: z.ZodType | undefined): string {
  if (!(schema instanceof z.ZodNumber)) return "a number";
  const noun = schema.isInt ? "a whole number" : "a number";
  const min = schema.minValue;
  const max = schema.maxValue;
  const hasMin = min !== null && Number.isFinite(min) && Math.abs(min) < Number.MAX_SAFE_INTEGER;
  const hasMax = max !== null && Number.isFinite(max) && Math.abs(max) < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return `${noun} between ${formatNumber(min)} and ${formatNumber(max)}`;
  if (hasMin) return `${noun} of at least ${formatNumber(min)}`;
  if (hasMax) return `${noun} of at most ${formatNumber(max)}`;
  return noun;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

function describeType(expected: string, schema: z.ZodType | undefined): string {
  if (expected === "number" || expected === "int") return describeNumber(schema);
  return TYPE_WORDS[expected] ?? expected;
}

function joinAlternatives(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  // The serial comma keeps "true or false" readable as one alternative.
  const last = words.length > 2 ? ", or " : " or ";
  return `${words.slice(0, -1).join(", ")}${last}${words[words.length - 1]}`;
}

function issueToErrors(schema: z.ZodType, issue: z.core.$ZodIssue, rootName: string): ValidationError[] {
  const at = (path: readonly PropertyKey[]) => formatPath(path) || rootName;
  const path = at(issue.path);
  const got = describeValue(issue.input);
  switch (issue.code) {
    case "invalid_type": {
      const expected = describeType(issue.expected, schemaAt(schema, issue.path));
      if (issue.input === undefined && issue.path.length > 0)
        return [{ path, message: `is required (${expected})` }];
      return [{ path, message: `must be ${expected}, got ${got}` }];
    }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      if (issue.origin === "number" || issue.origin === "int") {
        return [{ path, message: `must be ${describeNumber(schemaAt(schema, issue.path))}, got ${got}` }];
      }
      const limit = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === "string") {
        if (small && limit === 1) return [{ path, message: "must not be empty" }];
        const length = typeof issue.input === "string" ? issue.input.length : "?";
        return [
          {
            path,
            message: `must be ${small ? "at least" : "at most"} ${limit} characters long, got ${length}`,
          },
        ];
      }
      if (issue.origin === "array") {
        const count = Array.isArray(issue.input) ? issue.input.length : "?";
        const entries = limit === 1 ? "entry" : "entries";
        return [
          { path, message: `must hold ${small ? "at least" : "at most"} ${limit} ${entries}, got ${count}` },
        ];
      }
      return [{ path, message: issue.message }];
    }
    case "invalid_value":
      return [{ path, message: `must be one of ${issue.values.map(String).join(", ")}, got ${got}` }];
    case "invalid_format":
      return [{ path, message: `${issue.message} (got ${got})` }];
    case "unrecognized_keys": {
      const target = schemaAt(schema, issue.path);
      const known = target instanceof z.ZodObject ? Object.keys(target.shape) : [];
      const hint = known.length > 0 ? ` (known fields: ${known.join(", ")})` : "";
      return issue.keys.map((key) => ({
        path: at([...issue.path, key]),
        message: `is not a known field${hint}`,
      }));
    }
    case "invalid_union": {
      if (issue.discriminator) {
        // The path already ends at the discriminator; the input is the object holding it.
        const received =
          issue.input && typeof issue.input === "object"
            ? Reflect.get(issue.input, issue.discriminator)
            : undefined;
        const options = "options" in issue && issue.options ? issue.options.map(String) : [];
        return [{ path, message: `must be one of ${options.join(", ")}, got ${describeValue(received)}` }];
      }
      // A union of plain types (e.g. a rule's value): list what each branch expected.
      const expected = issue.errors.flatMap((branch) =>
        branch.length === 1 && branch[0]?.code === "invalid_type"
          ? [describeType(branch[0].expected, undefined)]
          : [],
      );
      if (expected.length === issue.errors.length && expected.length > 0) {
        return [{ path, message: `must be ${joinAlternatives(expected)}, got ${got}` }];
      }
      return [{ path, message: `does not match any allowed form, got ${got}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

/**
 * Runs a zod schema and turns its issues into errors a person can act on: the field path, what was
 * expected (with bounds), and what was received. `rootName` names the whole input when it is wrong.
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  input: unknown,
  rootName: string,
): Validation<z.output<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.flatMap((issue) => issueToErrors(schema, issue, rootName)),
  };
}

function withoutServerFields(input: unknown): unknown {
  if (!input || typeof input !== "object" || Array.isArray(input)) return input;
  const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const key of SERVER_FIELDS) delete copy[key];
  return copy;
}

function checkQueueName(name: string, path: readonly PropertyKey[], errors: ValidationError[]): void {
  if (RESERVED_QUEUES.has(name)) {
    errors.push({
      path: formatPath(path),
      message: `"${name}" is reserved for audit samples; choose another queue name`,
    });
  } else if (!QUEUE_NAME.test(name)) {
    errors.push({
      path: formatPath(path),
      message: `${describeValue(name)} is not a valid queue name: use letters, digits, '_' and '-' (up to 64, starting with a letter or digit)`,
    });
  }
}

const COMPARISON_OPS = new Set(["gt", "gte", "lt", "lte"]);

function checkPolicy(
  policy: Policy,
  base: readonly PropertyKey[],
  labels: readonly string[],
  errors: ValidationError[],
) {
  checkQueueName(policy.queue, [...base, "queue"], errors);
  for (const [topic, queue] of Object.entries(policy.topicQueues)) {
    checkQueueName(queue, [...base, "topicQueues", topic], errors);
  }

  policy.rules.forEach((rule, r) => {
    const rulePath = [...base, "rules", r];
    if (rule.field.split(".").some((segment) => segment === "")) {
      errors.push({
        path: formatPath([...rulePath, "field"]),
        message: `${describeValue(rule.field)} is not a dot path into the item, like "amount" or "customer.tier"`,
      });
    }
    if (rule.queue !== undefined) checkQueueName(rule.queue, [...rulePath, "queue"], errors);

    const value = rule.value;
    const valuePath = formatPath([...rulePath, "value"]);
    if (COMPARISON_OPS.has(rule.op) && typeof value !== "number" && typeof value !== "string") {
      errors.push({
        path: valuePath,
        message: `op "${rule.op}" compares with a number (or text), got ${describeValue(value)}`,
      });
    } else if ((rule.op === "eq" || rule.op === "neq") && (value === undefined || Array.isArray(value))) {
      errors.push({
        path: valuePath,
        message: `op "${rule.op}" compares with one value, got ${describeValue(value)}`,
      });
    } else if ((rule.op === "in" || rule.op === "notIn") && !Array.isArray(value)) {
      errors.push({
        path: valuePath,
        message: `op "${rule.op}" needs a list of values, got ${describeValue(value)}`,
      });
    } else if (rule.op === "exists" && value !== undefined && typeof value !== "boolean") {
      errors.push({
        path: valuePath,
        message: `op "exists" takes true, false or no value, got ${describeValue(value)}`,
      });
    }
  });

  const seenTiers = new Map<string, number>();
  policy.sla.tiers.forEach((tier, t) => {
    const path = [...base, "sla", "tiers", t, "name"];
    const first = seenTiers.get(tier.name);
    if (first !== undefined) {
      errors.push({
        path: formatPath(path),
        message: `"${tier.name}" is already the name of tiers[${first}]; tier names must be unique`,
      });
    } else {
      seenTiers.set(tier.name, t);
      checkQueueName(tier.name, path, errors);
    }
  });

  const fallback = policy.sla.fallback;
  if (fallback.action === "label" && labels.length > 0 && !labels.includes(fallback.label)) {
    errors.push({
      path: formatPath([...base, "sla", "fallback", "label"]),
      message: `"${fallback.label}" is not one of the labels (${labels.join(", ")})`,
    });
  }
}

/** Queues this experiment's items can wait in for a reviewer: first tiers, later tiers and `audit`. */
function reviewQueuesOf(experiment: ParsedExperiment): string[] {
  const queues = new Set<string>();
  for (const { policy } of experiment.arms) {
    const first = [
      policy.queue,
      ...Object.values(policy.topicQueues),
      ...policy.rules.flatMap((r) => r.queue ?? []),
    ];
    for (const queue of first) {
      queues.add(queue);
      for (const tier of policy.sla.tiers.slice(1)) queues.add(`${queue}.${tier.name}`);
    }
  }
  queues.add(AUDIT_QUEUE);
  return [...queues];
}

/** Review-quality settings: overlap caps, ordered labels, gold settings that can be served and judged. */
function reviewQualityErrors(experiment: ParsedExperiment): ValidationError[] {
  const errors: ValidationError[] = [];
  experiment.arms.forEach(({ policy }, i) => {
    const audit = policy.auditPolicy;
    if (audit && audit.cap !== undefined && audit.cap < audit.floor)
      errors.push({
        path: `arms[${i}].policy.auditPolicy.cap`,
        message: `must be at least the floor (${audit.floor}), got ${audit.cap}`,
      });
    if (audit && policy.auditRate > 0)
      errors.push({
        path: `arms[${i}].policy.auditRate`,
        message: `must be 0 when auditPolicy is set (the policy decides every audit), got ${policy.auditRate}`,
      });
    if (policy.maxReviewsPerItem !== undefined && policy.maxReviewsPerItem < policy.reviewsPerItem) {
      errors.push({
        path: `arms[${i}].policy.maxReviewsPerItem`,
        message: `must be at least reviewsPerItem (${policy.reviewsPerItem}), got ${policy.maxReviewsPerItem}`,
      });
    }
  });
  if (experiment.orderedLabels && experiment.labels.length < 2) {
    errors.push({
      path: "orderedLabels",
      message: `needs labels listed lowest to highest (at least two), got ${experiment.labels.length}`,
    });
  }
  const known = reviewQueuesOf(experiment);
  for (const [queue, settings] of Object.entries(experiment.queues)) {
    const base = ["queues", queue];
    if (!known.includes(queue)) {
      errors.push({
        path: formatPath(base),
        message: `"${queue}" is not a queue of this experiment (queues: ${known.join(", ")})`,
      });
    }
    const gold = settings.gold;
    if (gold?.minAccuracy === undefined) continue;
    if (gold.rate === 0 && gold.firstItems === 0) {
      errors.push({
        path: formatPath([...base, "gold", "minAccuracy"]),
        message: "needs gold items to judge reviewers by: set gold.rate or gold.firstItems above 0",
      });
    }
    const needed = minGoldToJudge(gold.minAccuracy);
    const best = wilson(gold.minGoldItems, gold.minGoldItems, QUALIFICATION_CONFIDENCE)[0];
    if (needed === null) {
      errors.push({
        path: formatPath([...base, "gold", "minAccuracy"]),
        message: `${formatNumber(gold.minAccuracy)} cannot be shown on a ${QUALIFICATION_CONFIDENCE * 100}% Wilson lower bound with up to 10000 gold items; lower it`,
      });
    } else if (gold.minGoldItems < needed) {
      errors.push({
        path: formatPath([...base, "gold", "minGoldItems"]),
        message:
          `${gold.minGoldItems} is too few to show minAccuracy ${formatNumber(gold.minAccuracy)}: even ${gold.minGoldItems} of ` +
          `${gold.minGoldItems} right has a ${QUALIFICATION_CONFIDENCE * 100}% Wilson lower bound of ${best.toFixed(3)}, so everyone ` +
          `would be paused; use at least ${needed}`,
      });
    }
  }
  return errors;
}

/** Rules the schema cannot express because they span fields. */
function crossFieldErrors(experiment: ParsedExperiment): ValidationError[] {
  const errors: ValidationError[] = [];
  const { arms } = experiment;

  const seenArms = new Map<string, number>();
  arms.forEach((arm, i) => {
    const first = seenArms.get(arm.id);
    if (first !== undefined) {
      errors.push({
        path: `arms[${i}].id`,
        message: `"${arm.id}" is already the id of arms[${first}]; arm ids must be unique`,
      });
    } else {
      seenArms.set(arm.id, i);
    }
  });

  const sum = arms.reduce((total, arm) => total + arm.weight, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    errors.push({
      path: `arms[${arms.length - 1}].weight`,
      message: `weights sum to ${formatNumber(sum)}, must sum to 1 (±${WEIGHT_TOLERANCE})`,
    });
  }

  if (!seenArms.has(experiment.control)) {
    errors.push({
      path: "control",
      message: `"${experiment.control}" names no arm (arms: ${arms.map((a) => a.id).join(", ")})`,
    });
  }

  arms.forEach((arm, i) => {
    checkPolicy(arm.policy, ["arms", i, "policy"], experiment.labels, errors);
  });
  errors.push(...reviewQualityErrors(experiment));
  errors.push(...feedbackSpecErrors(experiment.feedback));
  return errors;
}

/**
 * Validates an experiment as a user wrote it: the schema (types, bounds, unknown fields) and then the
 * rules that span fields (unique arm ids, weights summing to 1, control naming an arm, queue names,
 * unique tier names, rule values fitting their op, the fallback label among `labels`, review-quality
 * settings that name the experiment's queues and can be served and judged).
 * `version`, `createdAt` and `updatedAt` are ignored: the server sets them.
 */
export function parseExperiment(input: unknown): Validation<ParsedExperiment> {
  const parsed = parseWithSchema(ExperimentInputSchema, withoutServerFields(input), "experiment");
  if (!parsed.ok) return parsed;
  const errors = crossFieldErrors(parsed.value);
  return errors.length > 0 ? { ok: false, errors } : parsed;
}

/** A new stored experiment at version 1; `hashSeed` defaults to the id. */
export function newExperiment(input: ParsedExperiment, now: string): Experiment {
  return { ...input, hashSeed: input.hashSeed ?? input.id, version: 1, createdAt: now, updatedAt: now };
}

/**
 * The next version of a stored experiment. An omitted `hashSeed` keeps the stored one: silently
 * resetting it to the id would reshuffle every unit between arms.
 */
export function applyChange(existing: Experiment, input: ParsedExperiment, now: string): Experiment {
  if (input.id !== existing.id) {
    throw new Error(`experiment id cannot change (stored "${existing.id}", got "${input.id}")`);
  }
  return {
    ...input,
    hashSeed: input.hashSeed ?? existing.hashSeed,
    version: existing.version + 1,
    createdAt: existing.createdAt,
    updatedAt: now,
  };
}

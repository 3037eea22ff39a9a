// EventBridge-style content filtering, as Lambda applies an event source mapping's FilterCriteria.
// Covered: exact values (strings, numbers, booleans, null), nested objects, event arrays (any element
// may match), prefix, suffix, equals-ignore-case, anything-but, numeric, exists, wildcard and $or.
// Not covered (rejected when the pattern is compiled): cidr and the other rarely used operators.

export class PatternError extends Error {
  override name = "PatternError";
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Matcher = (value: unknown) => boolean;
type Test = (event: unknown) => boolean;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isLiteral(value: unknown): value is null | boolean | number | string {
  return value === null || ["boolean", "number", "string"].includes(typeof value);
}

function literal(expected: null | boolean | number | string): Matcher {
  return (value) => value === expected;
}

function text(operator: string, operand: unknown, where: string): Matcher {
  const compare = (pick: (value: string, wanted: string) => boolean, wanted: unknown): Matcher => {
    if (typeof wanted !== "string") throw new PatternError(`${where}: ${operator} needs a string`);
    return (value) => typeof value === "string" && pick(value, wanted);
  };
  const lower = (pick: (value: string, wanted: string) => boolean) => (value: string, wanted: string) =>
    pick(value.toLowerCase(), wanted.toLowerCase());
  const startsWith = (value: string, wanted: string) => value.startsWith(wanted);
  const endsWith = (value: string, wanted: string) => value.endsWith(wanted);
  // `{"prefix": {"equals-ignore-case": "x"}}` is the case-insensitive form.
  if (isObject(operand) && Object.keys(operand).length === 1 && "equals-ignore-case" in operand) {
    return compare(lower(operator === "prefix" ? startsWith : endsWith), operand["equals-ignore-case"]);
  }
  return compare(operator === "prefix" ? startsWith : endsWith, operand);
}

function wildcard(pattern: unknown, where: string): Matcher {
  if (typeof pattern !== "string") throw new PatternError(`${where}: wildcard needs a string`);
  const source = pattern
    .split(/(?<!\\)\*/)
    .map((part) => part.replace(/\\\*/g, "*").replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`, "s");
  return (value) => typeof value === "string" && regex.test(value);
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  "=": (a, b) => a === b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

function numeric(operand: unknown, where: string): Matcher {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new PatternError(`${where}: numeric needs one or two [operator, number] pairs`);
  }
  const checks: Array<(value: number) => boolean> = [];
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARISONS[String(operand[i])];
    const bound = operand[i + 1];
    if (!compare || typeof bound !== "number") {
      throw new PatternError(`${where}: numeric has an unknown operator or a bound that is not a number`);
    }
    checks.push((value) => compare(value, bound));
  }
  return (value) => typeof value === "number" && checks.every((check) => check(value));
}

function anythingBut(operand: unknown, where: string): Matcher {
  let excluded: Matcher;
  if (isLiteral(operand)) excluded = literal(operand);
  else if (Array.isArray(operand) && operand.every(isLiteral)) {
    const tests = operand.map(literal);
    excluded = (value) => tests.some((test) => test(value));
  } else if (isObject(operand)) excluded = operator(operand, where);
  else throw new PatternError(`${where}: anything-but needs a value, a list of values or an operator`);
  // A missing field is not "anything but x": it does not match at all.
  return (value) => value !== undefined && !excluded(value);
}

function operator(spec: Record<string, unknown>, where: string): Matcher {
  const keys = Object.keys(spec);
  if (keys.length !== 1) throw new PatternError(`${where}: an operator object has exactly one key`);
  const name = keys[0] as string;
  const operand = spec[name];
  switch (name) {
    case "prefix":
    case "suffix":
      return text(name, operand, where);
    case "equals-ignore-case": {
      if (typeof operand !== "string") throw new PatternError(`${where}: equals-ignore-case needs a string`);
      const wanted = operand.toLowerCase();
      return (value) => typeof value === "string" && value.toLowerCase() === wanted;
    }
    case "anything-but":
      return anythingBut(operand, where);
    case "numeric":
      return numeric(operand, where);
    case "exists":
      if (typeof operand !== "boolean") throw new PatternError(`${where}: exists needs true or false`);
      return (value) => (value !== undefined) === operand;
    case "wildcard":
      return wildcard(operand, where);
    default:
      throw new PatternError(`${where}: the local cloud does not support the "${name}" operator`);
  }
}

/** A leaf: the event's value matches when any of the listed values or operators matches. */
function leaf(list: Json[], where: string): Test {
  const matchers = list.map((item, i) => {
    if (isLiteral(item)) return literal(item);
    if (isObject(item)) return operator(item, `${where}[${i}]`);
    throw new PatternError(`${where}[${i}]: expected a value or an operator object`);
  });
  const one = (value: unknown) => matchers.some((match) => match(value));
  return (value) => {
    // An array in the event matches when one of its elements does; `exists` looks at the field itself.
    if (Array.isArray(value)) return value.length === 0 ? one(undefined) : value.some(one);
    return one(value);
  };
}

function childTest(sub: Json, where: string): Test {
  if (Array.isArray(sub)) return leaf(sub, where);
  if (isObject(sub)) return node(sub as Record<string, Json>, where);
  throw new PatternError(`${where}: a pattern's values are lists or objects, got ${JSON.stringify(sub)}`);
}

function node(pattern: Record<string, Json>, where: string): Test {
  const tests: Test[] = [];
  for (const [key, sub] of Object.entries(pattern)) {
    const at = `${where}.${key}`;
    if (key === "$or") {
      if (!Array.isArray(sub) || sub.length < 2 || !sub.every(isObject)) {
        throw new PatternError(`${at}: $or needs a list of two or more patterns`);
      }
      const alternatives = sub.map((alternative, i) =>
        node(alternative as Record<string, Json>, `${at}[${i}]`),
      );
      tests.push((event) => alternatives.some((test) => test(event)));
      continue;
    }
    const child = childTest(sub, at);
    tests.push((event) => {
      const value = isObject(event) ? event[key] : undefined;
      // Objects inside an array are each tried (EventBridge flattens arrays of objects).
      if (!Array.isArray(sub) && Array.isArray(value)) return value.some((item) => child(item));
      return child(value);
    });
  }
  return (event) => tests.every((test) => test(event));
}

/** Compiles one pattern (an object or its JSON text); throws PatternError when it is invalid. */
export function compilePattern(pattern: unknown): Test {
  let parsed: unknown = pattern;
  if (typeof pattern === "string") {
    try {
      parsed = JSON.parse(pattern);
    } catch (error) {
      throw new PatternError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isObject(parsed)) throw new PatternError("a pattern is a JSON object");
  return node(parsed as Record<string, Json>, "pattern");
}

/** FilterCriteria: a record passes when any filter matches (no filters: every record passes). */
export function compileFilters(patterns: readonly unknown[]): Test {
  const tests = patterns.map((pattern, i) => {
    try {
      return compilePattern(pattern);
    } catch (error) {
      if (error instanceof PatternError) throw new PatternError(`filter ${i}: ${error.message}`);
      throw error;
    }
  });
  if (tests.length === 0) return () => true;
  return (event) => tests.some((test) => test(event));
}

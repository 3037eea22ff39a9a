import type { z } from "zod";
import { formatPath, parseWithSchema, type Validation, type ValidationError } from "../experiments/validate";
import { formatNumber } from "../policy/format";

/**
 * DynamoDB's own limits on an item ("Service, account, and table quotas" and "Item sizes and
 * formats" in the DynamoDB developer guide), measured on DynamoDB Local too.
 */
export const DYNAMODB_LIMITS = {
  /** A value may sit at most this many levels below its item; a top-level attribute is level 1. */
  maxDepth: 32,
  /** Item size, names and values in UTF-8 as DynamoDB counts them (400 KB). */
  maxItemBytes: 409_600,
  /** Magnitudes from here up overflow (the largest is 9.9999999999999999999999999999999999999e125). */
  overflowMagnitude: 1e126,
  /** The smallest non-zero magnitude; anything smaller underflows. */
  minMagnitude: 1e-130,
} as const;

/** Where a validated input goes in its stored record, so the limits apply to the record. */
export interface StorageBudget {
  /** Levels of the record above the input's root: 0 when the input is the item, 1 when it is a map in it. */
  depthOffset: number;
  /** Bytes the input may take, leaving room for what the record adds beside it. */
  maxBytes: number;
}

/** The index of the first unpaired UTF-16 surrogate, or -1: such text is not Unicode and breaks keys. */
export function unpairedSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return i;
  }
  return -1;
}

/** UTF-8 length without a Buffer (core stays free of Node APIs). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** DynamoDB's size of a number: one byte per two significant digits, plus one. */
function numberBytes(n: number): number {
  const digits = String(Math.abs(n))
    .replace(/e.*$/, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
  return Math.ceil(digits.length / 2) + 1;
}

/** The size of a JSON value as DynamoDB counts it (maps and lists: 3 bytes plus 1 per element). */
export function dynamoBytes(value: unknown): number {
  if (typeof value === "string") return utf8Bytes(value);
  if (typeof value === "number") return numberBytes(value);
  if (value === null || typeof value === "boolean" || value === undefined) return 1;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + dynamoBytes(v) + 1, 3);
  let sum = 3;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined) sum += utf8Bytes(key) + dynamoBytes(v) + 1;
  }
  return sum;
}

interface Walk {
  budget: StorageBudget;
  errors: ValidationError[];
  rootName: string;
  tooDeep: boolean;
}

const at = (walk: Walk, path: readonly PropertyKey[]) => formatPath(path) || walk.rootName;

/** Checks one value and returns it with underflowing numbers as 0 (a copy only where one changed). */
function visit(walk: Walk, value: unknown, path: PropertyKey[]): unknown {
  if (path.length + walk.budget.depthOffset > DYNAMODB_LIMITS.maxDepth) {
    // One error for the first value too deep is enough: everything below it is too deep as well.
    if (!walk.tooDeep) {
      const allowed = DYNAMODB_LIMITS.maxDepth - walk.budget.depthOffset;
      walk.errors.push({
        path: at(walk, path),
        message: `nests deeper than the ${allowed} levels a stored record leaves for it (DynamoDB allows ${DYNAMODB_LIMITS.maxDepth})`,
      });
      walk.tooDeep = true;
    }
    return value;
  }
  if (typeof value === "number") {
    const magnitude = Math.abs(value);
    if (!Number.isFinite(value) || magnitude >= DYNAMODB_LIMITS.overflowMagnitude) {
      walk.errors.push({
        path: at(walk, path),
        message: `must be smaller in magnitude than 1e126 (DynamoDB's number range), got ${formatNumber(value)}`,
      });
      return value;
    }
    // Below 1e-130 DynamoDB cannot store the number; 0 is the nearest value it can (documented).
    return magnitude > 0 && magnitude < DYNAMODB_LIMITS.minMagnitude ? 0 : value;
  }
  if (typeof value === "string") {
    const bad = unpairedSurrogateAt(value);
    if (bad >= 0)
      walk.errors.push({
        path: at(walk, path),
        message: `is not valid Unicode text: an unpaired surrogate at character ${bad}`,
      });
    return value;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((element, i) => {
      const checked = visit(walk, element, [...path, i]);
      if (checked !== element) {
        copy ??= [...value];
        copy[i] = checked;
      }
    });
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | undefined;
    for (const [key, element] of Object.entries(value as Record<string, unknown>)) {
      if (key === "") {
        walk.errors.push({
          path: at(walk, [...path, key]),
          message: "is an empty key; DynamoDB map keys must not be empty",
        });
        continue;
      }
      const bad = unpairedSurrogateAt(key);
      if (bad >= 0) {
        walk.errors.push({
          path: at(walk, [...path, key]),
          message: `is a key that is not valid Unicode text: an unpaired surrogate at character ${bad}`,
        });
        continue;
      }
      const checked = visit(walk, element, [...path, key]);
      if (checked !== element) {
        copy ??= { ...(value as Record<string, unknown>) };
        // defineProperty, not assignment: JSON may hold an own "__proto__" key.
        Object.defineProperty(copy, key, {
          value: checked,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return copy ?? value;
  }
  return value;
}

/** The largest field of a map, to say where the bytes are. */
function largestField(value: unknown): { key: string; bytes: number } | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  let largest: { key: string; bytes: number } | undefined;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const bytes = dynamoBytes(v);
    if (!largest || bytes > largest.bytes) largest = { key, bytes };
  }
  return largest;
}

const thousands = (n: number) => n.toLocaleString("en-US");

/**
 * Checks a validated input against DynamoDB's limits as it will be stored: nesting depth, empty or
 * broken map keys, the number range, valid Unicode and size. Numbers of magnitude below 1e-130 (a
 * probability of 1e-140, say) are stored as 0, the nearest number DynamoDB holds; numbers of 1e126 or
 * more cannot be stored and are refused. Every error names the field and the limit.
 */
export function checkStorable<T>(value: T, budget: StorageBudget, rootName: string): Validation<T> {
  const walk: Walk = { budget, errors: [], rootName, tooDeep: false };
  const checked = visit(walk, value, []) as T;
  if (walk.errors.length > 0) return { ok: false, errors: walk.errors };
  const bytes = dynamoBytes(checked);
  if (bytes > budget.maxBytes) {
    const largest = largestField(checked);
    const where = largest ? ` (${largest.key} takes ${thousands(largest.bytes)})` : "";
    return {
      ok: false,
      errors: [
        {
          path: rootName,
          message: `takes ${thousands(bytes)} bytes as DynamoDB counts them${where}; at most ${thousands(budget.maxBytes)} fit in its stored record (DynamoDB's item limit is ${thousands(DYNAMODB_LIMITS.maxItemBytes)} bytes)`,
        },
      ],
    };
  }
  return { ok: true, value: checked };
}

/** A schema's validation, then `checkStorable` on its output: what every stored input goes through. */
export function parseStorable<S extends z.ZodType>(
  schema: S,
  input: unknown,
  rootName: string,
  budget: StorageBudget,
): Validation<z.output<S>> {
  const parsed = parseWithSchema(schema, input, rootName);
  return parsed.ok ? checkStorable(parsed.value, budget, rootName) : parsed;
}

/** Path parameters become (parts of) keys; DynamoDB caps sort keys at 1,024 bytes, ids here are far shorter. */
export const MAX_PATH_PARAMETER_BYTES = 512;

/** The problem with a path parameter used as a key, or undefined when there is none. */
export function keyTextProblem(text: string): string | undefined {
  if (text === "") return "must not be empty";
  const bad = unpairedSurrogateAt(text);
  if (bad >= 0) return `is not valid Unicode text: an unpaired surrogate at character ${bad}`;
  const bytes = utf8Bytes(text);
  if (bytes > MAX_PATH_PARAMETER_BYTES)
    return `is ${thousands(bytes)} bytes long; at most ${MAX_PATH_PARAMETER_BYTES} (it is used in a DynamoDB key)`;
  return undefined;
}

/** What each stored input may take; the rest of its record fits beside it (docs/limits.md). */
export const BUDGETS = {
  /** A decision's request is stored in the decision and again as a review item's `context`. */
  decision: { depthOffset: 1, maxBytes: 256_000 },
  /** An experiment is its item (current and version items), with a few server fields beside it. */
  experiment: { depthOffset: 0, maxBytes: 400_000 },
  /** A verdict is an entry of the review item's `verdicts` list; the whole item is checked too (desk.ts). */
  verdict: { depthOffset: 2, maxBytes: 200_000 },
  /** Ground truth is the decision's `groundTruth` map. */
  groundTruth: { depthOffset: 1, maxBytes: 4_000 },
  /** An acknowledgement lands in each acknowledged record's `acks` list. */
  acknowledgement: { depthOffset: 2, maxBytes: 256_000 },
} as const satisfies Record<string, StorageBudget>;

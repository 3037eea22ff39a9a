/** The editor's fields: the config's leaves by the API's path names, and where a 400's issue belongs. */
import { formatPath } from "../../core/experiments/validate";

export type Key = string | number;

export interface Leaf {
  keys: Key[];
  /** As the API names it in `error.details[].path`, e.g. `arms[1].policy.autoAcceptAbove`. */
  path: string;
  value: string | number | boolean | null | unknown[];
}

const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

/** Every scalar (and list of scalars, such as `labels`) of a config, in document order. */
export function leaves(value: unknown, keys: Key[] = []): Leaf[] {
  if (isScalar(value) || (Array.isArray(value) && value.every(isScalar)))
    return keys.length === 0 ? [] : [{ keys, path: formatPath(keys), value: value as Leaf["value"] }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...keys, i]));
  if (typeof value === "object" && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...keys, k]));
  return [];
}

/** A field's text as it is shown and edited: lists as JSON, the rest as typed. */
export const fieldText = (value: Leaf["value"]) =>
  Array.isArray(value) || value === null ? JSON.stringify(value) : String(value);

/**
 * The value a field's text stands for, of the same kind as before where it reads as one (a number
 * stays a number); anything else is kept as the text, so the API names the field and the problem.
 */
export function fieldValue(text: string, before: Leaf["value"]): unknown {
  const trimmed = text.trim();
  if (typeof before === "number" && trimmed !== "" && Number.isFinite(Number(trimmed)))
    return Number(trimmed);
  if (typeof before === "boolean" && (trimmed === "true" || trimmed === "false")) return trimmed === "true";
  if (Array.isArray(before) || before === null) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** `config` with the value at `keys` replaced (a copy). */
export function setAt(config: unknown, keys: readonly Key[], value: unknown): unknown {
  const [head, ...rest] = keys;
  if (head === undefined) return value;
  if (Array.isArray(config)) {
    const copy: unknown[] = [...config];
    copy[Number(head)] = setAt(copy[Number(head)], rest, value);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  copy[String(head)] = setAt(copy[String(head)], rest, value);
  return copy;
}

/**
 * The field an issue's path belongs to: the field of that path; else, for an issue on a group (an
 * arm, a policy) or on a field the config lacks, the first field inside the nearest group that exists.
 */
export function fieldOf(path: string, fields: readonly string[]): string | undefined {
  if (fields.includes(path)) return path;
  const inside = (prefix: string) =>
    fields.find((f) => f.startsWith(`${prefix}.`) || f.startsWith(`${prefix}[`));
  for (let prefix = path; prefix !== ""; prefix = parentOf(prefix)) {
    const found = prefix === path ? inside(prefix) : fields.includes(prefix) ? prefix : inside(prefix);
    if (found) return found;
  }
  return undefined;
}

/** `arms[1].policy.queue` → `arms[1].policy` → `arms[1]` → `arms` → "". */
export function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut <= 0 ? "" : path.slice(0, cut);
}

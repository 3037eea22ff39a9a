// JSON values as they flow through executions, and a few helpers.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a JSON document or returns undefined (no exception) when it is not valid JSON. */
export function tryParseJson(text: string): { value: Json } | undefined {
  try {
    return { value: JSON.parse(text) as Json };
  } catch {
    return undefined;
  }
}

/** Converts SDK output (Uint8Array, Date, undefined members) into plain JSON. */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Set) return [...value].map(toJson);
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    const result: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) result[key] = toJson(member);
    }
    return result;
  }
  return null;
}

/** Replaces every occurrence of `search` inside the string values of a JSON value. */
export function replaceInStrings(value: Json, search: string, replacement: string): Json {
  if (typeof value === "string") return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceInStrings(item, search, replacement));
  if (isJsonObject(value)) {
    const result: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      result[key] = replaceInStrings(member, search, replacement);
    }
    return result;
  }
  return value;
}

export function containsString(value: Json, search: string): boolean {
  if (typeof value === "string") return value.includes(search);
  if (Array.isArray(value)) return value.some((item) => containsString(item, search));
  if (isJsonObject(value)) return Object.values(value).some((member) => containsString(member, search));
  return false;
}

/**
 * Evaluates an ASL reference path (`$`, `$.a.b`, `$['a'][0]`): the subset allowed in
 * TimeoutSecondsPath/HeartbeatSecondsPath. Returns undefined when the path does not resolve.
 */
export function evaluateReferencePath(path: string, input: Json): Json | undefined {
  if (!path.startsWith("$")) return undefined;
  const tokens: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  let consumed = 1;
  for (const match of path.slice(1).matchAll(pattern)) {
    if (match.index + 1 !== consumed) return undefined;
    consumed += match[0].length;
    const [, dotted, index, single, double] = match;
    if (index !== undefined) tokens.push(Number(index));
    else tokens.push(dotted ?? single ?? double ?? "");
  }
  if (consumed !== path.length) return undefined;
  let current: Json | undefined = input;
  for (const token of tokens) {
    if (typeof token === "number") current = Array.isArray(current) ? current[token] : undefined;
    else current = isJsonObject(current) ? current[token] : undefined;
    if (current === undefined) return undefined;
  }
  return current;
}

import fc from "fast-check";
import { expect } from "vitest";
import { formatPath } from "../../core/experiments/validate";

/**
 * Generated bad values for one field of a valid body: wrong types, too long, outside DynamoDB's
 * number range, nested too deep, empty or broken keys, broken Unicode. Shared by the in-process
 * property tests and their sample against the local cloud.
 */

export type Path = (string | number)[];
export type Kind = "text" | "probability" | "amount" | "free" | "map" | "list" | "count" | "notText";

const deep = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { d: value };
  return value;
};

/** Values no field of `kind` may hold: wrong types, too long, outside DynamoDB's range, broken Unicode. */
export function badValue(kind: Kind): fc.Arbitrary<unknown> {
  const huge = fc
    .double({ min: 1e126, noNaN: true, noDefaultInfinity: true })
    .chain((n) => fc.constantFrom(n, -n));
  const broken = fc.string({ maxLength: 5 }).map((s) => `${s}\ud800`);
  const notText = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
  switch (kind) {
    case "text":
      return fc.oneof(notText, broken, fc.constant("w".repeat(5000)));
    case "probability":
      return fc.oneof(
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.double({ min: 1.000001, max: 1e300, noNaN: true }),
        fc.double({ max: -1e-9, min: -1e300, noNaN: true }),
        huge,
      );
    case "amount":
      return fc.oneof(fc.string(), fc.boolean(), fc.constant(null), huge, fc.constant(-1));
    case "map":
      return fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.constant([1]),
        fc.constant({ "": 1 }),
        fc.constant({ ok: 1, "x\udc00": 2 }),
        huge.map((n) => ({ n })),
        fc.constant({ deep: deep(40) }),
      );
    case "free":
      // A free-form field (the product's item) takes any JSON; only what DynamoDB cannot store is bad.
      return fc.oneof(
        huge,
        broken,
        fc.constant({ "": 1 }),
        fc.constant({ "k\udc00": 1 }),
        fc.constant(deep(40)),
      );
    case "list":
      return fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant({}));
    case "notText":
      return notText;
    case "count":
      return fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.constant(-1), fc.constant(1.5));
  }
}

export function withValue(body: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = value;
  return copy;
}

/** A body broken at one of `fields`, and the path of that field as errors write it. */
export function broken(valid: unknown, fields: [Path, Kind][]) {
  return fc
    .constantFrom(...fields)
    .chain(([path, kind]) => badValue(kind).map((value) => ({ body: withValue(valid, path, value), path })));
}

/** The error details name the broken field or something inside it. */
export function namesField(details: readonly { path: string }[] | undefined, path: Path) {
  const field = formatPath(path);
  expect(
    details
      ?.map((d) => d.path)
      .some((p) => p === field || p.startsWith(`${field}.`) || p.startsWith(`${field}[`)),
  ).toBe(true);
}

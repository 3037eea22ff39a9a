import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUDGETS,
  checkStorable,
  DYNAMODB_LIMITS,
  dynamoBytes,
  type StorageBudget,
  unpairedSurrogateAt,
  utf8Bytes,
} from "../../../core/storage/dynamodb-limits";

const ITEM: StorageBudget = { depthOffset: 0, maxBytes: DYNAMODB_LIMITS.maxItemBytes };

/** A value nested `levels` maps deep under the key `a`, holding "x" at the bottom. */
function nested(levels: number): unknown {
  let value: unknown = "x";
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

function errorsOf(value: unknown, budget: StorageBudget = ITEM) {
  const result = checkStorable(value, budget, "body");
  if (result.ok) throw new Error("expected errors, got a storable value");
  return result.errors;
}

describe("checkStorable", () => {
  it("keeps an ordinary value as it is, the same object", () => {
    const value = { topic: "billing", amount: 120.5, tags: ["a", "b"], flag: true, none: null };

    const result = checkStorable(value, ITEM, "body");

    expect(result).toEqual({ ok: true, value });
    if (result.ok) expect(result.value).toBe(value);
  });

  it("stores a probability of 1e-140 as 0 and leaves the input untouched", () => {
    const input = { alternatives: [{ label: "deny", confidence: 1e-140 }], confidence: 0.9 };

    const result = checkStorable(input, ITEM, "body");

    expect(result).toEqual({
      ok: true,
      value: { alternatives: [{ label: "deny", confidence: 0 }], confidence: 0.9 },
    });
    expect(input.alternatives[0]?.confidence).toBe(1e-140);
  });

  it("stores negative underflow such as -1e-200 as 0 too", () => {
    expect(checkStorable({ x: -1e-200 }, ITEM, "body")).toEqual({ ok: true, value: { x: 0 } });
  });

  it("rounds a tiny number under a JSON key named __proto__ as under any other", () => {
    const result = checkStorable(JSON.parse('{"__proto__": 1e-140, "a": 1}'), ITEM, "body");

    expect(result.ok && JSON.stringify(result.value)).toBe('{"__proto__":0,"a":1}');
  });

  it("keeps 1e-130, the smallest magnitude DynamoDB stores, exactly", () => {
    expect(checkStorable({ x: 1e-130, y: -1e-130 }, ITEM, "body")).toEqual({
      ok: true,
      value: { x: 1e-130, y: -1e-130 },
    });
  });

  it("keeps numbers just under 1e126 and large amounts such as 1e20", () => {
    const value = { a: 9.99999999999999e125, b: -9.99999999999999e125, c: 1e20 };

    expect(checkStorable(value, ITEM, "body")).toEqual({ ok: true, value });
  });

  it("refuses 1e126 naming the field and DynamoDB's number range", () => {
    const [error] = errorsOf({ item: { amount: 1e126 } });

    expect(error).toEqual({
      path: "item.amount",
      message: "must be smaller in magnitude than 1e126 (DynamoDB's number range), got 1e+126",
    });
  });

  it("refuses -1e300 inside a list, naming its index", () => {
    const [error] = errorsOf({ scores: [1, -1e300] });

    expect(error?.path).toBe("scores[1]");
    expect(error?.message).toMatch(/smaller in magnitude than 1e126/);
  });

  it("accepts a value 32 levels below the item and refuses one 33 levels below", () => {
    expect(checkStorable(nested(32), ITEM, "body").ok).toBe(true);

    const [error] = errorsOf(nested(33));

    expect(error?.path).toBe(`a${".a".repeat(32)}`);
    expect(error?.message).toBe(
      "nests deeper than the 32 levels a stored record leaves for it (DynamoDB allows 32)",
    );
  });

  it("counts the levels its record adds above the input", () => {
    const budget = { depthOffset: 2, maxBytes: 1_000_000 };

    expect(checkStorable(nested(30), budget, "body").ok).toBe(true);
    expect(errorsOf(nested(31), budget)[0]?.message).toMatch(/the 30 levels a stored record leaves/);
  });

  it("reports one error for a value nested far too deep, not one per level", () => {
    expect(errorsOf(nested(5_000))).toHaveLength(1);
  });

  it("refuses an empty map key, naming where it is", () => {
    const [error] = errorsOf({ item: { customer: { "": 1 } } });

    expect(error).toEqual({
      path: 'item.customer[""]',
      message: "is an empty key; DynamoDB map keys must not be empty",
    });
  });

  it("refuses a map key with an unpaired surrogate", () => {
    const [error] = errorsOf({ item: { "a\ud800": 1 } });

    expect(error?.message).toBe(
      "is a key that is not valid Unicode text: an unpaired surrogate at character 1",
    );
  });

  it("refuses text with an unpaired surrogate but keeps emoji, which are paired", () => {
    expect(checkStorable({ note: "ok 👍" }, ITEM, "body").ok).toBe(true);

    expect(errorsOf({ note: "bad \udc00" })[0]).toEqual({
      path: "note",
      message: "is not valid Unicode text: an unpaired surrogate at character 4",
    });
  });

  it("refuses a value bigger than its budget, naming the root, the largest field and the limits", () => {
    const [error] = errorsOf({ item: { blob: "x".repeat(300) }, b: 1 }, { depthOffset: 0, maxBytes: 200 });

    expect(error?.path).toBe("body");
    expect(error?.message).toMatch(
      /^takes 320 bytes as DynamoDB counts them \(item takes 308\); at most 200 fit in its stored record \(DynamoDB's item limit is 409,600 bytes\)$/,
    );
  });

  it("names every problem of a value at once", () => {
    const errors = errorsOf({ a: { "": 1 }, b: 1e200, c: "\ud800" });

    expect(errors.map((e) => e.path)).toEqual(['a[""]', "b", "c"]);
  });

  it("leaves room for the review item's history beside a decision's request", () => {
    const history = 11 * (3 * 4000 + 300);

    expect(BUDGETS.decision.maxBytes + history).toBeLessThan(DYNAMODB_LIMITS.maxItemBytes);
  });
});

describe("dynamoBytes", () => {
  it("counts strings in UTF-8, numbers by significant digits, containers with 3 + 1 per element", () => {
    expect(dynamoBytes("héllo")).toBe(6);
    expect(dynamoBytes(123456)).toBe(4);
    expect(dynamoBytes(0.00012)).toBe(2);
    expect(dynamoBytes(true)).toBe(1);
    expect(dynamoBytes([1, 2])).toBe(3 + 2 * (2 + 1));
    expect(dynamoBytes({ ab: "c" })).toBe(3 + 2 + 1 + 1);
  });

  it("counts UTF-8 like TextEncoder for any well-formed text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length);
      }),
    );
  });

  it("finds no unpaired surrogate in well-formed text and finds a lone one anywhere", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.nat(), (text, at) => {
        const i = at % (text.length + 1);
        expect(unpairedSurrogateAt(text)).toBe(-1);
        const broken = `${text.slice(0, i)}\ud800x${text.slice(i)}`;
        expect(unpairedSurrogateAt(broken)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe("checkStorable on generated values", () => {
  it("accepts every JSON value within the limits and changes only numbers below 1e-130", () => {
    const tidy = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string({ unit: "grapheme", maxLength: 20 }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e125, max: 1e125 }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }), tie("value"), {
          maxKeys: 4,
        }),
      ),
    })).value;
    fc.assert(
      fc.property(tidy, (value) => {
        const result = checkStorable(value, ITEM, "body");
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        const replacer = (_key: string, v: unknown) =>
          typeof v === "number" && v !== 0 && Math.abs(v) < 1e-130 ? 0 : Object.is(v, -0) ? 0 : v;
        expect(JSON.stringify(result.value, replacer)).toBe(JSON.stringify(value, replacer));
      }),
    );
  });

  it("refuses any value holding a number of magnitude 1e126 or more, wherever it is", () => {
    const huge = fc.double({ min: 1e126, noNaN: true, noDefaultInfinity: true });
    const where = fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 5 }), { maxLength: 6 });
    fc.assert(
      fc.property(huge, fc.boolean(), where, (n, negative, keys) => {
        const value = keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), { n: negative ? -n : n });
        const errors = errorsOf(value);
        expect(errors[0]?.message).toMatch(/smaller in magnitude than 1e126/);
      }),
    );
  });
});

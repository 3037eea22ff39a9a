import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numberOptions } from "../../../adapters/dynamodb/client";
import { checkStorable, DYNAMODB_LIMITS } from "../../../core/storage/dynamodb-limits";
import { createTable, type LocalDynamo, startLocalDynamo } from "./local-tables";

/**
 * The limits module against DynamoDB Local itself: what it accepts, the adapter's document client
 * stores and reads back unchanged; what it refuses, DynamoDB refuses too.
 */
let dynamo: LocalDynamo;
let db: DynamoDBDocumentClient;
let table: string;
let n = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  db = DynamoDBDocumentClient.from(dynamo.client, numberOptions());
  table = await createTable(dynamo.client, "storable-values");
});
afterAll(async () => {
  await dynamo?.stop();
});

const ITEM = { depthOffset: 0, maxBytes: DYNAMODB_LIMITS.maxItemBytes - 100 };

/** Stores `attributes` as an item (with its keys) and reads it back. */
async function roundTrip(attributes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const key = { pk: `v-${++n}`, sk: "v" };
  await db.send(new PutCommand({ TableName: table, Item: { ...key, ...attributes } }));
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: key }));
  const { pk: _pk, sk: _sk, ...rest } = Item ?? {};
  return rest;
}

const nested = (levels: number): unknown => {
  let value: unknown = "x";
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe("values the limits module accepts are stored faithfully", () => {
  it("stores numbers from 1e-130 to just under 1e126 and above 2^53 exactly as sent", async () => {
    const value = { tiny: 1e-130, big: 9.99999999999999e125, amount: 1e20, negative: -123.456e-100, zero: 0 };

    expect(checkStorable(value, ITEM, "v")).toEqual({ ok: true, value });
    expect(await roundTrip(value)).toEqual(value);
  });

  it("stores a probability of 1e-140 as 0 without the marshalling throwing", async () => {
    const checked = checkStorable({ confidence: 1e-140 }, ITEM, "v");
    if (!checked.ok) throw new Error("refused");

    expect(await roundTrip(checked.value)).toEqual({ confidence: 0 });
  });

  it("stores a value 32 levels below the item", async () => {
    const value = nested(32) as Record<string, unknown>;

    expect(checkStorable(value, ITEM, "v").ok).toBe(true);
    expect(await roundTrip(value)).toEqual(value);
  });

  it("stores every generated JSON value it accepts and reads the same value back", async () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.string({ unit: "grapheme", maxLength: 12 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(fc.string({ unit: "grapheme", maxLength: 6 }), tie("value"), { maxKeys: 3 }),
      ),
    })).value;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom("a", "b", "c"), json, { minKeys: 1 }), async (value) => {
        const checked = checkStorable(value, ITEM, "v");
        if (!checked.ok) return;
        expect(await roundTrip(checked.value)).toEqual(JSON.parse(JSON.stringify(checked.value)));
      }),
      { numRuns: 60 },
    );
  });
});

describe("values the limits module refuses, DynamoDB refuses too", () => {
  const refused: [string, Record<string, unknown>][] = [
    ["a value 33 levels below the item", nested(33) as Record<string, unknown>],
    ["an empty map key", { item: { "": 1 } }],
    ["a number of 1e126", { amount: 1e126 }],
    ["a number of -1e200", { amount: -1e200 }],
    ["an item over 400 KB", { blob: "x".repeat(DYNAMODB_LIMITS.maxItemBytes) }],
  ];
  for (const [what, value] of refused) {
    it(`refuses ${what}`, async () => {
      expect(checkStorable(value, { depthOffset: 0, maxBytes: DYNAMODB_LIMITS.maxItemBytes }, "v").ok).toBe(
        false,
      );
      await expect(
        db.send(new PutCommand({ TableName: table, Item: { pk: `r-${++n}`, sk: "v", ...value } })),
      ).rejects.toMatchObject({ name: "ValidationException" });
    });
  }
});

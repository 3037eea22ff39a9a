import { describe, expect, it } from "vitest";
import { compileFilters, compilePattern, PatternError } from "../../../local/event-sources";

/** A decision INSERT as Lambda shows it to a filter: DynamoDB JSON under `dynamodb`. */
const decisionInsert = {
  eventName: "INSERT",
  dynamodb: {
    Keys: { pk: { S: "d-1" } },
    NewImage: { pk: { S: "d-1" }, sk: { S: "DECISION" }, score: { N: "0.93" } },
    SizeBytes: 120,
  },
};

const ROUTED_DECISIONS = '{"eventName":["INSERT"],"dynamodb":{"NewImage":{"sk":{"S":["DECISION"]}}}}';

describe("event patterns (EventBridge syntax, as Lambda filters stream records)", () => {
  it("matches the routed-decision filter on a decision INSERT", () => {
    const matches = compilePattern(ROUTED_DECISIONS);

    expect(matches(decisionInsert)).toBe(true);
  });

  it("rejects a MODIFY, another sort key, and a record without a NewImage", () => {
    const matches = compilePattern(ROUTED_DECISIONS);
    const modify = { ...decisionInsert, eventName: "MODIFY" };
    const feedback = {
      eventName: "INSERT",
      dynamodb: { NewImage: { pk: { S: "f-1" }, sk: { S: "FEEDBACK" } } },
    };
    const remove = { eventName: "INSERT", dynamodb: { Keys: { pk: { S: "d-1" } } } };

    expect([modify, feedback, remove].map(matches)).toEqual([false, false, false]);
  });

  it("needs every key of a pattern to match (AND) and any value of a list (OR)", () => {
    const matches = compilePattern({ eventName: ["INSERT", "MODIFY"], dynamodb: { SizeBytes: [120] } });

    expect(matches(decisionInsert)).toBe(true);
    expect(matches({ ...decisionInsert, eventName: "REMOVE" })).toBe(false);
    expect(matches({ ...decisionInsert, dynamodb: { SizeBytes: 121 } })).toBe(false);
  });

  it("compares exact values by type: the string '120' is not the number 120, null matches null", () => {
    const byNumber = compilePattern({ size: [120] });
    const byNull = compilePattern({ owner: [null] });

    expect(byNumber({ size: 120 })).toBe(true);
    expect(byNumber({ size: "120" })).toBe(false);
    expect(byNull({ owner: null })).toBe(true);
    expect(byNull({})).toBe(false);
  });

  it("matches an array in the record when any of its elements matches", () => {
    const matches = compilePattern({ tags: ["urgent"], items: { kind: ["b"] } });

    expect(matches({ tags: ["low", "urgent"], items: [{ kind: "a" }, { kind: "b" }] })).toBe(true);
    expect(matches({ tags: ["low"], items: [{ kind: "b" }] })).toBe(false);
  });

  it("supports prefix, suffix, equals-ignore-case and wildcard on strings", () => {
    const matches = compilePattern({
      id: [{ prefix: "dec-" }],
      file: [{ suffix: ".json" }],
      status: [{ "equals-ignore-case": "routed" }],
      path: [{ wildcard: "reviews/*/open" }],
    });
    const record = { id: "dec-7", file: "a.json", status: "ROUTED", path: "reviews/q1/open" };

    expect(matches(record)).toBe(true);
    expect(matches({ ...record, id: "fb-7" })).toBe(false);
    expect(matches({ ...record, path: "reviews/q1/closed" })).toBe(false);
  });

  it("supports anything-but with a value, a list, or a prefix, and never matches a missing field", () => {
    const notRemove = compilePattern({ eventName: [{ "anything-but": "REMOVE" }] });
    const notEither = compilePattern({ eventName: [{ "anything-but": ["REMOVE", "MODIFY"] }] });
    const notTest = compilePattern({ pk: [{ "anything-but": { prefix: "test-" } }] });

    expect(notRemove({ eventName: "INSERT" })).toBe(true);
    expect(notRemove({ eventName: "REMOVE" })).toBe(false);
    expect(notRemove({})).toBe(false);
    expect(notEither({ eventName: "MODIFY" })).toBe(false);
    expect(notTest({ pk: "prod-1" })).toBe(true);
    expect(notTest({ pk: "test-1" })).toBe(false);
  });

  it("supports numeric ranges on numbers only", () => {
    const matches = compilePattern({ size: [{ numeric: [">", 0, "<=", 100] }] });

    expect(matches({ size: 100 })).toBe(true);
    expect(matches({ size: 0 })).toBe(false);
    expect(matches({ size: "50" })).toBe(false);
  });

  it("tells present from missing fields with exists, even when a parent object is missing", () => {
    const hasOld = compilePattern({ dynamodb: { OldImage: [{ exists: true }] } });
    const noOld = compilePattern({ dynamodb: { OldImage: [{ exists: false }] } });

    expect(hasOld({ dynamodb: { OldImage: { pk: { S: "x" } } } })).toBe(true);
    expect(hasOld(decisionInsert)).toBe(false);
    expect(noOld(decisionInsert)).toBe(true);
    expect(noOld({ eventName: "INSERT" })).toBe(true);
  });

  it("matches when any alternative of $or matches, next to the other keys", () => {
    const matches = compilePattern({
      eventName: ["INSERT"],
      $or: [{ dynamodb: { NewImage: { sk: { S: ["DECISION"] } } } }, { dynamodb: { SizeBytes: [1] } }],
    });

    expect(matches(decisionInsert)).toBe(true);
    expect(matches({ eventName: "INSERT", dynamodb: { SizeBytes: 2 } })).toBe(false);
    expect(matches({ eventName: "MODIFY", dynamodb: { SizeBytes: 1 } })).toBe(false);
  });

  it("matches everything with an empty pattern", () => {
    expect(compilePattern("{}")(decisionInsert)).toBe(true);
  });

  it("rejects invalid patterns with a PatternError naming the spot", () => {
    expect(() => compilePattern("not json")).toThrow(PatternError);
    expect(() => compilePattern({ eventName: "INSERT" })).toThrow(/pattern\.eventName: a pattern's values/);
    expect(() => compilePattern({ ip: [{ cidr: "10.0.0.0/24" }] })).toThrow(/does not support the "cidr"/);
    expect(() => compilePattern({ n: [{ numeric: ["~", 1] }] })).toThrow(PatternError);
  });
});

describe("filter criteria (several filters)", () => {
  it("lets a record through when any filter matches", () => {
    const passes = compileFilters(['{"eventName":["REMOVE"]}', ROUTED_DECISIONS]);

    expect(passes(decisionInsert)).toBe(true);
    expect(passes({ eventName: "MODIFY" })).toBe(false);
  });

  it("lets every record through when there is no filter", () => {
    expect(compileFilters([])({ anything: 1 })).toBe(true);
  });

  it("names the filter that does not compile", () => {
    expect(() => compileFilters(["{}", "[1]"])).toThrow(/filter 1: a pattern is a JSON object/);
  });
});

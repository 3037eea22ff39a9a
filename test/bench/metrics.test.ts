import { describe, expect, it } from "vitest";
import { counterPk } from "../../adapters/dynamodb/metrics-store";
import {
  AGGREGATOR_OPERATIONS,
  chunk,
  counterDifferences,
  counterItems,
  counterTemplate,
  DEFAULT_EVENTS,
  EVENTS_ENV,
  eventCount,
  eventMix,
  expectedTotals,
  itemBytes,
  onlyOperations,
  QUICK_EVENTS,
  READ_SIZES,
  scaledCounters,
  seededRandom,
  splitWriteUnits,
  totalsOf,
  withDuplicates,
} from "../../bench/scenarios/metrics";
import { parseMetricEvent } from "../../core/metrics/parse";
import { type CounterRow, experimentMetrics } from "../../core/metrics/read";
import { fixed, fixedDate, fixedMs } from "../support/clock";

const NOW = fixedDate("2026-11-25T12:30:00.000Z");
const mix = (count: number, seed = 7, units = 100) =>
  eventMix(count, {
    experimentId: "exp-1",
    arms: ["control", "treatment"],
    prefix: "run",
    units,
    random: seededRandom(seed),
    now: () => NOW,
  });

describe("eventCount", () => {
  it("defaults to 20,000 and 3,000 with --quick; the variable wins", () => {
    expect(eventCount({ quick: false }, {})).toBe(DEFAULT_EVENTS);
    expect(eventCount({ quick: true }, {})).toBe(QUICK_EVENTS);
    expect(eventCount({ quick: true }, { [EVENTS_ENV]: "500" })).toBe(500);
    expect(() => eventCount({ quick: false }, { [EVENTS_ENV]: "-3" })).toThrow(RangeError);
  });
});

describe("seededRandom", () => {
  it("repeats for a seed and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
  });
});

describe("eventMix", () => {
  it("makes exactly `count` valid events with distinct ids", () => {
    const events = mix(2000);
    expect(events).toHaveLength(2000);
    expect(new Set(events.map((e) => e.id)).size).toBe(2000);
    for (const event of events) expect(parseMetricEvent(JSON.stringify(event)).ok).toBe(true);
  });

  it("is a realistic mix: mostly routed decisions of repeating units, reviews, outcomes, feedback", () => {
    const events = mix(5000);
    const byType = new Map<string, number>();
    for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    const routed = byType.get("decision.routed") ?? 0;
    expect(routed / events.length).toBeGreaterThan(0.5);
    for (const type of ["review.enqueued", "review.verdict", "decision.outcome", "feedback.produced"])
      expect(byType.get(type) ?? 0).toBeGreaterThan(50);
    expect(byType.get("feedback.acknowledged") ?? 0).toBeGreaterThan(0);
    const units = new Set(events.flatMap((e) => (e.type === "decision.routed" ? [e.unitId] : [])));
    expect(units.size).toBeLessThanOrEqual(100);
    expect(routed).toBeGreaterThan(10 * units.size);
  });

  it("keeps each unit in one arm and stamps events with `now`", () => {
    const events = mix(1000);
    const armOf = new Map<string, string>();
    for (const e of events) {
      expect(e.at).toBe(NOW.toISOString());
      if (e.type !== "decision.routed") continue;
      expect(armOf.get(e.unitId) ?? e.arm).toBe(e.arm);
      armOf.set(e.unitId, e.arm);
    }
  });
});

describe("withDuplicates", () => {
  it("sends every item once and a copy of the given share after its original", () => {
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const sent = withDuplicates(items, 0.01, seededRandom(3), 500);
    expect(sent).toHaveLength(10_100);
    expect(new Set(sent).size).toBe(10_000);
    const first = new Map<number, number>();
    sent.forEach((item, position) => {
      const seen = first.get(item);
      if (seen === undefined) first.set(item, position);
      else expect(position).toBeGreaterThan(seen);
    });
    // Originals keep their order.
    expect([...first.keys()]).toEqual(items);
  });

  it("adds nothing for a share of 0", () => {
    expect(withDuplicates([1, 2, 3], 0, seededRandom(1))).toEqual([1, 2, 3]);
  });
});

describe("expected totals and differences", () => {
  it("counts each distinct event once and each enrolled (arm, unit) once", () => {
    const events = mix(3000);
    const totals = expectedTotals(withDuplicates(events, 0.05, seededRandom(9)));
    expect(totals).toEqual(expectedTotals(events));
    expect(totals.events).toBe(3000);
    const routed = events.filter((e) => e.type === "decision.routed");
    expect(totals.decisions).toBe(routed.length);
    const enrolledUnits = new Set(routed.filter((e) => e.enrolled).map((e) => `${e.arm}#${e.unitId}`));
    expect(totals.units).toBe(enrolledUnits.size);
  });

  it("sums rows and lists the counters that differ", () => {
    const rows: CounterRow[] = [
      { arm: "a", hour: fixed("2026-11-25T12"), counters: { events: 2, decisions: 1 } },
      { arm: "b", hour: fixed("2026-11-25T12"), counters: { events: 3, units: 1 } },
    ];
    const live = totalsOf(rows);
    expect(live).toEqual({ events: 5, decisions: 1, units: 1 });
    expect(counterDifferences({ events: 5, decisions: 1, units: 1 }, live)).toEqual([]);
    expect(counterDifferences({ events: 4, decisions: 1, audit: 2 }, live)).toEqual([
      { name: "audit", expected: 2, live: 0 },
      { name: "events", expected: 4, live: 5 },
      { name: "units", expected: 0, live: 1 },
    ]);
  });
});

describe("write units", () => {
  it("splits transaction WRU into dedupe, unit and counter parts", () => {
    const split = splitWriteUnits({
      transactWru: 2600,
      countedEvents: 1000,
      newUnits: 100,
      refusedTransactions: 7,
    });
    expect(split).toEqual({ total: 2600, dedupe: 2000, units: 200, counters: 400, updates: 200, refused: 7 });
  });

  it("never reports negative counter units", () => {
    expect(
      splitWriteUnits({ transactWru: 10, countedEvents: 10, newUnits: 0, refusedTransactions: 0 }).counters,
    ).toBe(0);
  });

  it("keeps only the aggregator's operations", () => {
    const picked = onlyOperations(
      {
        ops: { "DynamoDB.TransactWriteItems": 3, "DynamoDB.BatchGetItem": 2, "DynamoDB.PutItem": 9 },
        units: {
          "DynamoDB.TransactWriteItems WRU": 60,
          "DynamoDB.PutItem WRU": 9,
          "DynamoDB.BatchGetItem RRU": 1,
        },
        errors: { "DynamoDB.TransactWriteItems.TransactionCanceledException": 1, "DynamoDB.PutItem.X": 1 },
        ms: { "DynamoDB.TransactWriteItems": 30, "DynamoDB.PutItem": 5 },
      },
      AGGREGATOR_OPERATIONS,
    );
    expect(picked).toEqual({
      ops: { "DynamoDB.TransactWriteItems": 3, "DynamoDB.BatchGetItem": 2 },
      units: { "DynamoDB.TransactWriteItems WRU": 60, "DynamoDB.BatchGetItem RRU": 1 },
      errors: { "DynamoDB.TransactWriteItems.TransactionCanceledException": 1 },
      ms: { "DynamoDB.TransactWriteItems": 30 },
    });
  });

  it("sizes items roughly as DynamoDB does", () => {
    expect(itemBytes({ pk: "abc", n: 12345 })).toBe(2 + 3 + 1 + 4);
    expect(itemBytes({ n: 0 })).toBe(1 + 2);
  });
});

describe("chunk", () => {
  it("cuts into pieces of at most `size`", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 10)).toEqual([]);
  });
});

describe("synthetic counter items", () => {
  const templates = {
    control: counterTemplate("control", 174, seededRandom(1)),
    treatment: counterTemplate("treatment", 174, seededRandom(2)),
  };
  const lastHour = fixedMs("2026-11-25T12");

  it("scales a template to exactly the decisions asked, keeping every counter name", () => {
    const template = templates.control;
    expect(Object.keys(template).length).toBeGreaterThan(40);
    const small = scaledCounters(template, 2);
    expect(small.decisions).toBe(2);
    expect(Object.keys(small).sort()).toEqual(Object.keys(template).sort());
  });

  it("lays out 2 arms × hours × shards items that add up to the size's decisions", () => {
    const size = READ_SIZES.find((s) => s.days === 7 && s.decisions === 1_000_000);
    if (!size) throw new Error("no 7-day size");
    const items = counterItems("exp-r", size, templates, lastHour, 4);
    expect(items).toHaveLength(2 * 7 * 24 * 4);
    expect(items[0]?.pk).toBe(counterPk("exp-r", 0));
    expect(items.at(-1)?.sk).toBe(`${fixed("2026-11-25T12")}#treatment`);
    expect(new Set(items.map((i) => `${i.pk}|${i.sk}`)).size).toBe(items.length);
    expect(items.reduce((s, i) => s + Number(i.decisions), 0)).toBe(1_000_000);
  });

  it("gives the same number of items, of the same shape, for 10k and 1M decisions", () => {
    const [large, small] = [1_000_000, 10_000].map((decisions) => {
      const size = READ_SIZES.find((s) => s.days === 30 && s.decisions === decisions);
      if (!size) throw new Error(`no 30-day size of ${decisions}`);
      return counterItems("exp-r", size, templates, lastHour, 4);
    });
    expect(large?.length).toBe(2 * 30 * 24 * 4);
    expect(small?.length).toBe(large?.length);
    expect(Object.keys(small?.[100] ?? {}).sort()).toEqual(Object.keys(large?.[100] ?? {}).sort());
    expect(small?.reduce((s, i) => s + Number(i.decisions), 0)).toBe(10_000);
  });

  it("reads back as metrics per arm (as readExperiment would sum the shards)", () => {
    const size = { label: "tiny", decisions: 1000, days: 1 };
    const items = counterItems("exp-r", size, templates, lastHour, 2);
    const rows = new Map<string, { arm: string; hour: string; counters: Record<string, number> }>();
    for (const item of items) {
      const sk = String(item.sk);
      const [hour = "", arm = ""] = sk.split("#");
      const row = rows.get(sk) ?? { arm, hour, counters: {} };
      for (const [k, v] of Object.entries(item))
        if (typeof v === "number") row.counters[k] = (row.counters[k] ?? 0) + v;
      rows.set(sk, row);
    }
    const metrics = experimentMetrics("exp-r", [...rows.values()]);
    expect(metrics.arms.map((a) => a.arm)).toEqual(["control", "treatment"]);
    expect(metrics.arms.reduce((s, a) => s + a.decisions, 0)).toBe(1000);
    expect(metrics.daily.length).toBeGreaterThanOrEqual(2);
  });
});

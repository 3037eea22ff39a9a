import { describe, expect, it } from "vitest";
import { counterPk } from "../../adapters/dynamodb/metrics-keys";
import { countedRecordOf } from "../../adapters/dynamodb/record-stream";
import { totalsOf } from "../../bench/scenarios/metrics/counting";
import {
  DECISIONS_ENV,
  DEFAULT_DECISIONS,
  decisionCount,
  QUICK_DECISIONS,
  recordMix,
  withRepeats,
} from "../../bench/scenarios/metrics/mix";
import {
  chunk,
  counterItems,
  counterTemplate,
  itemBytes,
  READ_SIZES,
  scaledCounters,
} from "../../bench/scenarios/metrics/reads";
import {
  COUNTER_OPERATIONS,
  onlyOperations,
  splitCounterUnits,
} from "../../bench/scenarios/metrics/write-units";
import { checkedEventsOf } from "../../core/metrics/implied";
import { type CounterRow, experimentMetrics } from "../../core/metrics/read";
import { rebuildCounters, rebuildEvents } from "../../core/metrics/rebuild";
import { seededRandom } from "../../core/simulation/random";
import { fixed, fixedDate, fixedMs } from "../support/clock";

const NOW = fixedDate("2026-11-25T12:30:00.000Z");
const mix = (count: number, seed = 7, units = 100) =>
  recordMix(count, {
    experimentId: "exp-1",
    arms: ["control", "treatment"],
    prefix: "run",
    units,
    random: seededRandom(seed),
    now: () => NOW,
  });

describe("decisionCount", () => {
  it("defaults to 10,000 and 1,500 with --quick; the variable wins", () => {
    expect(decisionCount({ quick: false }, {})).toBe(DEFAULT_DECISIONS);
    expect(decisionCount({ quick: true }, {})).toBe(QUICK_DECISIONS);
    expect(decisionCount({ quick: true }, { [DECISIONS_ENV]: "500" })).toBe(500);
    expect(() => decisionCount({ quick: false }, { [DECISIONS_ENV]: "-3" })).toThrow(RangeError);
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

describe("recordMix", () => {
  it("writes records that imply only valid events, each once", () => {
    const { writes, records } = mix(2000);
    for (const write of writes) {
      const counted = countedRecordOf(write.item);
      expect(counted, String(write.item.sk)).toBeDefined();
      expect(checkedEventsOf(counted).invalid).toEqual([]);
    }
    const events = rebuildEvents(records);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it("is a realistic mix: mostly routed decisions of repeating units, reviews, outcomes, feedback", () => {
    const events = rebuildEvents(mix(3000).records);
    const byType = new Map<string, number>();
    for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    const routed = byType.get("decision.routed") ?? 0;
    expect(routed).toBe(3000);
    expect(routed / events.length).toBeGreaterThan(0.5);
    for (const type of ["review.enqueued", "review.verdict", "decision.outcome", "feedback.produced"])
      expect(byType.get(type) ?? 0).toBeGreaterThan(50);
    expect(byType.get("feedback.acknowledged") ?? 0).toBeGreaterThan(0);
    const units = new Set(events.flatMap((e) => (e.type === "decision.routed" ? [e.unitId] : [])));
    expect(units.size).toBeLessThanOrEqual(100);
  });

  it("writes each review item three times, in the order the app does: stored, verdict, settled", () => {
    const { writes } = mix(500);
    const stages = new Map<string, string[]>();
    for (const w of writes)
      if (w.table === "reviews")
        stages.set(String(w.item.pk), [...(stages.get(String(w.item.pk)) ?? []), String(w.item.status)]);
    expect(stages.size).toBeGreaterThan(20);
    for (const statuses of stages.values()) expect(statuses).toEqual(["pending", "claimed", "decided"]);
  });

  it("keeps each unit in one arm and stamps records with `now`", () => {
    const { records } = mix(1000);
    const armOf = new Map<string, string>();
    for (const d of records.decisions) {
      expect(d.createdAt).toBe(NOW.toISOString());
      expect(armOf.get(d.unitId) ?? d.arm).toBe(d.arm);
      armOf.set(d.unitId, d.arm);
    }
  });
});

describe("withRepeats", () => {
  it("writes everything once, in order, and repeats the given share of items' last writes right after them", () => {
    const { writes } = mix(2000);
    const sent = withRepeats(writes, 0.01, seededRandom(3));
    const repeats = sent.length - writes.length;
    expect(repeats).toBeGreaterThan(0);
    expect(sent.filter((w, i) => sent[i + 1] !== w || i === sent.length - 1)).toEqual(writes);
  });

  it("adds nothing for a share of 0", () => {
    const { writes } = mix(10);
    expect(withRepeats(writes, 0, seededRandom(1))).toEqual(writes);
  });
});

describe("totals", () => {
  it("sums rows over arms and hours", () => {
    const rows: CounterRow[] = [
      { arm: "a", hour: fixed("2026-11-25T12"), counters: { events: 2, decisions: 1 } },
      { arm: "b", hour: fixed("2026-11-25T12"), counters: { events: 3, units: 1 } },
    ];
    expect(totalsOf(rows)).toEqual({ events: 5, decisions: 1, units: 1 });
  });

  it("expects every enrolled (arm, unit) once", () => {
    const { records } = mix(3000);
    const counters = [...rebuildCounters(records).values()];
    const units = new Set(records.decisions.filter((d) => d.enrolled).map((d) => `${d.arm}#${d.unitId}`));
    expect(counters.reduce((s, c) => s + (c.units ?? 0), 0)).toBe(units.size);
  });
});

describe("write units", () => {
  it("splits the counter's transaction WRU into marks and counter updates, and unit items apart", () => {
    const split = splitCounterUnits({
      ops: { "DynamoDB.TransactWriteItems": 12, "DynamoDB.PutItem": 30 },
      units: { "DynamoDB.TransactWriteItems WRU": 64, "DynamoDB.PutItem WRU": 30 },
      errors: { "DynamoDB.TransactWriteItems.TransactionCanceledException": 2 },
      ms: {},
    });
    expect(split).toEqual({ transactions: 64, marks: 20, counters: 44, updates: 22, units: 30, refused: 2 });
  });

  it("keeps only the counter's operations", () => {
    const picked = onlyOperations(
      {
        ops: { "DynamoDB.TransactWriteItems": 3, "DynamoDB.BatchGetItem": 2, "SQS.SendMessage": 9 },
        units: { "DynamoDB.TransactWriteItems WRU": 60, "SQS.SendMessage requests": 9 },
        errors: { "DynamoDB.TransactWriteItems.TransactionCanceledException": 1, "SQS.SendMessage.X": 1 },
        ms: { "DynamoDB.TransactWriteItems": 30, "SQS.SendMessage": 5 },
      },
      COUNTER_OPERATIONS,
    );
    expect(picked).toEqual({
      ops: { "DynamoDB.TransactWriteItems": 3, "DynamoDB.BatchGetItem": 2 },
      units: { "DynamoDB.TransactWriteItems WRU": 60 },
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

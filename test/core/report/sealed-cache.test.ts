import { describe, expect, it } from "vitest";
import type { CounterRow } from "../../../core/metrics/read";
import { SealedCounterCache } from "../../../core/report";
import { fixed, fixedDate, fixedMs } from "../../support/clock";

const hour = (h: number) => new Date(fixedMs("2026-11-01") + h * 3_600_000).toISOString().slice(0, 13);

/** 10 days of hourly rows for one arm, and a reader that honours (or ignores) `fromHour`. */
function setup(honoursFromHour = true) {
  const rows: CounterRow[] = Array.from({ length: 240 }, (_, h) => ({
    arm: "a",
    hour: hour(h),
    counters: { decisions: h + 1 },
  }));
  const calls: (string | undefined)[] = [];
  const reader = {
    readExperiment: async (_id: string, options: { fromHour?: string } = {}) => {
      calls.push(options.fromHour);
      const from = honoursFromHour ? options.fromHour : undefined;
      return rows
        .filter((r) => from === undefined || r.hour >= from)
        .map((r) => ({ ...r, counters: { ...r.counters } }));
    },
  };
  return { rows, calls, reader };
}

describe("the sealed-hours cache of the reports function", () => {
  it("reads everything once, then only the hours that can still change, and returns the same rows", async () => {
    // Arrange: it is day 10, 00:00; hours before day 10 − (7 days + 2 h) are final.
    const { rows, calls, reader } = setup();
    let now = fixedDate("2026-11-11T00");
    const cache = new SealedCounterCache(reader, { now: () => now });

    // Act
    const first = await cache.readExperiment("e");
    now = fixedDate("2026-11-11T05");
    const second = await cache.readExperiment("e");

    // Assert
    expect(first).toEqual(rows);
    expect(second).toEqual(rows);
    expect(calls).toEqual([undefined, fixed("2026-11-03T22")]);
    expect(cache.stats).toEqual({ hits: 1, misses: 1, rowsSaved: 70 });
  });

  it("stays exact with a reader that ignores fromHour (it is then only not faster)", async () => {
    // Arrange
    const { rows, reader } = setup(false);
    const cache = new SealedCounterCache(reader, { now: () => fixedDate("2026-11-11T00") });

    // Act
    await cache.readExperiment("e");
    const again = await cache.readExperiment("e");

    // Assert
    expect(again).toEqual(rows);
  });

  it("forgets the least recently read experiment beyond its limit", async () => {
    // Arrange
    const { calls, reader } = setup();
    const cache = new SealedCounterCache(reader, {
      maxExperiments: 1,
      now: () => fixedDate("2026-11-11T00"),
    });

    // Act
    await cache.readExperiment("a");
    await cache.readExperiment("b");
    await cache.readExperiment("a");

    // Assert
    expect(calls).toEqual([undefined, undefined, undefined]);
  });

  it("drops what it kept when the reader's roll-up epoch changes (sealed hours were rewritten)", async () => {
    // Arrange: a reader whose epoch a repair raises after rewriting a sealed hour
    const { rows, calls, reader } = setup();
    let epoch = 0;
    const repaired = { ...reader, rollupEpoch: async () => epoch };
    const cache = new SealedCounterCache(repaired, { now: () => fixedDate("2026-11-11T00") });
    await cache.readExperiment("e");
    const first = rows[0];
    if (first) first.counters.decisions = 1000;
    epoch = 1;

    // Act
    const after = await cache.readExperiment("e");
    const again = await cache.readExperiment("e");

    // Assert
    expect(after[0]?.counters.decisions).toBe(1000);
    expect(again).toEqual(rows);
    expect(calls).toEqual([undefined, fixed("2026-11-03T22"), undefined, fixed("2026-11-03T22")]);
    expect(cache.stats).toEqual({ hits: 1, misses: 2, rowsSaved: 70 });
  });

  it("seals after the reader's own seal age when it has one", async () => {
    // Arrange: a store with a 24-hour dedupe window seals hours after 27 hours
    const { calls, reader } = setup();
    const cache = new SealedCounterCache(
      { ...reader, sealAfterHours: 27 },
      { now: () => fixedDate("2026-11-11T00") },
    );

    // Act
    await cache.readExperiment("e");
    await cache.readExperiment("e");

    // Assert
    expect(calls).toEqual([undefined, fixed("2026-11-09T21")]);
  });
});

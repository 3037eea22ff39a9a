import { describe, expect, it } from "vitest";
import type { CounterRow } from "../../../core/metrics/read";
import {
  DEFAULT_SEAL_AFTER_HOURS,
  hourlyFrom,
  lastSealedDay,
  planRollup,
  rollUpDays,
  rowsFromRollups,
  type StoredRollup,
  sealedUntil,
} from "../../../core/metrics/rollup";
import { fixed, fixedDate } from "../../support/clock";

const row = (arm: string, hour: string, decisions: number): CounterRow => ({
  arm,
  hour,
  counters: { decisions },
});

/** 15:20 UTC on the 25th: hours before 13:00 on the 18th are sealed (7 days + 2 hours). */
const NOW = fixedDate("2026-11-25T15:20:00.000Z");

describe("which days are sealed", () => {
  it("seals an hour 7 days and 2 hours after it ended, and a day once its last hour is sealed", () => {
    // Act
    const until = sealedUntil(NOW);
    const last = lastSealedDay(NOW);

    // Assert
    expect(DEFAULT_SEAL_AFTER_HOURS).toBe(170);
    expect(until).toBe(fixed("2026-11-18T13"));
    expect(last).toBe(fixed("2026-11-17"));
  });

  it("keeps a partly sealed day out: the 18th is sealed up to 12:00 but not rolled up until all of it is", () => {
    // Arrange: 23:59 on the 25th is still short of sealing the 18th's last hour
    const almost = fixedDate("2026-11-25T23:59:59.000Z");
    const after = fixedDate("2026-11-26T02:00:00.000Z");

    // Act / Assert
    expect(lastSealedDay(almost)).toBe(fixed("2026-11-17"));
    expect(lastSealedDay(after)).toBe(fixed("2026-11-18"));
  });
});

describe("planRollup", () => {
  it("reads every hour before the first unsealed day when nothing is rolled up yet (an empty experiment too)", () => {
    // Act
    const plan = planRollup(undefined, NOW);

    // Assert
    expect(plan).toEqual({ beforeHour: fixed("2026-11-18T00"), through: fixed("2026-11-17") });
  });

  it("reads only the days after the watermark", () => {
    // Act
    const plan = planRollup(fixed("2026-11-14"), NOW);

    // Assert
    expect(plan).toEqual({
      fromHour: fixed("2026-11-15T00"),
      beforeHour: fixed("2026-11-18T00"),
      through: fixed("2026-11-17"),
    });
  });

  it("has nothing to do when the watermark is at the last sealed day (or past it, by another clock)", () => {
    // Act / Assert
    expect(planRollup(fixed("2026-11-17"), NOW)).toBeUndefined();
    expect(planRollup(fixed("2026-11-18"), NOW)).toBeUndefined();
  });

  it("takes a shorter seal age when the store's dedupe window is shorter", () => {
    // Act
    const plan = planRollup(undefined, NOW, 3);

    // Assert
    expect(plan?.through).toBe(fixed("2026-11-24"));
  });
});

describe("rollUpDays", () => {
  it("groups the hourly rows of the plan into one roll-up per day and arm, hours in order", () => {
    // Arrange
    const plan = {
      fromHour: fixed("2026-11-15T00"),
      beforeHour: fixed("2026-11-17T00"),
      through: fixed("2026-11-16"),
    };
    const rows = [
      row("b", fixed("2026-11-15T09"), 2),
      row("a", fixed("2026-11-15T10"), 3),
      row("a", fixed("2026-11-15T08"), 1),
      row("a", fixed("2026-11-16T23"), 4),
    ];

    // Act
    const rollups = rollUpDays(rows, plan);

    // Assert
    expect(rollups).toEqual([
      {
        day: fixed("2026-11-15"),
        arm: "a",
        rows: [row("a", fixed("2026-11-15T08"), 1), row("a", fixed("2026-11-15T10"), 3)],
      },
      { day: fixed("2026-11-15"), arm: "b", rows: [row("b", fixed("2026-11-15T09"), 2)] },
      { day: fixed("2026-11-16"), arm: "a", rows: [row("a", fixed("2026-11-16T23"), 4)] },
    ]);
  });

  it("leaves out rows before the plan (already rolled up) and after it (not sealed)", () => {
    // Arrange
    const plan = {
      fromHour: fixed("2026-11-15T00"),
      beforeHour: fixed("2026-11-16T00"),
      through: fixed("2026-11-15"),
    };
    const rows = [
      row("a", fixed("2026-11-14T23"), 1),
      row("a", fixed("2026-11-15T00"), 2),
      row("a", fixed("2026-11-16T00"), 3),
    ];

    // Act
    const rollups = rollUpDays(rows, plan);

    // Assert
    expect(rollups.flatMap((r) => r.rows)).toEqual([row("a", fixed("2026-11-15T00"), 2)]);
  });

  it("writes no roll-up for a day without data and none for an experiment without rows", () => {
    // Arrange
    const plan = { beforeHour: fixed("2026-11-18T00"), through: fixed("2026-11-17") };

    // Act / Assert
    expect(rollUpDays([row("a", fixed("2026-11-10T05"), 1)], plan).map((r) => r.day)).toEqual([
      fixed("2026-11-10"),
    ]);
    expect(rollUpDays([], plan)).toEqual([]);
  });

  it("keeps hours whose counters summed to zero, as an hourly read does", () => {
    // Arrange
    const plan = { beforeHour: fixed("2026-11-18T00"), through: fixed("2026-11-17") };
    const empty: CounterRow = { arm: "a", hour: fixed("2026-11-10T05"), counters: {} };

    // Act
    const [rollup] = rollUpDays([empty], plan);

    // Assert
    expect(rollup?.rows).toEqual([empty]);
  });

  it("copies the counters, so changing a roll-up never changes the rows read", () => {
    // Arrange
    const source = row("a", fixed("2026-11-10T05"), 1);

    // Act
    const [rollup] = rollUpDays([source], {
      beforeHour: fixed("2026-11-18T00"),
      through: fixed("2026-11-17"),
    });
    if (rollup?.rows[0]) rollup.rows[0].counters.decisions = 99;

    // Assert
    expect(source.counters.decisions).toBe(1);
  });
});

describe("rowsFromRollups", () => {
  const stored = (day: string, arm: string, epoch: number, decisions: number): StoredRollup => ({
    day,
    arm,
    epoch,
    rows: [row(arm, `${day}T12`, decisions)],
  });

  it("takes the roll-ups up to the watermark and ignores those after it (written, watermark not moved yet)", () => {
    // Arrange
    const rollups = [stored(fixed("2026-11-10"), "a", 0, 1), stored(fixed("2026-11-11"), "a", 0, 2)];

    // Act
    const rows = rowsFromRollups(rollups, { epoch: 0, through: fixed("2026-11-10") });

    // Assert
    expect(rows).toEqual([row("a", fixed("2026-11-10T12"), 1)]);
    expect(hourlyFrom({ epoch: 0, through: fixed("2026-11-10") })).toBe(fixed("2026-11-11T00"));
  });

  it("ignores roll-ups of an older epoch: after a reset only roll-ups written since count", () => {
    // Arrange
    const rollups = [stored(fixed("2026-11-10"), "a", 1, 1), stored(fixed("2026-11-11"), "b", 2, 2)];

    // Act
    const rows = rowsFromRollups(rollups, { epoch: 2, through: fixed("2026-11-11") });

    // Assert
    expect(rows).toEqual([row("b", fixed("2026-11-11T12"), 2)]);
  });

  it("uses no roll-up without a watermark day, and then every hour is read hourly", () => {
    // Arrange
    const rollups = [stored(fixed("2026-11-10"), "a", 3, 1)];

    // Act / Assert
    expect(rowsFromRollups(rollups, undefined)).toEqual([]);
    expect(rowsFromRollups(rollups, { epoch: 3 })).toEqual([]);
    expect(hourlyFrom(undefined)).toBeUndefined();
    expect(hourlyFrom({ epoch: 3 })).toBeUndefined();
  });

  it("returns an arm that appears on a later day next to the others, in hour then arm order", () => {
    // Arrange
    const rollups = [
      stored(fixed("2026-11-11"), "new-arm", 0, 5),
      stored(fixed("2026-11-10"), "a", 0, 1),
      stored(fixed("2026-11-11"), "a", 0, 2),
    ];

    // Act
    const rows = rowsFromRollups(rollups, { epoch: 0, through: fixed("2026-11-11") });

    // Assert
    expect(rows.map((r) => `${r.hour} ${r.arm}`)).toEqual([
      `${fixed("2026-11-10T12")} a`,
      `${fixed("2026-11-11T12")} a`,
      `${fixed("2026-11-11T12")} new-arm`,
    ]);
  });
});

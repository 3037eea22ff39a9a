/**
 * Daily roll-ups of sealed days (docs/metrics.md §4.1), as pure logic: which days may be rolled up,
 * how a day's hourly rows become roll-ups, and which roll-ups a reader may use.
 *
 * An hour is **sealed** once it ended more than `sealAfterHours` ago: an event counts in the hour of
 * its own time, which is when its record was written, and the stream counter counts a record within
 * the stream's 24-hour retention, so nothing is added to an hour a day after it ended; the default
 * keeps a week's margin (repairs reset the roll-ups anyway). A UTC day is sealed when its last hour is.
 *
 * A roll-up keeps a sealed day's **hourly rows of one arm, summed over shards** (not one day sum):
 * the report's ratio tests take arm-hours as their units (cost per decision, time in queue), its
 * sample-ratio check stops at the last hour a paused arm enrolled, `period.hours` counts hours and
 * the run rate covers the last 168 hours. With the hours kept, the rows a reader gets from roll-ups
 * are the rows it would have summed from the hourly items, so every output is identical, and a
 * 30-day report reads ~60 items instead of 5,760 for the sealed part.
 */

import type { CounterRow } from "./read";

/** A week and 2 hours: far past the stream's 24-hour retention, so late counts never miss a roll-up. */
export const DEFAULT_SEAL_AFTER_HOURS = 7 * 24 + 2;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `2026-11-25T12` for the hour containing `ms`. */
export const hourAt = (ms: number) => new Date(ms).toISOString().slice(0, 13);
/** `2026-11-25` of `2026-11-25T12`. */
export const dayOf = (hour: string) => hour.slice(0, 10);
/** The UTC day `n` days after `day`. */
export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
/** The first hour of a day. */
export const startOf = (day: string) => `${day}T00`;

/** The first hour that can still change: every hour before it is sealed (ISO hours sort as strings). */
export function sealedUntil(now: Date, sealAfterHours = DEFAULT_SEAL_AFTER_HOURS): string {
  return hourAt(now.getTime() - sealAfterHours * HOUR_MS);
}

/** The last UTC day whose 24 hours are all sealed. */
export function lastSealedDay(now: Date, sealAfterHours = DEFAULT_SEAL_AFTER_HOURS): string {
  return addDays(dayOf(sealedUntil(now, sealAfterHours)), -1);
}

/**
 * "Every day up to `through` is rolled up", for roll-ups written in `epoch`. A reset (after counters
 * were rewritten) raises the epoch and drops `through`: older roll-ups are then ignored.
 */
export interface Watermark {
  epoch: number;
  through?: string;
}

/** What one roll-up run reads and where it moves the watermark. */
export interface RollupPlan {
  /** Read hourly rows from this hour on (absent: from the first)… */
  fromHour?: string;
  /** …up to, not including, this one. */
  beforeHour: string;
  /** The days read are rolled up through this one (the watermark's next value). */
  through: string;
}

/** The sealed days after the watermark, or undefined when every sealed day is rolled up already. */
export function planRollup(
  through: string | undefined,
  now: Date,
  sealAfterHours = DEFAULT_SEAL_AFTER_HOURS,
): RollupPlan | undefined {
  const last = lastSealedDay(now, sealAfterHours);
  if (through !== undefined && through >= last) return undefined;
  return {
    ...(through !== undefined ? { fromHour: startOf(addDays(through, 1)) } : {}),
    beforeHour: startOf(addDays(last, 1)),
    through: last,
  };
}

/** The hourly rows (summed over shards) of one arm on one sealed day. */
export interface DayRollup {
  day: string;
  arm: string;
  /** In hour order; hours without an item for the arm are absent (as in an hourly read). */
  rows: CounterRow[];
}

/**
 * One roll-up per (day, arm) with data, from the hourly rows a plan read. Rows outside the plan are
 * left out (they are not sealed, or already rolled up). Days without data get no roll-up; the
 * watermark still covers them.
 */
export function rollUpDays(rows: readonly CounterRow[], plan: RollupPlan): DayRollup[] {
  const byKey = new Map<string, DayRollup>();
  const inPlan = (hour: string) =>
    (plan.fromHour === undefined || hour >= plan.fromHour) && hour < plan.beforeHour;
  for (const row of [...rows].sort((a, b) => a.hour.localeCompare(b.hour))) {
    if (!inPlan(row.hour)) continue;
    const day = dayOf(row.hour);
    const key = `${day}\u0000${row.arm}`;
    const rollup = byKey.get(key) ?? { day, arm: row.arm, rows: [] };
    rollup.rows.push({ arm: row.arm, hour: row.hour, counters: { ...row.counters } });
    byKey.set(key, rollup);
  }
  return [...byKey.values()].sort((a, b) => a.day.localeCompare(b.day) || a.arm.localeCompare(b.arm));
}

/** A stored roll-up: its rows and the epoch it was written in. */
export interface StoredRollup extends DayRollup {
  epoch: number;
}

/**
 * The rows a reader takes from roll-ups: only those of the watermark's epoch, up to its day. A
 * roll-up after the watermark (a run that wrote it and has not moved the watermark yet) is ignored,
 * so no day is counted twice: the reader reads those days' hourly items instead.
 */
export function rowsFromRollups(
  rollups: readonly StoredRollup[],
  watermark: Watermark | undefined,
): CounterRow[] {
  const through = watermark?.through;
  if (!watermark || through === undefined) return [];
  return rollups
    .filter((r) => r.epoch === watermark.epoch && r.day <= through)
    .flatMap((r) => r.rows)
    .sort((a, b) => a.hour.localeCompare(b.hour) || a.arm.localeCompare(b.arm));
}

/** The first hour a reader must read hourly items from, given the watermark (undefined: all of them). */
export function hourlyFrom(watermark: Watermark | undefined): string | undefined {
  return watermark?.through === undefined ? undefined : startOf(addDays(watermark.through, 1));
}

/** What one roll-up run did (the guardrail run logs it; `hitl metrics rollup` prints it). */
export interface RollupResult {
  experimentId: string;
  /** Days now rolled up through (the watermark), if any. */
  through?: string;
  /** Roll-ups (day, arm) written by this run. */
  rollups: number;
  /** Items written (a roll-up too large for one item is split by hours). */
  items: number;
  /**
   * `rolled-up`: the watermark moved; `up-to-date`: nothing newly sealed; `superseded`: a reset or
   * another writer moved the watermark first (nothing stale can be read either way).
   */
  outcome: "rolled-up" | "up-to-date" | "superseded";
}

/** Writes the roll-ups of an experiment's newly sealed days (the metrics store). */
export interface RollupWriter {
  rollUp(experimentId: string): Promise<RollupResult>;
}

/**
 * The tests' clocks, in two kinds:
 *
 * - Fixture times (`fixed`, `fixedDate`, `fixedMs`, `manualClock`): fixed moments for pure code, so
 *   expectations are exact. `HITL_TEST_SHIFT_DAYS=N` moves every one of them N whole days (the time of
 *   day is kept), so a test that hands a fixture time to something running on the real clock (DynamoDB
 *   Local's TTL sweeper, a lease, a timer, `Date.now()` in the code) fails on the day it is written,
 *   not on the day its date goes by.
 * - Real times (`realNow`, `realHourStart`): for tests against real services; never shifted.
 */

export const SHIFT_ENV = "HITL_TEST_SHIFT_DAYS";

const DAY_MS = 86_400_000;
/** About a century each way: far enough to catch any time bomb, near enough for ISO years of 4 digits. */
const MAX_SHIFT_DAYS = 36_500;
const FIXTURE =
  /^(\d{4})-(\d{2})-(\d{2})(T\d{2}(?::\d{2}(?::\d{2}(?:\.\d{1,3})?)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** The shift in whole days that `env` asks for (0 when unset); anything else fails with a clear error. */
export function shiftDays(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[SHIFT_ENV];
  if (raw === undefined || raw.trim() === "") return 0;
  const days = Number(raw);
  if (!/^\s*[+-]?\d+\s*$/.test(raw) || Math.abs(days) > MAX_SHIFT_DAYS) {
    throw new Error(
      `${SHIFT_ENV} must be a whole number of days between -${MAX_SHIFT_DAYS} and ${MAX_SHIFT_DAYS}, got "${raw}"`,
    );
  }
  return days;
}

const SHIFT = shiftDays();

/** Moves a fixture's calendar date by `days`, keeping the rest of the text (time of day, zone) as it is. */
export function shiftFixture(text: string, days: number): string {
  const match = FIXTURE.exec(text);
  if (!match) {
    throw new Error(
      `not a fixture time: "${text}" (want YYYY-MM-DD, optionally followed by Thh[:mm[:ss[.sss]]][Z])`,
    );
  }
  const [, year, month, day, rest = ""] = match;
  const start = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const date = new Date(start);
  if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1) {
    throw new Error(`not a calendar date: "${text}"`);
  }
  return new Date(start + days * DAY_MS).toISOString().slice(0, 10) + rest;
}

/** A fixture time in the format it is written in (a date, an hour, a full ISO time...), shifted. */
export function fixed(text: string): string {
  return shiftFixture(text, SHIFT);
}

/** A fixture time as a Date, shifted. */
export function fixedDate(text: string): Date {
  return new Date(fixedMs(text));
}

/** A fixture time in epoch milliseconds, shifted; a date or hour alone means its start, in UTC. */
export function fixedMs(text: string): number {
  let shifted = fixed(text);
  if (shifted.length === 10) shifted += "T00";
  if (shifted.length === 13) shifted += ":00";
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(shifted)) shifted += "Z";
  return Date.parse(shifted);
}

/** A clock tests move by hand, starting at a fixture time. */
export function manualClock(start = "2026-11-25T12:00:00.000Z") {
  let now = fixedMs(start);
  return {
    now: () => new Date(now),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

/** The real clock, for tests against real services (never shifted). */
export function realNow(): Date {
  return new Date();
}

/** The start of the real clock's hour `hoursBack` hours ago (0: the current hour). */
export function realHourStart(hoursBack = 0, now = Date.now()): Date {
  return new Date(Math.floor(now / 3_600_000) * 3_600_000 - hoursBack * 3_600_000);
}

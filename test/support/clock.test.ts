import { describe, expect, it } from "vitest";
import {
  fixed,
  fixedDate,
  fixedMs,
  manualClock,
  realHourStart,
  SHIFT_ENV,
  shiftDays,
  shiftFixture,
} from "./clock";

describe("the fixture clock", () => {
  it("moves a fixture's date by whole days and keeps the format it was written in", () => {
    expect(shiftFixture("2026-11-25", 365)).toBe("2027-11-25");
    expect(shiftFixture("2026-11-25T15", -365)).toBe("2025-11-25T15");
    expect(shiftFixture("2026-12-31T23:59", 1)).toBe("2027-01-01T23:59");
    expect(shiftFixture("2028-03-01T00:00:00.000Z", -1)).toBe("2028-02-29T00:00:00.000Z");
    expect(shiftFixture("2026-11-25T12:00:00+02:00", 0)).toBe("2026-11-25T12:00:00+02:00");
  });

  it("refuses text that is not a fixture time, naming it", () => {
    expect(() => shiftFixture("25/11/2026", 1)).toThrow('not a fixture time: "25/11/2026"');
    expect(() => shiftFixture("2026-02-30", 1)).toThrow('not a calendar date: "2026-02-30"');
  });

  it("reads the shift from the environment and refuses anything but whole days", () => {
    expect(shiftDays({})).toBe(0);
    expect(shiftDays({ [SHIFT_ENV]: "365" })).toBe(365);
    expect(shiftDays({ [SHIFT_ENV]: "-365" })).toBe(-365);
    expect(() => shiftDays({ [SHIFT_ENV]: "1.5" })).toThrow(`${SHIFT_ENV} must be a whole number of days`);
    expect(() => shiftDays({ [SHIFT_ENV]: "a year" })).toThrow('got "a year"');
    expect(() => shiftDays({ [SHIFT_ENV]: "99999" })).toThrow(SHIFT_ENV);
  });

  it("gives the same moment as text, Date and milliseconds, shifted by this run's days", () => {
    const days = shiftDays();
    const expected = Date.parse("2026-11-25T12:00:00.000Z") + days * 86_400_000;
    expect(fixedMs("2026-11-25T12:00:00.000Z")).toBe(expected);
    expect(fixedMs("2026-11-25T12")).toBe(expected);
    expect(fixedMs("2026-11-25")).toBe(expected - 12 * 3_600_000);
    expect(fixedDate("2026-11-25T12:00").getTime()).toBe(expected);
    expect(Date.parse(fixed("2026-11-25T12:00:00.000Z"))).toBe(expected);
  });

  it("starts a manual clock at a fixture time and moves it only when told", () => {
    const clock = manualClock("2026-11-25T12:00:00.000Z");
    const start = clock.now().getTime();
    clock.advance(90);
    expect(start).toBe(fixedMs("2026-11-25T12:00:00.000Z"));
    expect(clock.now().getTime() - start).toBe(90_000);
  });
});

describe("the real clock", () => {
  it("gives the start of an hour counted back from now", () => {
    const now = fixedMs("2026-11-25T15:20:00.000Z");
    expect(realHourStart(0, now).getTime()).toBe(fixedMs("2026-11-25T15"));
    expect(realHourStart(3, now).getTime()).toBe(fixedMs("2026-11-25T12"));
  });
});

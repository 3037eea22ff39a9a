import { describe, expect, it } from "vitest";
import { historyRows, seriesName, timeLabels, windowQuery } from "../../app/src/queue-history";
import type { QueueHistory } from "../../core/review/queue-history";
import { fixed, fixedMs } from "../support/clock";

const point = (at: string, depth: number, oldestAgeSeconds = 0, nearSla = 0, pastSla = 0) => ({
  at: fixed(at),
  depth,
  oldestAgeSeconds,
  nearSla,
  pastSla,
});

const history = (since: string, until: string, points: ReturnType<typeof point>[]): QueueHistory => ({
  since: fixed(since),
  until: fixed(until),
  stepSeconds: 300,
  queues: [{ queue: "claims.tier-2", tier: "tier-2", points }],
});

describe("the queues page's history", () => {
  it("asks for a window ending now", () => {
    const now = fixedMs("2026-11-25T12:00:00.000Z");

    expect(windowQuery("6h", now)).toEqual({
      since: fixed("2026-11-25T06:00:00.000Z"),
      until: fixed("2026-11-25T12:00:00.000Z"),
    });
  });

  it("labels times by the minute within a day and with the date over longer windows", () => {
    const day = history("2026-11-25T11:00:00.000Z", "2026-11-25T12:00:00.000Z", [
      point("2026-11-25T11:05:00.000Z", 1),
    ]);
    const week = history("2026-11-18T12:00:00.000Z", "2026-11-25T12:00:00.000Z", [
      point("2026-11-25T11:00:00.000Z", 1),
    ]);

    expect(timeLabels(day)).toEqual(["11:05"]);
    expect(timeLabels(week)).toEqual([`${fixed("2026-11-25").slice(5, 10)} 11:00`]);
  });

  it("lists the points newest first, with no age for an empty queue", () => {
    const h = history("2026-11-25T11:00:00.000Z", "2026-11-25T12:00:00.000Z", [
      point("2026-11-25T11:05:00.000Z", 0),
      point("2026-11-25T11:10:00.000Z", 3, 125, 1, 1),
    ]);

    expect(historyRows(h, h.queues[0] ?? { queue: "", tier: "", points: [] })).toEqual([
      ["11:10", "3", "2 min", "1", "1"],
      ["11:05", "0", "–", "0", "0"],
    ]);
    expect(seriesName({ queue: "claims.tier-2", tier: "tier-2" })).toBe("claims.tier-2 (tier-2)");
  });
});

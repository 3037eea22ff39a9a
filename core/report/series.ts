import { type ArmMetrics, armMetrics, type CounterRow, foldRows, type ReadOptions } from "../metrics/read";

/** Hours of the report's hourly series: two days, what a young experiment is read by. */
export const HOURLY_SERIES_HOURS = 48;

/**
 * Per (arm, UTC hour) metrics over the last `hours` hours with data, ending at the latest one; the
 * counters are hourly already, so this is exact. Sorted by hour, then arm.
 */
export function hourlyMetrics(
  rows: readonly CounterRow[],
  options: ReadOptions,
  hours = HOURLY_SERIES_HOURS,
): ArmMetrics[] {
  const last = rows
    .map((row) => row.hour)
    .sort()
    .at(-1);
  if (!last) return [];
  const from = new Date(Date.parse(`${last}:00:00Z`) - (hours - 1) * 3_600_000).toISOString().slice(0, 13);
  const recent = rows.filter((row) => row.hour >= from);
  return [...foldRows(recent, (hour) => hour)]
    .map(([id, counters]) => {
      const [arm = "", hour = ""] = id.split("\u0000");
      return armMetrics(arm, hour, counters, options);
    })
    .sort((a, b) => a.period.localeCompare(b.period) || a.arm.localeCompare(b.arm));
}

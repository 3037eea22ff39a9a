/**
 * Each comparison's sequential interval as it stood at the end of every hour or day with data: the
 * comparison run again on the counter rows up to that period, with the same functions as the report.
 * The sequence is valid however often it is read, so the line it draws may be watched.
 */
import { addCounters, type Counters } from "../metrics/counters";
import { armMetrics, type CounterRow, type ReadOptions } from "../metrics/read";
import { armData, compareMetric } from "./compare";
import { HOURLY_SERIES_HOURS } from "./series";
import { METRIC_IDS, type MetricId, type Num, type Range, type ReportOptions } from "./types";

export interface SequentialPoint {
  /** UTC hour ("2026-11-25T14") or day ("2026-11-25"): the data up to its end. */
  period: string;
  difference: Num;
  ci: Range;
}

export interface SequentialSeries {
  grain: "hour" | "day";
  metrics: { metric: MetricId; points: SequentialPoint[] }[];
}

/** By hour while the data spans at most two UTC days (the last 48 hours with data), by day later. */
export function sequentialGrain(rows: readonly CounterRow[]): "hour" | "day" {
  return new Set(rows.map((r) => r.hour.slice(0, 10))).size <= 2 ? "hour" : "day";
}

/** The sequential interval of every metric of `treatment` against `control`, at each period's end. */
export function sequentialOverTime(input: {
  control: string;
  treatment: string;
  rows: readonly CounterRow[];
  read: ReadOptions;
  options: ReportOptions;
}): SequentialSeries {
  const { control, treatment, read, options } = input;
  const rows = input.rows.filter((r) => r.arm === control || r.arm === treatment);
  const grain = sequentialGrain(input.rows);
  const periodOf = (hour: string) => (grain === "hour" ? hour : hour.slice(0, 10));
  const periods = [...new Set(rows.map((r) => periodOf(r.hour)))].sort();
  const shown = grain === "hour" ? periods.slice(-HOURLY_SERIES_HOURS) : periods;
  const points = new Map<MetricId, SequentialPoint[]>(METRIC_IDS.map((id) => [id, []]));
  // Each arm's run metrics from its own rows up to the period, summed as experimentMetrics sums them.
  const data = (arm: string, period: string) => {
    const upTo = rows.filter((r) => r.arm === arm && periodOf(r.hour) <= period);
    const counters: Counters = {};
    for (const row of upTo) addCounters(counters, row.counters);
    return armData(armMetrics(arm, "run", counters, read), upTo, read);
  };
  for (const period of shown) {
    const [a, b] = [data(control, period), data(treatment, period)];
    for (const id of METRIC_IDS) {
      const compared = compareMetric(id, a, b, options);
      points.get(id)?.push({ period, difference: compared.difference, ci: compared.sequential.ci });
    }
  }
  return { grain, metrics: METRIC_IDS.map((metric) => ({ metric, points: points.get(metric) ?? [] })) };
}

/**
 * The app's pure parts: formatting, config diffs, which series grain to show, chart series from a
 * report. No DOM, so unit tests run in Node and the project's type check covers them.
 */
import type { Experiment } from "../../core/experiments/schema";
import type { ExperimentReport, Num, Range } from "../../core/report/types";

/** Experiments this young (in UTC days with data) get hourly series; older ones daily. */
export const HOURLY_UP_TO_DAYS = 2;

const dash = "–";

/** `0.1834` → `18.3%`; null → `–`. */
export function formatRate(value: Num | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? dash
    : `${(value * 100).toFixed(digits)}%`;
}

/** `[0.16, 0.2]` → `16.0–20.0%`; an open end shows as `–`. */
export function formatRateRange(range: Range | undefined): string {
  if (!range) return dash;
  const [lower, upper] = range;
  if (lower === null && upper === null) return dash;
  return `${lower === null ? "…" : (lower * 100).toFixed(1)} to ${upper === null ? "…" : (upper * 100).toFixed(1)}%`;
}

/** US dollars with enough digits for a per-decision price: `$0.0512`, `$12.40`. */
export function formatUsd(value: Num | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash;
  const abs = Math.abs(value);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 5 : abs < 1 ? 4 : 2;
  return `${value < 0 ? "−" : ""}$${abs.toFixed(digits)}`;
}

/** A signed difference of rates in percentage points: `+18.2 pp`. */
export function formatPoints(value: Num | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return dash;
  const points = value * 100;
  return `${points >= 0 ? "+" : "−"}${Math.abs(points).toFixed(1)} pp`;
}

/** `1234567` → `1,234,567`. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/** Time since `iso` at `nowMs`, coarse: `45 s`, `12 min`, `5 h`, `3 d`. */
export function formatAgeSince(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (!Number.isFinite(seconds)) return dash;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** Whether the report's series read best by hour (a young experiment) or by day. */
export function seriesGrain(report: Pick<ExperimentReport, "period">): "hour" | "day" {
  return report.period.days <= HOURLY_UP_TO_DAYS ? "hour" : "day";
}

export interface ArmSeries {
  arm: string;
  values: Num[];
  lower: Num[];
  upper: Num[];
}

export interface Series {
  grain: "hour" | "day";
  /** One label per period: `2026-11-25` or `2026-11-25 14:00`. */
  labels: string[];
  automation: ArmSeries[];
  costPerDecision: ArmSeries[];
  decisions: ArmSeries[];
}

interface PeriodRow {
  arm: string;
  period: string;
  decisions: number;
  automationRate: { value: Num; interval: Range };
  cost: { perDecision: { total: Num } };
}

/** The report's daily or hourly rows as one series per arm over a shared axis of periods. */
export function seriesOf(report: Pick<ExperimentReport, "period" | "daily" | "hourly" | "arms">): Series {
  const grain = seriesGrain(report);
  const rows: PeriodRow[] =
    grain === "hour"
      ? report.hourly.map((r) => ({ ...r, period: r.hour }))
      : report.daily.map((r) => ({ ...r, period: r.day }));
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const arms = report.arms.map((a) => a.arm);
  const at = new Map(rows.map((r) => [`${r.arm}\u0000${r.period}`, r]));
  const series = (pick: (row: PeriodRow) => [Num, Num, Num]): ArmSeries[] =>
    arms.map((arm) => {
      const points = periods.map((p) => {
        const row = at.get(`${arm}\u0000${p}`);
        return row ? pick(row) : ([null, null, null] as [Num, Num, Num]);
      });
      return {
        arm,
        values: points.map((p) => p[0]),
        lower: points.map((p) => p[1]),
        upper: points.map((p) => p[2]),
      };
    });
  return {
    grain,
    labels: periods.map((p) => (grain === "hour" ? `${p.slice(0, 10)} ${p.slice(11, 13)}:00` : p)),
    automation: series((r) => [
      r.automationRate.value,
      r.automationRate.interval[0],
      r.automationRate.interval[1],
    ]),
    costPerDecision: series((r) => [r.cost.perDecision.total, null, null]),
    decisions: series((r) => [r.decisions, null, null]),
  };
}

export interface ConfigChange {
  /** Dot path with array indexes, e.g. `arms[1].policy.autoAcceptAbove`. */
  path: string;
  before: unknown;
  after: unknown;
}

/** Bookkeeping fields every version changes. */
const NOT_CONFIG = new Set(["version", "createdAt", "updatedAt"]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What changed from one config to the next, leaf by leaf (absent = undefined). */
export function diffConfigs(before: unknown, after: unknown, path = ""): ConfigChange[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffConfigs(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys
      .filter((key) => !(path === "" && NOT_CONFIG.has(key)))
      .flatMap((key) => diffConfigs(before[key], after[key], path ? `${path}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || "(whole)", before, after }];
}

/** A value in a diff, short: strings quoted, objects as JSON, absent as `(none)`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(none)";
  return JSON.stringify(value);
}

export interface ExperimentSummary {
  id: string;
  status: string;
  arms: string;
  age: string;
  decisions: number | null;
  headline: string;
  warnings: string[];
}

/** One row of the experiments list; `report` undefined when it could not be read. */
export function experimentSummary(
  experiment: Pick<Experiment, "id" | "status" | "arms" | "createdAt" | "control">,
  report: Pick<ExperimentReport, "arms" | "recommendation" | "warnings"> | undefined,
  nowMs: number,
): ExperimentSummary {
  return {
    id: experiment.id,
    status: experiment.status,
    arms: experiment.arms
      .map(
        (a) =>
          `${a.id}${a.id === experiment.control ? " (control)" : ""} ${Math.round(a.weight * 100)}%${a.paused ? " paused" : ""}`,
      )
      .join(", "),
    age: formatAgeSince(experiment.createdAt, nowMs),
    decisions: report ? report.arms.reduce((sum, a) => sum + a.decisions, 0) : null,
    headline: report?.recommendation.headline ?? "no report",
    warnings: report?.warnings.map((w) => w.message) ?? [],
  };
}
export const apiBaseOf = (pathname: string): string => pathname.replace(/app\/?$/, "");

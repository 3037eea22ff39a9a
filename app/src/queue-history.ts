/** The queues' history on the Queues page: the pure parts (windows, labels, table rows). */
import { formatAge } from "../../console/src/logic";
import type { QueueHistory, QueueHistorySeries } from "../../core/review/queue-history";

export type { QueueHistory, QueueHistorySeries };

export const HISTORY_WINDOWS = [
  { id: "6h", hours: 6, label: "last 6 hours" },
  { id: "24h", hours: 24, label: "last 24 hours" },
  { id: "7d", hours: 168, label: "last 7 days" },
] as const;
export type HistoryWindowId = (typeof HISTORY_WINDOWS)[number]["id"];

/** The API query for a window ending now. */
export function windowQuery(id: HistoryWindowId, nowMs: number): { since: string; until: string } {
  const hours = HISTORY_WINDOWS.find((w) => w.id === id)?.hours ?? 24;
  return { since: new Date(nowMs - hours * 3_600_000).toISOString(), until: new Date(nowMs).toISOString() };
}

/** A series' name on the page: the queue and, when the name does not say it, the tier. */
export const seriesName = (s: Pick<QueueHistorySeries, "queue" | "tier">) => `${s.queue} (${s.tier})`;

/** UTC times: `14:05` within a day, `12-03 14:00` over longer windows. */
export function timeLabels(history: QueueHistory): string[] {
  const times = history.queues[0]?.points.map((p) => p.at) ?? [];
  const long = Date.parse(history.until) - Date.parse(history.since) > 86_400_000;
  return times.map((at) => (long ? `${at.slice(5, 10)} ${at.slice(11, 16)}` : at.slice(11, 16)));
}

/** One table row per point, newest first: time, waiting, oldest age, near SLA, past SLA. */
export function historyRows(history: QueueHistory, series: QueueHistorySeries): string[][] {
  const labels = timeLabels(history);
  return series.points
    .map((p, i) => [
      labels[i] ?? p.at,
      String(p.depth),
      p.depth === 0 ? "–" : formatAge(p.oldestAgeSeconds),
      String(p.nearSla),
      String(p.pastSla),
    ])
    .reverse();
}

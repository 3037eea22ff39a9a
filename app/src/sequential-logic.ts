/** Each comparison's sequential interval over time: the pure parts (labels, table rows, chart lines). */
import type { Comparison, MetricId } from "../../core/report/types";
import { formatPoints } from "./logic";

/** The two rates a decision turns on: how much is automated and how good the answers are. */
export const SEQUENTIAL_METRICS: readonly { id: MetricId; label: string }[] = [
  { id: "automationRate", label: "automation rate" },
  { id: "decisionQuality", label: "quality at decision time" },
];

/** `2026-11-25T14` → `11-25 14:00`; a day stays as it is. */
export const periodLabel = (period: string) =>
  period.length > 10 ? `${period.slice(5, 10)} ${period.slice(11, 13)}:00` : period;

const pointsOf = (c: Comparison, id: MetricId) =>
  c.sequentialOverTime?.metrics.find((m) => m.metric === id)?.points ?? [];

/** The periods of a comparison's series, labelled. */
export function sequentialLabels(c: Comparison): string[] {
  return (c.sequentialOverTime?.metrics[0]?.points ?? []).map((p) => periodLabel(p.period));
}

/** One line per metric: the difference and its sequential interval at each period's end. */
export function sequentialLines(c: Comparison) {
  return SEQUENTIAL_METRICS.map(({ id, label }) => {
    const points = pointsOf(c, id);
    return {
      label,
      values: points.map((p) => p.difference),
      lower: points.map((p) => p.ci[0]),
      upper: points.map((p) => p.ci[1]),
    };
  });
}

/** Table rows, newest first: the period, then each metric's difference and interval. */
export function sequentialRows(c: Comparison): string[][] {
  const labels = sequentialLabels(c);
  const lines = SEQUENTIAL_METRICS.map(({ id }) => pointsOf(c, id));
  return labels
    .map((label, i) => [
      label,
      ...lines.flatMap((points) => {
        const p = points[i];
        return [formatPoints(p?.difference), `${formatPoints(p?.ci[0])} to ${formatPoints(p?.ci[1])}`];
      }),
    ])
    .reverse();
}

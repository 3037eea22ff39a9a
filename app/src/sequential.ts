/** A comparison's sequential interval over time: its chart with the same numbers in a table beside. */
import type { Comparison } from "../../core/report/types";
import { sequentialOverTime } from "./charts";
import { chartCanvas, h, table } from "./dom";
import { SEQUENTIAL_METRICS, sequentialLabels, sequentialLines, sequentialRows } from "./sequential-logic";

/** The comparison's sequential interval of automation and decision-time quality at each period's end. */
export function sequentialPart(c: Comparison): { element: HTMLElement | false; draw: () => void } {
  const labels = sequentialLabels(c);
  if (!c.sequentialOverTime || labels.length === 0) return { element: false, draw: () => undefined };
  const grain = c.sequentialOverTime.grain;
  const chart = chartCanvas(
    `chart-sequential-${c.arm}`,
    `${c.arm} against ${c.control}: the difference in automation rate and in quality at decision time by ${grain}, with its sequential interval`,
  );
  const element = h(
    "div",
    { class: "history-pair" },
    h("div", {}, h("h4", {}, `Sequential interval by ${grain}`), chart.box),
    table(
      `${c.arm} against ${c.control}: the sequential interval at the end of each ${grain}, newest first (UTC)`,
      [
        { title: grain === "hour" ? "Hour (UTC)" : "Day (UTC)" },
        ...SEQUENTIAL_METRICS.flatMap((m) => [
          { title: `Δ ${m.label}`, num: true },
          { title: "Sequential CI", num: true },
        ]),
      ],
      sequentialRows(c),
      { id: `sequential-table-${c.arm}` },
    ),
  );
  return { element, draw: () => sequentialOverTime(chart.canvas, labels, sequentialLines(c)) };
}

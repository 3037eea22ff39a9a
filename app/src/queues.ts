/** Queues: every review queue and tier with its waiting items, oldest age and SLA state (admin, reviewer). */
import { formatAge } from "../../console/src/logic";
import type { QueueStat } from "../../console/src/types";
import { type Api, ApiError } from "./api";
import { queueDepths, queueHistoryDepth, queueHistorySla } from "./charts-queues";
import { chartCanvas, h, table } from "./dom";
import type { View } from "./experiments";
import {
  HISTORY_WINDOWS,
  type HistoryWindowId,
  historyRows,
  type QueueHistory,
  seriesName,
  timeLabels,
  windowQuery,
} from "./queue-history";

/** `claims.tier-2` → queue `claims`, tier `tier-2`; a first-tier queue has no suffix. */
export function queueAndTier(name: string): { queue: string; tier: string } {
  const dot = name.indexOf(".");
  return dot < 0 ? { queue: name, tier: "first" } : { queue: name.slice(0, dot), tier: name.slice(dot + 1) };
}

export async function queuesPage(api: Api): Promise<View> {
  const head = h("h2", { id: "page-title", tabindex: "-1" }, "Queues");
  let stats: QueueStat[];
  try {
    stats = await api.queues();
  } catch (error) {
    if (error instanceof ApiError && error.status === 403)
      return {
        element: h(
          "section",
          { class: "card" },
          head,
          h("p", { id: "queues-refused" }, `${error.message}: the queues need the admin or reviewer role.`),
        ),
      };
    throw error;
  }
  const chart = chartCanvas("chart-queues", "Waiting items per queue, split by SLA state");
  const rows = stats.map((s) => {
    const { queue, tier } = queueAndTier(s.queue);
    return [
      s.queue,
      queue,
      tier,
      String(s.depth),
      formatAge(s.oldestAgeSeconds),
      String(s.nearSla),
      String(s.pastSla),
    ];
  });
  const element = h(
    "div",
    {},
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      head,
      stats.length === 0
        ? h("p", {}, "No items are waiting.")
        : table(
            "Review queues with their waiting items, oldest age and SLA state",
            [
              { title: "Queue name" },
              { title: "Queue" },
              { title: "Tier" },
              { title: "Waiting", num: true },
              { title: "Oldest", num: true },
              { title: "Near SLA", num: true },
              { title: "Past SLA", num: true },
            ],
            rows,
            { id: "queues-table" },
          ),
    ),
    stats.length > 0 &&
      h(
        "section",
        { class: "card", "aria-label": "Waiting items per queue" },
        h("h3", {}, "Waiting items"),
        chart.box,
      ),
  );
  const history = historySection(api);
  element.append(history.element);
  return {
    element,
    mounted: () => {
      if (stats.length > 0) queueDepths(chart.canvas, stats);
      void history.load();
    },
  };
}

/**
 * Every queue and tier over a window (`GET /v1/queues/history`): waiting items per queue, and for
 * the chosen one its SLA states and oldest age, charted with its numbers in a table beside.
 */
function historySection(api: Api): { element: HTMLElement; load: () => Promise<void> } {
  const windowSelect = h(
    "select",
    { id: "history-window" },
    ...HISTORY_WINDOWS.map((w) =>
      h("option", w.id === "24h" ? { value: w.id, selected: "" } : { value: w.id }, w.label),
    ),
  );
  const seriesSelect = h("select", { id: "history-series" });
  const status = h("p", { id: "history-status", role: "status" }, "Loading the queues' history…");
  const depth = chartCanvas("chart-queue-history", "Waiting items per queue and tier over time");
  const sla = chartCanvas(
    "chart-queue-sla",
    "One queue and tier over time: waiting items by SLA state and the oldest item's age",
  );
  const tableBox = h("div", { id: "history-table-box" });
  const body = h("div", { hidden: "" });
  let history: QueueHistory | undefined;

  const drawSeries = () => {
    const series = history?.queues[Number(seriesSelect.value)];
    if (!history || !series) return;
    queueHistorySla(sla.canvas, timeLabels(history), series.points);
    tableBox.replaceChildren(
      table(
        `${seriesName(series)} over time, newest first (UTC)`,
        [
          { title: "Time (UTC)" },
          { title: "Waiting", num: true },
          { title: "Oldest", num: true },
          { title: "Near SLA", num: true },
          { title: "Past SLA", num: true },
        ],
        historyRows(history, series),
        { id: "history-table" },
      ),
    );
  };
  const load = async () => {
    status.textContent = "Loading the queues' history…";
    try {
      history = await api.queueHistory(windowQuery(windowSelect.value as HistoryWindowId, Date.now()));
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : String(error);
      body.hidden = true;
      return;
    }
    const steps = history.stepSeconds >= 3600 ? "hourly" : "every 5 minutes";
    status.textContent =
      history.queues.length === 0
        ? "No item waited in any queue you may see in this window."
        : `${history.queues.length} queues and tiers, ${steps}, up to ${history.until.slice(11, 16)} UTC.`;
    body.hidden = history.queues.length === 0;
    if (history.queues.length === 0) return;
    const keep = seriesSelect.value;
    seriesSelect.replaceChildren(
      ...history.queues.map((q, i) => h("option", { value: String(i) }, seriesName(q))),
    );
    if (keep && Number(keep) < history.queues.length) seriesSelect.value = keep;
    const labels = timeLabels(history);
    queueHistoryDepth(
      depth.canvas,
      labels,
      history.queues.map((q) => ({ name: seriesName(q), depth: q.points.map((p) => p.depth) })),
    );
    drawSeries();
  };
  windowSelect.addEventListener("change", () => void load());
  seriesSelect.addEventListener("change", drawSeries);
  body.append(
    h("h4", {}, "Waiting items per queue and tier"),
    depth.box,
    h("label", { for: "history-series" }, "Queue and tier "),
    seriesSelect,
    h("div", { class: "history-pair" }, h("div", {}, sla.box), tableBox),
  );
  const element = h(
    "section",
    { class: "card", "aria-labelledby": "history-title" },
    h("h3", { id: "history-title" }, "Over time"),
    h(
      "p",
      {},
      "Counted from each item's own history (its rounds, claims, verdicts and escalations), so any past moment reads the same as it did live.",
    ),
    h("label", { for: "history-window" }, "Window "),
    windowSelect,
    status,
    body,
  );
  return { element, load };
}

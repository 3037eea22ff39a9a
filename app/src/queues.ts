/** Queues: every review queue and tier with its waiting items, oldest age and SLA state (admin, reviewer). */
import { formatAge } from "../../console/src/logic";
import type { QueueStat } from "../../console/src/types";
import { type Api, ApiError } from "./api";
import { queueDepths } from "./charts";
import { chartCanvas, h, table } from "./dom";
import type { View } from "./experiments";

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
  return { element, mounted: () => (stats.length > 0 ? queueDepths(chart.canvas, stats) : undefined) };
}

/**
 * Finance: cost per decision per arm and day by component, totals, the 30-day projection, and the
 * CSV download. The table and the CSV are rendered by the CLI's own functions
 * (`hitl report --finance`), so the page and the command can never disagree.
 */
import { financeTable, renderFinanceCsv } from "../../cli/render/finance";
import type { ExperimentReport } from "../../core/report/types";
import type { Api } from "./api";
import { dailyCostByComponent } from "./charts";
import { type Child, chartCanvas, h, table } from "./dom";
import type { View } from "./experiments";
import { formatCount, formatUsd } from "./logic";

function picker(ids: string[], current: string): HTMLElement {
  const select = h(
    "select",
    { id: "finance-experiment" },
    ...ids.map((id) => {
      const option = h("option", { value: id }, id);
      if (id === current) option.selected = true;
      return option;
    }),
  );
  select.addEventListener("change", () => {
    location.hash = `#/finance/${encodeURIComponent(select.value)}`;
  });
  return h("div", {}, h("label", { for: "finance-experiment" }, "Experiment"), select);
}

function download(report: ExperimentReport): HTMLElement {
  const button = h("button", { type: "button", id: "finance-csv" }, "Download CSV");
  button.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([renderFinanceCsv(report)], { type: "text/csv" }));
    const link = h("a", { href: url, download: `${report.experimentId}-finance.csv` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  return button;
}

export async function financePage(api: Api, id: string | undefined): Promise<View> {
  const experiments = await api.experiments();
  const chosen = id ?? experiments[0]?.id;
  const head = h("h2", { id: "page-title", tabindex: "-1" }, "Finance");
  if (!chosen) return { element: h("section", { class: "card" }, head, h("p", {}, "No experiments yet.")) };
  const report = await api.report(chosen);
  const totals = financeTable(report);
  const chart = chartCanvas("chart-finance", "Cost per decision by day, per arm, stacked by component");
  const rows: Child[][] = report.daily.map((d) => [
    `${d.day} ${d.arm}`,
    formatCount(d.decisions),
    formatUsd(d.cost.perDecision.model),
    formatUsd(d.cost.perDecision.human),
    formatUsd(d.cost.perDecision.infrastructure),
    formatUsd(d.cost.perDecision.total),
    formatUsd(d.cost.totalUsd),
  ]);
  const element = h(
    "div",
    {},
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      head,
      picker(
        experiments.map((e) => e.id),
        chosen,
      ),
      h(
        "p",
        { class: "meta" },
        `Projection at the volume and cost of the last ${report.finance.windowHours} hours with data, × ${report.finance.daysPerMonth} days.`,
      ),
      table(
        "Spend per arm and in all, per decision, and the projection",
        totals.header.map((title, i) => ({ title, num: i > 0 })),
        totals.rows.map((row) => [...row]),
        { id: "finance-totals" },
      ),
      download(report),
    ),
    h(
      "section",
      { class: "card", "aria-label": "Cost per decision by day" },
      h("h3", {}, "Cost per decision by day"),
      chart.box,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "finance-daily-title" },
      h("h3", { id: "finance-daily-title" }, "By day and arm"),
      table(
        "Cost per decision per UTC day and arm, by component",
        [
          { title: "Day, arm" },
          { title: "Decisions", num: true },
          { title: "Model $/dec", num: true },
          { title: "Human $/dec", num: true },
          { title: "Infra $/dec", num: true },
          { title: "Total $/dec", num: true },
          { title: "Spend", num: true },
        ],
        rows,
        { id: "finance-daily" },
      ),
    ),
  );
  return { element, mounted: () => dailyCostByComponent(chart.canvas, report) };
}

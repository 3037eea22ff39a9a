/** ML: corrections produced and acknowledged per stage and model version, closure over time, the export (ml role). */
import type { FeedbackRecord } from "../../core/feedback/record";
import { type Api, ApiError } from "./api";
import { closureOverTime } from "./charts";
import { type Child, chartCanvas, h, table } from "./dom";
import type { View } from "./experiments";
import {
  acknowledgingVersions,
  byDay,
  byModelVersion,
  type ClosureRow,
  STAGES,
  toJsonLines,
} from "./feedback";
import { formatCount, formatRate } from "./logic";

/** Every correction, page by page (1,000 a page), as `hitl feedback export` reads them. */
async function allCorrections(api: Api): Promise<FeedbackRecord[]> {
  const records: FeedbackRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.feedbackPage(cursor);
    records.push(...page.records);
    cursor = page.next;
  } while (cursor);
  return records;
}

const hours = (value: number | null) => (value === null ? "–" : `${value.toFixed(1)} h`);

function closureTable(caption: string, first: string, rows: ClosureRow[], id: string): HTMLElement {
  return table(
    caption,
    [
      { title: first },
      { title: "Produced", num: true },
      ...STAGES.flatMap((stage) => [
        { title: `${stage}: acknowledged`, num: true },
        { title: `${stage}: closure`, num: true },
        { title: `${stage}: mean time`, num: true },
      ]),
    ],
    rows.map((r): Child[] => [
      r.key,
      formatCount(r.produced),
      ...STAGES.flatMap((stage) => [
        formatCount(r.stages[stage].acknowledged),
        formatRate(r.stages[stage].rate),
        hours(r.stages[stage].meanHoursToClose),
      ]),
    ]),
    { id },
  );
}

export async function mlPage(api: Api): Promise<View> {
  let records: FeedbackRecord[];
  try {
    records = await allCorrections(api);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403)
      return {
        element: h(
          "section",
          { class: "card" },
          h("h2", { id: "page-title", tabindex: "-1" }, "ML feedback"),
          h("p", { id: "ml-refused" }, `${error.message}: the corrections need the ml role.`),
        ),
      };
    throw error;
  }
  const versions = byModelVersion(records);
  const days = byDay(records);
  const chart = chartCanvas("chart-closure", "Closure rate of each day's corrections, per stage");
  const exportButton = h(
    "button",
    { type: "button", id: "feedback-export" },
    "Download the export (JSON Lines)",
  );
  exportButton.addEventListener("click", () => {
    const url = URL.createObjectURL(new Blob([toJsonLines(records)], { type: "application/x-ndjson" }));
    h("a", { href: url, download: "corrections.jsonl" }).click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  const element = h(
    "div",
    {},
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      h("h2", { id: "page-title", tabindex: "-1" }, "ML feedback"),
      h(
        "p",
        { id: "ml-summary" },
        `${formatCount(records.length)} corrections; acknowledged at training: ${formatCount(
          records.filter((r) => r.acks?.some((a) => a.stage === "training")).length,
        )}.`,
      ),
      exportButton,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "ml-versions-title" },
      h("h3", { id: "ml-versions-title" }, "By the model version that was corrected"),
      closureTable(
        "Corrections per producing model version, acknowledged per stage",
        "Model version",
        versions,
        "ml-versions",
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "ml-acks-title" },
      h("h3", { id: "ml-acks-title" }, "Acknowledging versions"),
      table(
        "Model versions that took corrections in, per stage",
        [{ title: "Stage" }, { title: "Model version" }, { title: "Corrections", num: true }],
        acknowledgingVersions(records).map((a) => [a.stage, a.modelVersion, formatCount(a.corrections)]),
        { id: "ml-acks" },
      ),
    ),
    h(
      "section",
      { class: "card", "aria-label": "Closure over time" },
      h("h3", {}, "Closure over time"),
      chart.box,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "ml-days-title" },
      h("h3", { id: "ml-days-title" }, "By day produced"),
      closureTable("Corrections per UTC day produced, acknowledged per stage", "Day (UTC)", days, "ml-days"),
    ),
  );
  return { element, mounted: () => closureOverTime(chart.canvas, days) };
}

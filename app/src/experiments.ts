/** The experiments list and an experiment's page: the live report, charts, guardrail actions, versions. */
import type { AuditEntry } from "../../core/audit/entry";
import type { ExperimentHistory } from "../../core/experiments/history";
import type { ArmReport, Comparison, ExperimentReport } from "../../core/report/types";
import type { Api } from "./api";
import { type Child, chartCanvas, h, table } from "./dom";
import { experimentCharts } from "./experiment-charts";
import {
  diffConfigs,
  experimentSummary,
  formatCount,
  formatPoints,
  formatRate,
  formatRateRange,
  formatUsd,
  formatValue,
  seriesOf,
} from "./logic";
import { sequentialPart } from "./sequential";

const badge = (status: string) => h("span", { class: `badge ${status}` }, status);
const link = (id: string) => h("a", { href: `#/experiments/${encodeURIComponent(id)}` }, id);
const when = (iso: string) => `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC" })} UTC`;

/** A page: its element, and what to do once it is in the document (draw its charts). */
export interface View {
  element: HTMLElement;
  mounted?: () => void;
}

export async function experimentsList(api: Api): Promise<View> {
  const experiments = await api.experiments();
  // One report per experiment, read in parallel; a failing one leaves its row without numbers.
  const reports = await Promise.all(experiments.map((e) => api.report(e.id).catch(() => undefined)));
  const now = Date.now();
  const rows = experiments.map((e, i) => {
    const s = experimentSummary(e, reports[i], now);
    return [
      link(s.id),
      badge(s.status),
      s.arms,
      s.age,
      s.decisions === null ? "–" : formatCount(s.decisions),
      s.headline,
      s.warnings.length === 0
        ? "none"
        : h("ul", { class: "warnings" }, ...s.warnings.map((w) => h("li", {}, w))),
    ];
  });
  const element = h(
    "section",
    { class: "card", "aria-labelledby": "page-title" },
    h("h2", { id: "page-title", tabindex: "-1" }, "Experiments"),
    h("p", {}, h("a", { href: "#/edit", id: "new-experiment" }, "New experiment")),
    experiments.length === 0
      ? h("p", {}, "No experiments yet.")
      : table(
          "Experiments with their status, arms, age, decisions, recommendation and warnings",
          [
            { title: "Experiment" },
            { title: "Status" },
            { title: "Arms" },
            { title: "Age", num: true },
            { title: "Decisions", num: true },
            { title: "Recommendation" },
            { title: "Warnings" },
          ],
          rows,
          { id: "experiments-table" },
        ),
  );
  return { element };
}

function armsTable(report: ExperimentReport): HTMLElement {
  const rows = report.arms.map((a: ArmReport) => [
    `${a.arm}${a.control ? " (control)" : ""}${a.paused ? " (paused)" : ""}`,
    formatCount(a.decisions),
    formatRate(a.automationRate.value),
    formatRateRange(a.automationRate.interval),
    formatRate(a.decisionQuality.value),
    formatRateRange(a.decisionQuality.interval),
    formatRate(a.quality.value),
    formatRateRange(a.quality.interval),
    a.quality.description,
    formatRate(a.overrideRate.value),
    formatRate(a.escalationRate.value),
    formatRate(a.slaBreachRate.value),
    a.timeInQueue.meanSeconds === null ? "–" : `${Math.round(a.timeInQueue.meanSeconds)} s`,
    a.latency.auto.p95Ms === null ? "–" : `${Math.round(a.latency.auto.p95Ms)} ms`,
    formatUsd(a.cost.perDecision.model),
    formatUsd(a.cost.perDecision.human),
    formatUsd(a.cost.perDecision.infrastructure),
    formatUsd(a.cost.perDecision.total),
    formatRate(a.feedback.stages.training.value),
    a.agreement.kappa === null ? "–" : a.agreement.kappa.toFixed(2),
  ]);
  return table(
    "Per arm: every metric with its interval",
    [
      { title: "Arm" },
      { title: "Decisions", num: true },
      { title: "Automation", num: true },
      { title: "Automation CI", num: true },
      { title: "Quality at decision time", num: true },
      { title: "Decision-time CI", num: true },
      { title: "Quality after corrections", num: true },
      { title: "After-corrections CI", num: true },
      { title: "Quality source" },
      { title: "Override", num: true },
      { title: "Escalation", num: true },
      { title: "SLA breach", num: true },
      { title: "Time in queue", num: true },
      { title: "Latency p95 (auto)", num: true },
      { title: "Model $/dec", num: true },
      { title: "Human $/dec", num: true },
      { title: "Infra $/dec", num: true },
      { title: "Total $/dec", num: true },
      { title: "Feedback closure (training)", num: true },
      { title: "Kappa", num: true },
    ],
    rows,
    { id: "arms-table" },
  );
}

/** What the two qualities count, in the report's own words; comparisons use decision time. */
function qualityDefinitions(report: ExperimentReport): HTMLElement | false {
  const arm = report.arms[0];
  if (!arm) return false;
  const words = (definition: string) => definition.replace(/^[^:]*: /, "");
  return h(
    "dl",
    { id: "quality-definitions", class: "definitions" },
    h("dt", {}, "Quality at decision time"),
    h(
      "dd",
      {},
      `${words(arm.decisionQuality.definition)}. Comparisons, the guardrail and the recommendation use it.`,
    ),
    h("dt", {}, "Quality after corrections"),
    h("dd", {}, `${words(arm.quality.definition)}.`),
  );
}

const metricValue = (unit: string, value: number | null) =>
  unit === "rate"
    ? formatRate(value)
    : unit === "usd"
      ? formatUsd(value)
      : value === null
        ? "–"
        : `${value.toFixed(1)} s`;
const metricDiff = (unit: string, value: number | null) =>
  unit === "rate" ? formatPoints(value) : metricValue(unit, value);
const rangeOf = (unit: string, [lower, upper]: [number | null, number | null]) =>
  `${metricDiff(unit, lower)} to ${metricDiff(unit, upper)}`;

function comparisonSection(c: Comparison): { element: HTMLElement; draw: () => void } {
  const sequential = sequentialPart(c);
  const rows = c.metrics.map((m) => [
    m.label,
    metricValue(m.unit, m.control),
    metricValue(m.unit, m.treatment),
    metricDiff(m.unit, m.difference),
    m.unavailable ? m.unavailable : rangeOf(m.unit, m.fixedHorizon.ci),
    m.fixedHorizon.adjustedPValue === null ? "–" : m.fixedHorizon.adjustedPValue.toPrecision(2),
    m.unavailable ? "–" : rangeOf(m.unit, m.sequential.ci),
    formatRate(m.bayesian.chanceToBeBetter, 0),
    m.fixedHorizon.significant ? "yes" : "no",
  ]);
  const g = c.qualityGuardrail;
  const element = h(
    "section",
    { class: "card", "aria-labelledby": `cmp-${c.arm}` },
    h("h3", { id: `cmp-${c.arm}` }, `${c.arm} against ${c.control}`),
    table(
      `${c.arm} against ${c.control}, every metric`,
      [
        { title: "Metric" },
        { title: c.control, num: true },
        { title: c.arm, num: true },
        { title: "Difference", num: true },
        { title: "Fixed-horizon CI", num: true },
        { title: "Adjusted p", num: true },
        { title: "Sequential CI", num: true },
        { title: "Chance better", num: true },
        { title: "Significant" },
      ],
      rows,
    ),
    h(
      "p",
      { class: "meta" },
      `Quality guardrail (margin ${formatPoints(g.margin).replace("+", "")}): difference ${formatPoints(g.difference)}, ` +
        `sequential CI ${rangeOf("rate", g.sequential.ci)}, ` +
        `${g.fixedHorizon.nonInferior ? "non-inferior" : "not yet shown non-inferior"}; the scheduled check: ${g.guardrail}.`,
    ),
    sequential.element,
  );
  return { element, draw: sequential.draw };
}

function guardrailActions(audit: AuditEntry[]): HTMLElement {
  const actions = audit.filter((a) => a.action === "arm-paused");
  return h(
    "section",
    { class: "card", "aria-labelledby": "guardrail-title" },
    h("h3", { id: "guardrail-title" }, "Guardrail actions"),
    actions.length === 0
      ? h("p", {}, "The guardrail has not paused any arm.")
      : table(
          "Arms the quality guardrail paused",
          [{ title: "When" }, { title: "By" }, { title: "What" }],
          actions.map((a) => [when(a.at), a.actor, JSON.stringify(a.detail ?? {})]),
          { id: "guardrail-table" },
        ),
  );
}

function versionsSection(history: ExperimentHistory): HTMLElement {
  const changedBy = new Map<number, AuditEntry>();
  for (const entry of history.audit) {
    const to = entry.detail?.to ?? (entry.action === "experiment-created" ? 1 : undefined);
    if (typeof to === "number") changedBy.set(to, entry);
  }
  const items = [...history.versions].reverse().map((v) => {
    const previous = history.versions.find((p) => p.version === v.version - 1);
    const changes = previous ? diffConfigs(previous, v) : [];
    const who = changedBy.get(v.version);
    return h(
      "li",
      {},
      h("strong", {}, `Version ${v.version}`),
      ` · ${when(v.updatedAt)}${who ? ` · ${who.actor}` : ""}`,
      previous
        ? changes.length === 0
          ? h("p", { class: "meta" }, "No change to the config.")
          : h(
              "ul",
              { class: "diff", "aria-label": `Changes in version ${v.version}` },
              ...changes.map((c) =>
                h(
                  "li",
                  {},
                  `${c.path}: `,
                  h("del", {}, formatValue(c.before)),
                  " → ",
                  h("ins", {}, formatValue(c.after)),
                ),
              ),
            )
        : h("p", { class: "meta" }, "Created."),
    );
  });
  return h(
    "section",
    { class: "card", "aria-labelledby": "versions-title" },
    h("h3", { id: "versions-title" }, "Config versions"),
    h("ol", { id: "versions", reversed: "" }, ...items),
  );
}

function seriesTable(report: ExperimentReport): HTMLElement {
  const series = seriesOf(report);
  const rows: Child[][] = series.labels.map((label, i) => [
    label,
    ...series.automation.flatMap((arm, a) => [
      formatCount(series.decisions[a]?.values[i] ?? 0),
      formatRate(arm.values[i] ?? null),
      formatUsd(series.costPerDecision[a]?.values[i] ?? null),
    ]),
  ]);
  return h(
    "details",
    {},
    h("summary", {}, `Series by ${series.grain} as a table`),
    table(
      `Decisions, automation rate and cost per decision by ${series.grain} and arm`,
      [
        { title: series.grain === "hour" ? "Hour (UTC)" : "Day (UTC)" },
        ...series.automation.flatMap((arm) => [
          { title: `${arm.arm} decisions`, num: true },
          { title: `${arm.arm} automation`, num: true },
          { title: `${arm.arm} $/dec`, num: true },
        ]),
      ],
      rows,
      { id: "series-table" },
    ),
  );
}

export async function experimentPage(api: Api, id: string): Promise<View> {
  const [report, history] = await Promise.all([api.report(id), api.history(id)]);
  // The same list of charts the HTML report file draws (experiment-charts.ts).
  const charts = experimentCharts(report).map((part) => ({ part, ...chartCanvas(part.id, part.label) }));
  const e = report.experiment;
  const comparisons = report.comparisons.map(comparisonSection);
  const page = h(
    "div",
    {},
    h(
      "section",
      { class: "card", "aria-labelledby": "page-title" },
      h("h2", { id: "page-title", tabindex: "-1" }, `Experiment ${report.experimentId}`),
      h(
        "p",
        { class: "meta" },
        badge(e.status),
        ` version ${e.version} · control ${e.control} · quality margin ${formatPoints(e.qualityMargin).replace("+", "")} · ` +
          (report.period.from
            ? `data ${report.period.from}:00 to ${report.period.to}:59 UTC`
            : "no data yet"),
      ),
      h(
        "p",
        {},
        h(
          "a",
          { href: `#/edit/${encodeURIComponent(report.experimentId)}`, id: "change-experiment" },
          "Change this experiment",
        ),
      ),
      h("p", { class: "headline", id: "headline" }, report.recommendation.headline),
      h("ul", { id: "reasons" }, ...report.recommendation.reasons.map((r) => h("li", {}, r))),
      report.warnings.length > 0 &&
        h(
          "div",
          {},
          h("h3", {}, "Warnings"),
          h(
            "ul",
            { class: "warnings", id: "warnings" },
            ...report.warnings.map((w) => h("li", {}, w.message)),
          ),
        ),
    ),
    h(
      "div",
      { class: "grid" },
      ...charts.map(({ part, box }) =>
        h("section", { class: "card", "aria-label": part.title }, h("h3", {}, part.title), box),
      ),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "arms-title" },
      h("h3", { id: "arms-title" }, "Arms"),
      armsTable(report),
      qualityDefinitions(report),
      seriesTable(report),
    ),
    ...comparisons.map((c) => c.element),
    h(
      "section",
      { class: "card", "aria-labelledby": "checks-title" },
      h("h3", { id: "checks-title" }, "Checks"),
      h(
        "p",
        {},
        report.srm.checked
          ? `Sample ratio: χ² ${report.srm.chiSquare?.toFixed(2) ?? "–"}, p ${report.srm.pValue?.toPrecision(2) ?? "–"}${report.srm.mismatch ? " (mismatch)" : ""}.`
          : "Sample ratio: not checked yet.",
        ` Reviewer agreement: kappa ${report.agreement.overall.kappa?.toFixed(2) ?? "–"} over ${report.agreement.overall.pairs} pairs.`,
      ),
    ),
    guardrailActions(history.audit),
    versionsSection(history),
  );
  // Charts are drawn once their canvases are in the document (Chart.js measures the parent).
  const mounted = () => {
    for (const { part, canvas } of charts) part.draw(canvas);
    for (const c of comparisons) c.draw();
  };
  return { element: page, mounted };
}

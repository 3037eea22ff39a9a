/** The read-time part of the metrics scenario's report (Markdown and data). */
import { barChart, markdown, num } from "../../render";
import { ARMS, READ_RUNS, type ReadMeasured } from "./reads";

export function readSection(reads: readonly ReadMeasured[], shards: number): string {
  const rows = reads.map((r) => [
    r.size.label,
    r.decisionsRead.toLocaleString("en-US"),
    `${ARMS.length} × ${r.size.days * 24} h = ${(ARMS.length * r.size.days * 24).toLocaleString("en-US")}`,
    r.items.toLocaleString("en-US"),
    num(r.kb, 0),
    num(r.readMs.p50, 0),
    num(r.computeMs.p50, 0),
    `**${num(r.totalMs.p50, 0)}**`,
    num((1000 * r.totalMs.p50) / r.items, 1),
  ]);
  const chart = barChart(
    reads.map((r) => ({ label: r.size.label, value: r.totalMs.p50 })),
    { unit: "ms", digits: 0 },
  );
  return [
    "### Read time of one experiment's aggregates",
    "",
    `Synthetic counter items in the store's layout (${shards} shards; every item of an arm has the same`,
    "counters, a busy hour's worth of names incl. latency histograms, only the numbers scale), read with",
    `\`readExperiment\` (one paged Query per shard) and folded by \`experimentMetrics\`; median of ${READ_RUNS} runs.`,
    "",
    markdown(
      [
        "size",
        "decisions",
        "arms × hours",
        "items",
        "KB",
        "read (ms)",
        "compute (ms)",
        "total (ms)",
        "ms per 1,000 items",
      ],
      rows,
      ["left", "right", "right", "right", "right", "right", "right", "right", "right"],
    ),
    "",
    "```",
    chart,
    "```",
    "",
    "The time follows the counter items (arms × hours × shards), not the decisions they count: 100× the",
    "decisions on the same items take the same time, a quarter of the hours about a quarter of it. The 10k",
    "items (under 2 decisions each) hold mostly zeros, which `readExperiment` drops from the summed rows:",
    "a sparse experiment reads and folds faster, never slower. Compute is bounded by the counter names.",
  ].join("\n");
}

export function readData(reads: readonly ReadMeasured[]) {
  return reads.map((r) => ({
    label: r.size.label,
    decisions: r.decisionsRead,
    days: r.size.days,
    arms: ARMS.length,
    counterItems: r.items,
    rows: r.rows,
    kb: r.kb,
    readMs: r.readMs,
    computeMs: r.computeMs,
    totalMs: r.totalMs,
  }));
}

import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Command } from "commander";
import { DynamoAuditLog } from "../../adapters/dynamodb/audit-log";
import { DynamoExperimentStore } from "../../adapters/dynamodb/experiment-store";
import { applyRepair } from "../../adapters/dynamodb/metrics-repair";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { loadRebuildInput, loadReviewerRebuildInput } from "../../adapters/dynamodb/rebuild-loader";
import { REVIEWERS_SCOPE } from "../../core/metrics/events";
import {
  type ArmMetrics,
  type CounterRow,
  type ExperimentMetrics,
  experimentMetrics,
} from "../../core/metrics/read";
import {
  type CounterDifference,
  diffCounters,
  liveCounters,
  perArm,
  rebuildCounters,
} from "../../core/metrics/rebuild";
import { repairCounters } from "../../core/metrics/repair";
import { hourlyFrom, type RollupResult } from "../../core/metrics/rollup";
import { agreementFamily } from "../../core/report/agreement-family";
import { AGREEMENT_THRESHOLD } from "../../core/stats/agreement";
import { type CliEnvironment, requireTable, resolveEnvironment } from "../environment";
import { agreementFamilyTable, perLabelLine } from "../render/agreement-table";
import { renderTextTable } from "../render/table";

/** Exit code when the live counters differ from the records. */
export const EXIT_DIFFERENCES = 1;
/** Exit code when the command could not run (no environment, unreachable table). */
export const EXIT_FAILED = 2;

interface CommonOptions {
  experiment: string;
  aws?: boolean;
  devFile?: string;
  cdkOut?: string;
  shards?: string;
}

function documentClientFor(environment: CliEnvironment): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(environment.region ? { region: environment.region } : {}),
    ...(environment.endpoints.dynamodb ? { endpoint: environment.endpoints.dynamodb } : {}),
    ...(environment.credentials ? { credentials: environment.credentials } : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : "–");
const num = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
const usd = (x: number) =>
  Number.isFinite(x) ? `$${x < 0.01 && x > 0 ? x.toPrecision(3) : x.toFixed(2)}` : "–";
const interval = ([a, b]: [number, number]) => `[${pct(a)}, ${pct(b)}]`;
const ms = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms` : "–");

/** Rows of (metric, one column per arm). */
export function formatArmTable(arms: readonly ArmMetrics[]): string[] {
  const rows: [string, (m: ArmMetrics) => string][] = [
    ["decisions", (m) => num(m.decisions)],
    ["enrolled units", (m) => num(m.units)],
    ["automated / held / audited", (m) => `${m.auto} / ${m.human} / ${m.audit}`],
    ["automation rate", (m) => pct(m.automationRate)],
    [
      "quality at decision time",
      (m) => `${pct(m.decisionQuality.estimate)} ${interval(m.decisionQuality.interval)}`,
    ],
    ["quality after corrections", (m) => `${pct(m.quality.estimate)} ${interval(m.quality.interval)}`],
    ["corrected errors (of audits)", (m) => `${m.corrections.corrected} of ${m.corrections.audited}`],
    [
      "automated accuracy (audits)",
      (m) => `${pct(m.quality.automated.estimate)} of ${m.quality.automated.audited}`,
    ],
    ["override rate", (m) => pct(m.overrideRate)],
    ["escalation rate", (m) => pct(m.escalationRate)],
    ["SLA breach rate", (m) => pct(m.slaBreachRate)],
    ["mean time in queue", (m) => `${num(m.meanQueueSeconds, 1)} s`],
    ["latency auto p50/p95/p99", (m) => latency(m.latency.auto)],
    ["latency human p50/p95/p99", (m) => latency(m.latency.human)],
    ["double-review pairs, kappa", (m) => `${m.agreement.pairs}, ${num(m.agreement.kappa, 2)}`],
    ["feedback produced", (m) => num(m.feedback.produced)],
    ["closure training/eval/deployed", (m) => closure(m)],
    ["cost per decision: model", (m) => usd(m.cost.perDecision.model)],
    ["cost per decision: human", (m) => usd(m.cost.perDecision.human)],
    ["cost per decision: infrastructure", (m) => usd(m.cost.perDecision.infrastructure)],
    ["cost per decision: total", (m) => usd(m.cost.perDecision.total)],
    ["spend", (m) => usd(m.cost.totalUsd)],
  ];
  const table = [["", ...arms.map((m) => m.arm)], ...rows.map(([name, f]) => [name, ...arms.map(f)])];
  return alignColumns(table);
}

function latency(s: ArmMetrics["latency"]["auto"]): string {
  return s.count === 0 ? "–" : `${ms(s.p50Ms)} / ${ms(s.p95Ms)} / ${ms(s.p99Ms)}`;
}

function closure(m: ArmMetrics): string {
  const { training, evaluation, deployed } = m.feedback.stages;
  return [training, evaluation, deployed].map((s) => pct(s.closureRate)).join(" / ");
}

function alignColumns(table: string[][]): string[] {
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => (row[i] ?? "").length)));
  return table.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}

export function formatDifferences(differences: readonly CounterDifference[]): string[] {
  return alignColumns([
    ["arm", "counter", "live", "rebuilt", "diff"],
    ...differences.map((d) => [d.arm, d.counter, String(d.live), String(d.rebuilt), String(d.diff)]),
  ]);
}

function spendLines(report: ExperimentMetrics): string[] {
  return [
    `total spend ${usd(report.spend.totalUsd)}; at the last ${report.spend.windowHours} h's volume: ` +
      `${usd(report.spend.dailyRunRateUsd)}/day, ${usd(report.spend.monthlyProjectionUsd)}/month`,
  ];
}

function common(command: Command): Command {
  return command
    .requiredOption(
      "--experiment <id>",
      "experiment id (rebuild: @reviewers for the reviewer scorecards' rows)",
    )
    .option("--aws", "use AWS (default region and credentials; table names from *_TABLE variables)")
    .option("--dev-file <file>", "local cloud description (default: dev.json in HITL_DATA_DIR, else .hitl)")
    .option("--cdk-out <dir>", "synthesized app, for table names", "cdk.out")
    .option("--shards <n>", "counter shards the metrics counter writes (METRICS_SHARDS)");
}

function setup(options: CommonOptions) {
  const environment = resolveEnvironment({
    ...(options.aws ? { aws: true } : {}),
    ...(options.devFile ? { devFile: options.devFile } : {}),
    ...(options.cdkOut ? { cdkOut: options.cdkOut } : {}),
  });
  const db = documentClientFor(environment);
  const shards = Number(options.shards ?? process.env.METRICS_SHARDS ?? "") || undefined;
  const store = new DynamoMetricsStore(db, requireTable(environment, "metrics"), shards ? { shards } : {});
  return { environment, db, store };
}

/** One line about a roll-up run. */
export function rollupLine(result: RollupResult): string {
  const through = result.through ? ` through ${result.through}` : "";
  if (result.outcome === "rolled-up")
    return `roll-ups: ${result.rollups} day × arm roll-up(s) written (${result.items} item(s)); rolled up${through}`;
  if (result.outcome === "up-to-date") return `roll-ups: up to date${through || " (no sealed day yet)"}`;
  return "roll-ups: another writer (or a reset) moved the watermark first; nothing stale is read";
}

/** Rows of the days a roll-up run covered: sealed, so two reads of them must agree. */
const sealedPart = (rows: readonly CounterRow[], through: string | undefined) => {
  const before = hourlyFrom(through === undefined ? undefined : { epoch: 0, through });
  return before === undefined ? [] : rows.filter((r) => r.hour < before);
};

/**
 * `hitl metrics show --experiment ID`: per-arm metrics for the whole run (and `--daily`).
 * `hitl metrics rebuild --experiment ID`: rewrites the experiment's daily roll-ups from its hourly
 * counters, recomputes the counters from the records and prints every difference from the live
 * counters; exits 0 when there is none, 1 otherwise. `--repair` writes the differences into the live
 * counters (exactly once, audit-trailed) and exits 0 once they are repaired.
 * `hitl metrics rollup --experiment ID [--reset]`: rolls up the newly sealed days now (the guardrail
 * run does it every 15 minutes); `--reset` first forgets every roll-up, after counters were repaired.
 */
export function registerMetrics(program: Command): void {
  const metrics = program
    .command("metrics")
    .description("exactly-once experiment metrics: show, rebuild, rollup");

  common(metrics.command("show").description("per-arm metrics: automation, quality, SLA, latency, cost"))
    .option("--daily", "also show each UTC day")
    .option("--json", "print the metrics as JSON")
    .action(async function (this: Command, options: CommonOptions & { daily?: boolean; json?: boolean }) {
      const out = this.configureOutput();
      const writeOut = out.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = out.writeErr ?? ((s: string) => process.stderr.write(s));
      try {
        const { environment, db, store } = setup(options);
        const experiment = await new DynamoExperimentStore(db, requireTable(environment, "experiments")).get(
          options.experiment,
        );
        const rows = await store.readExperiment(options.experiment);
        const report = experimentMetrics(options.experiment, rows, {
          ...(experiment ? { modelPriceUsd: experiment.modelPriceUsd } : {}),
        });
        const family = agreementFamily(perArm(rows), {
          labels: experiment?.labels ?? [],
          ordered: experiment?.orderedLabels ?? false,
          threshold: AGREEMENT_THRESHOLD,
        });
        if (options.json) {
          writeOut(`${JSON.stringify({ ...report, agreement: family }, null, 2)}\n`);
          return;
        }
        const lines = [`experiment ${options.experiment} (whole run)`, ...formatArmTable(report.arms)];
        if (family.overall.items > 0) {
          lines.push(
            "",
            "agreement of the blind reviews (Fleiss' kappa, Krippendorff's alpha; 95% intervals)",
            renderTextTable(agreementFamilyTable(family)),
            perLabelLine(family),
          );
        }
        if (options.daily) {
          for (const day of [...new Set(report.daily.map((m) => m.period))])
            lines.push("", `day ${day}`, ...formatArmTable(report.daily.filter((m) => m.period === day)));
        }
        lines.push("", ...spendLines(report));
        writeOut(`${lines.join("\n")}\n`);
      } catch (error) {
        writeErr(`metrics show: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = EXIT_FAILED;
      }
    });

  common(metrics.command("rebuild").description("recompute counters from the records and print differences"))
    .option("--repair", "write the differences into the live counters (exactly once, audit-trailed)")
    .option("--settle-seconds <s>", "with --repair: wait this long and compare again before writing", "5")
    .action(async function (
      this: Command,
      options: CommonOptions & { repair?: boolean; settleSeconds?: string },
    ) {
      const out = this.configureOutput();
      const writeOut = out.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = out.writeErr ?? ((s: string) => process.stderr.write(s));
      try {
        const { environment, db, store } = setup(options);
        const tables = {
          decisions: requireTable(environment, "decisions"),
          reviews: requireTable(environment, "reviews"),
        };
        const id = options.experiment;
        // `@reviewers`: the reviewer rows, from every review item (docs/review.md, "Reviewer quality").
        const load = () =>
          id === REVIEWERS_SCOPE ? loadReviewerRebuildInput(db, tables) : loadRebuildInput(db, tables, id);
        // Roll-ups copy sealed hours; rewrite them so nothing read from them can predate the counters.
        const previous = await store.readExperiment(id);
        await store.resetRollups(id);
        const rolled = await store.rollUp(id);
        const [input, rows] = await Promise.all([load(), store.readExperiment(id)]);
        const differences = diffCounters(liveCounters(rows), rebuildCounters(input));
        const stale =
          JSON.stringify(sealedPart(previous, rolled.through)) !==
          JSON.stringify(sealedPart(rows, rolled.through));
        const lines = [
          `experiment ${id}: ${input.decisions.length} decisions, ${input.reviews.length} review items, ${input.feedback.length} feedback records`,
          `${rollupLine(rolled)}${stale ? " (the previous roll-ups differed from the hourly counters: replaced)" : ""}`,
          differences.length === 0
            ? "no differences: every counter matches the records"
            : `${differences.length} counter(s) differ:`,
          ...(differences.length ? formatDifferences(differences) : []),
        ];
        if (options.repair && differences.length > 0) {
          const metricsTable = requireTable(environment, "metrics");
          const repaired = await repairCounters(
            {
              records: load,
              live: () => store.readExperiment(id, { fromHour: "0000" }),
              apply: (write) => applyRepair(db, metricsTable, { experimentId: id, ...write }),
              audit: new DynamoAuditLog(db, requireTable(environment, "audit")),
              rollups: { reset: (experimentId) => store.resetRollups(experimentId) },
              now: () => new Date(),
              newId: () => `repair-${randomUUID()}`,
              sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            },
            id,
            {
              actor: process.env.USER ? `cli:${process.env.USER}` : "cli",
              settleMs: 1000 * Number(options.settleSeconds ?? 5),
            },
          );
          if (repaired.refused) {
            lines.push(`not repaired: ${repaired.refused}`);
            process.exitCode = EXIT_DIFFERENCES;
          } else {
            const after = await store.rollUp(id);
            lines.push(
              `repaired (${repaired.repairId}): ${repaired.deltas.length} counter item(s) corrected in ${repaired.committed} transaction(s); audit entry "metrics-repaired" on experiment#${id}; ${rollupLine(after)}`,
            );
          }
        } else if (differences.length > 0) process.exitCode = EXIT_DIFFERENCES;
        writeOut(`${lines.join("\n")}\n`);
      } catch (error) {
        writeErr(`metrics rebuild: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = EXIT_FAILED;
      }
    });

  common(metrics.command("rollup").description("roll up the newly sealed days of an experiment now"))
    .option("--reset", "forget every roll-up first (after counters of sealed hours were repaired)")
    .action(async function (this: Command, options: CommonOptions & { reset?: boolean }) {
      const out = this.configureOutput();
      const writeOut = out.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = out.writeErr ?? ((s: string) => process.stderr.write(s));
      try {
        const { store } = setup(options);
        if (options.reset) {
          const epoch = await store.resetRollups(options.experiment);
          writeOut(`roll-ups of ${options.experiment} reset (epoch ${epoch})\n`);
        }
        writeOut(`${rollupLine(await store.rollUp(options.experiment))}\n`);
      } catch (error) {
        writeErr(`metrics rollup: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = EXIT_FAILED;
      }
    });
}

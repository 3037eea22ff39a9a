/**
 * Issue 10 §2: the soak. The local cloud under steady traffic for `--minutes` at `--rate`, with
 * reviewers, duplicates and worker crashes (bench/soak/run.ts); ends with the final check
 * (bench/soak/check.ts) and fails the bench when it does not hold.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { COUNT_OPERATIONS_ENV } from "../../adapters/aws-operations";
import { type LocalCloud, startLocalCloud } from "../../local/cloud";
import type { BenchContext, Scenario, ScenarioResult } from "../context";
import { barChart, markdown, num } from "../render";
import { memorySampler } from "../soak/memory";
import { runSoak, type SoakResult, type SoakTarget } from "../soak/run";
import { CRASH_TARGETS } from "../soak/schedule";
import { appInfo } from "../template";

const PHASE = "soak";

/** The cloud the soak runs on: the bench's, or with `--restart` one of its own with a data folder. */
interface SoakCloud {
  current: LocalCloud;
  restart?: () => Promise<void>;
  stop(): Promise<void>;
}

/** A local cloud in a temporary data folder that can stop and start again on the same ports. */
async function restartableCloud(ctx: BenchContext): Promise<SoakCloud> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "hitl-soak-"));
  const start = (ports: { api: number; dynamodb: number; sqs: number; stepfunctions: number }) =>
    startLocalCloud({
      dataDir,
      ports,
      log: ctx.recorder.log,
      onInvocation: ctx.recorder.onInvocation,
      functionEnvironment: ctx.options.countOperations ? { [COUNT_OPERATIONS_ENV]: "1" } : {},
    });
  const first = await start({ api: 0, dynamodb: 0, sqs: 0, stepfunctions: 0 });
  const port = (url: string) => Number(new URL(url).port);
  const ports = {
    api: port(first.apiUrl),
    dynamodb: port(first.endpoints.dynamodb),
    sqs: port(first.endpoints.sqs),
    stepfunctions: port(first.endpoints.stepfunctions),
  };
  const handle: SoakCloud = {
    current: first,
    restart: async () => {
      await handle.current.stop();
      handle.current = await start(ports);
    },
    stop: async () => {
      await handle.current.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

function targetOf(
  ctx: BenchContext,
  soakCloud: SoakCloud,
  sqs: SQSClient,
  dynamodb: DynamoDBClient,
): SoakTarget {
  const cloud = soakCloud.current;
  const app = soakCloud.current === ctx.cloud ? ctx.app : appInfo(cloud);
  const ingest = Object.values(cloud.resources.byLogicalId).find((r) =>
    r.path?.endsWith("/IngestQueue/Queue/Resource"),
  );
  const tables = {
    decisions: app.tables.DecisionsTable ?? "",
    reviews: app.tables.ReviewsTable ?? "",
    metrics: app.tables.MetricsTable ?? "",
  };
  if (!ingest || !tables.decisions || !tables.reviews || !tables.metrics)
    throw new Error("the templates lack the ingest queue or a records or metrics table");
  return {
    apiUrl: cloud.apiUrl,
    tokens: { producer: cloud.tokens.producer, analyst: cloud.tokens.analyst },
    reviewerTokens: Array.from({ length: ctx.options.soakReviewers }, (_, i) =>
      cloud.mintToken(`soak-reviewer-${ctx.runId}-${i + 1}`, ["hitl/reviewer"]),
    ),
    // The cloud of the moment: a restart brings a new fault control.
    faults: {
      arm: async (spec) => soakCloud.current.faults.arm(spec),
      list: async () => soakCloud.current.faults.list(),
      disarm: async (id) => soakCloud.current.faults.disarm(id),
    },
    dynamodb,
    sqs,
    ingestQueueUrl: ingest.ref,
    tables,
    ...(soakCloud.restart ? { restart: soakCloud.restart } : {}),
  };
}

const ms = (value: number) => `${num(value, 0)} ms`;

/** The soak's report: the verdict, the numbers (as ratios where a shared machine moves them), a chart. */
export function soakMarkdown(r: SoakResult, failedInvocations: Record<string, number> = {}): string {
  const minutes = r.durationMs / 60_000;
  const d = r.decisionLatencyMs;
  const v = r.verdictLatencyMs;
  const redelivered =
    r.redeliveries.httpResends +
    r.redeliveries.verdictResends +
    r.redeliveries.ingestResends +
    r.redeliveries.duplicateCopies +
    r.redeliveries.crashedInvocations;
  const summary = [
    ["decisions sent (HTTP / ingest queue)", `${r.sent.decisions} (${r.sent.http} / ${r.sent.ingest})`],
    ["held for reviewers", `${r.sent.held} (${num((100 * r.sent.held) / r.sent.decisions, 0)}%)`],
    ["copies sent (duplicates at once)", `${r.sent.copies} (${r.redeliveries.duplicateCopies} extra)`],
    [
      "throughput answered / offered",
      `**${num(r.answeredPerSecond / r.offeredRate, 2)}** (${num(r.answeredPerSecond, 2)} of ${num(r.offeredRate, 1)} decisions/s)`,
    ],
    ["verdicts per second (traffic + drain)", num(r.verdictsPerSecond, 2)],
    [
      "decision latency p50 / p95 (HTTP, resends included)",
      `${ms(d.p50)} / ${ms(d.p95)}: p95 = ${num(d.p95 / d.p50, 1)} × p50`,
    ],
    [
      "verdict latency p50 / p95 (resends included)",
      `${ms(v.p50)} / ${ms(v.p95)}: p95 = ${num(v.p95 / v.p50, 1)} × p50`,
    ],
    ["worker crashes injected (fired / armed on schedule)", `**${r.crashes.fired}** / ${r.crashes.planned}`],
    [
      "redeliveries",
      `${redelivered}: ${r.redeliveries.httpResends} decision and ${r.redeliveries.verdictResends} verdict resends after a 5xx or a lost connection, ${r.redeliveries.ingestResends} ingest batches sent again, ${r.redeliveries.duplicateCopies} duplicate copies, ${r.redeliveries.crashedInvocations} crashed invocations run again`,
    ],
    [
      "restart of the whole cloud",
      r.restart
        ? `at ${num(r.restart.atS, 0)} s, away ${num(r.restart.downMs / 1000, 1)} s (stop, start with its data on the same ports)`
        : "none (`--restart` for one in the middle)",
    ],
    ["held decisions left undecided when reviewers stopped (must read held)", String(r.leftHeld)],
    [
      "errors (4xx, wrong routes, unanswered)",
      `${r.errors.count}${r.errors.first ? `: ${r.errors.first}` : ""}`,
    ],
    [
      "phases: traffic / drain / settle / counters caught up",
      `${num(r.phasesMs.traffic / 1000, 0)} / ${num(r.phasesMs.drain / 1000, 0)} / ${num(r.phasesMs.settle / 1000, 0)} / ${num(r.phasesMs.catchUp / 1000, 0)} s`,
    ],
  ];
  const checks = r.check.rows.map((row) => [
    row.check,
    String(row.expected),
    String(row.found),
    row.ok ? "yes" : "**NO**",
  ]);
  const crashes = CRASH_TARGETS.map((t) => {
    const c = r.crashes.byTarget[t.label] ?? { planned: 0, fired: 0 };
    return [t.label, t.fn, String(c.planned), String(c.fired), String(failedInvocations[t.label] ?? "–")];
  });
  const processes = [...new Set(r.windows.flatMap((w) => Object.keys(w.memoryMb)))];
  const windows = r.windows.map((w) => [
    num(w.atS, 0),
    String(w.decisions),
    String(w.verdicts),
    String(w.crashes),
    ms(w.decisionP95Ms),
    ...processes.map((p) => num(w.memoryMb[p] ?? Number.NaN, 0)),
  ]);
  const chart = barChart(
    r.windows.map((w) => ({
      label: `${num(w.atS, 0).padStart(4)} s${w.crashes ? ` ${"✗".repeat(Math.min(w.crashes, 5))}` : ""}`,
      value: w.decisions / Math.max(w.seconds, 0.001),
    })),
    { unit: "decisions/s", digits: 1 },
  );
  return [
    `## Soak: ${num(minutes, 1)} min at ${num(r.offeredRate, 1)} decisions/s, worker crashes, duplicates, reviewers`,
    "",
    r.check.ok
      ? "**Passed**: every decision ended as expected, each decision and verdict is counted once, and the live counters equal `hitl metrics rebuild` (no differences)."
      : "**FAILED**: see the check below.",
    "",
    markdown(["metric", "value"], summary),
    "",
    "### Final check",
    "",
    markdown(["check", "expected", "found", "ok"], checks, ["left", "right", "right", "left"]),
    ...(r.check.problems.length
      ? ["", "Problems (first 20):", "", ...r.check.problems.map((p) => `- ${p}`)]
      : []),
    "",
    "### Crashes by worker",
    "",
    markdown(["worker", "fault fn", "armed", "fired", "failed invocations"], crashes, [
      "left",
      "left",
      "right",
      "right",
      "right",
    ]),
    "",
    "### Over time (✗ = a crash fired in the window)",
    "",
    "```",
    chart,
    "```",
    "",
    markdown(
      ["at s", "decisions", "verdicts", "crashes", "decision p95", ...processes.map((p) => `${p} MB`)],
      windows,
      Array.from({ length: 5 + processes.length }, () => "right" as const),
    ),
    ...processes.flatMap((p) => [
      "",
      `Resident memory of ${p} (MB):`,
      "",
      "```",
      barChart(
        r.windows.map((w) => ({
          label: `${num(w.atS, 0).padStart(4)} s`,
          value: w.memoryMb[p] ?? Number.NaN,
        })),
        { unit: "MB", digits: 0 },
      ),
      "```",
    ]),
  ].join("\n");
}

export const soak: Scenario = {
  name: "soak",
  title: "Soak: steady traffic with crashes, duplicates and reviewers",
  description:
    "--minutes of traffic at --rate with reviewers, duplicates and --crashes worker crashes per minute; ends with live = rebuild",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const { options } = ctx;
    if (options.soakRestart)
      ctx.progress("soak: starting a local cloud of its own with a data folder, to restart it");
    const soakCloud: SoakCloud = options.soakRestart
      ? await restartableCloud(ctx)
      : { current: ctx.cloud, stop: async () => undefined };
    const cloud = soakCloud.current;
    const dynamodb =
      cloud === ctx.cloud
        ? ctx.dynamodb
        : new DynamoDBClient({
            endpoint: cloud.endpoints.dynamodb,
            region: cloud.region,
            credentials: { ...cloud.credentials },
          });
    const sqs = new SQSClient({
      endpoint: cloud.endpoints.sqs,
      region: cloud.region,
      credentials: { ...cloud.credentials },
    });
    try {
      const target = targetOf(ctx, soakCloud, sqs, dynamodb);
      ctx.progress(
        `soak: ${options.soakMinutes} min at ${options.soakRate} decisions/s, ${options.soakReviewers} reviewers, ${options.soakCrashes} crashes/min (a line every 10 s)`,
      );
      // Warm-up (not counted, no crashes): every worker of the path started once, as the other scenarios do.
      ctx.progress("soak: warm-up, 10 s at 2 decisions/s without crashes (not counted)");
      ctx.recorder.begin(undefined);
      const warm = await runSoak(target, {
        soakId: `soak-warm-${ctx.runId}`,
        adminToken: cloud.tokens.admin,
        durationMs: 10_000,
        rate: 2,
        reviewers: options.soakReviewers,
        crashesPerMinute: 0,
      });
      if (!warm.check.ok) throw new Error(`the warm-up did not check out: ${warm.check.problems.join("; ")}`);
      await ctx.recorder.settle();
      ctx.recorder.begin(PHASE);
      const result = await runSoak(target, {
        soakId: `soak-${ctx.runId}`,
        adminToken: cloud.tokens.admin,
        durationMs: options.soakMinutes * 60_000,
        rate: options.soakRate,
        reviewers: options.soakReviewers,
        crashesPerMinute: options.soakCrashes,
        ...(options.soakRestart ? { restartAtMs: (options.soakMinutes * 60_000) / 2 } : {}),
        progress: ctx.progress,
        memory: memorySampler(cloud.endpoints.dynamodb),
      });
      await ctx.recorder.settle();
      ctx.recorder.begin(undefined);
      const phase = ctx.recorder.phase(PHASE);
      const failedInvocations: Record<string, number> = {};
      for (const t of CRASH_TARGETS) {
        const loose = t.fn.replace(/[^a-z0-9]/gi, "").toLowerCase();
        failedInvocations[t.label] = Object.entries(phase.invocations)
          .filter(([name]) =>
            name
              .replace(/[^a-z0-9]/gi, "")
              .toLowerCase()
              .includes(loose),
          )
          .reduce((sum, [, s]) => sum + s.failed, 0);
      }
      return {
        markdown: soakMarkdown(result, failedInvocations),
        data: { ...result, failedInvocations, invocations: phase.invocations },
        failed: !result.check.ok,
      };
    } finally {
      sqs.destroy();
      if (dynamodb !== ctx.dynamodb) dynamodb.destroy();
      await soakCloud.stop();
    }
  },
};

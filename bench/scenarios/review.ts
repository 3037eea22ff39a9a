/**
 * Issue 3 §8: held decisions worked by concurrent simulated reviewers (claim, then verdict, as fast
 * as the local cloud answers), with the Standard state transitions and the AWS cost of a held item.
 */
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { PATH_ACTIVITIES } from "../../core/cost/model";
import type { BenchContext, Scenario, ScenarioResult } from "../context";
import { costReport, type Measurement } from "../cost";
import { closedLoop, progressReporter } from "../load";
import { cpuMeter, cpuMsPer } from "../machine";
import { barChart, dollars, markdown, num } from "../render";
import { ratePerSecond, summarize } from "../stats";
import { executionArn } from "../template";
import {
  cpuRows,
  createExperiment,
  decisionBody,
  executionsEnded,
  functionCounts,
  opsHeader,
  opsRows,
  sampleExecutions,
  unitsPerItem,
  waitFor,
} from "./common";
import { counterMeasured } from "./routing";

const PHASE = "review";
/** The human side of a held item, for scale: issue 3's example rate and a quick decision. */
export const HOURLY_RATE_USD = 30;
export const HANDLING_SECONDS = 60;

export const humanCostPerItem = (hourlyRateUsd = HOURLY_RATE_USD, handlingSeconds = HANDLING_SECONDS) =>
  (hourlyRateUsd * handlingSeconds) / 3600;

export const review: Scenario = {
  name: "review",
  title: "Held items: claim and verdict",
  description:
    "held decisions claimed and decided by concurrent reviewers; Standard transitions and cost per item",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const { options, recorder, runId } = ctx;
    const m = options.held;
    const reviewers = options.reviewers;
    const experimentId = `bench-held-${runId}`;
    const queue = `bench-${runId}`;
    await createExperiment(ctx, experimentId, {
      autoAcceptAbove: 1,
      auditRate: 0,
      queue,
      sla: {
        tiers: [{ name: "tier-1", slaSeconds: 3600, hourlyRateUsd: HOURLY_RATE_USD }],
        fallback: { action: "model" },
        heartbeatSeconds: 600,
      },
    });
    const reviewsTable = ctx.app.tables.ReviewsTable;
    if (!reviewsTable) throw new Error("no ReviewsTable in the templates");
    const pendingCount = async () => {
      const out = await ctx.dynamodb.send(
        new QueryCommand({
          TableName: reviewsTable,
          IndexName: "byQueue",
          KeyConditionExpression: "pendingQueue = :q",
          ExpressionAttributeValues: { ":q": { S: queue } },
          Select: "COUNT",
        }),
      );
      return out.Count ?? 0;
    };

    /** Routes `count` held decisions, waits for intake, lets the reviewers decide them all, waits for the workflows. */
    const round = async (label: string, count: number, reviewerCount: number, show: boolean) => {
      const reviewIds = new Set<string>();
      if (show) ctx.progress(`review: routing ${count} held decisions`);
      const routed = await closedLoop(
        count,
        Math.min(options.concurrency, count),
        async (i) => {
          const body = decisionBody(experimentId, `${runId}-${label}-${i}`, i, 0.5);
          const answer = await ctx.api.as(ctx.cloud.tokens.producer).decisions.send(body);
          if (answer.route !== "human" || !answer.reviewId)
            throw new Error(`decision ${body.decisionId} was not held`);
          reviewIds.add(answer.reviewId);
        },
        show ? progressReporter("review: held routing", count, ctx.progress) : undefined,
      );
      if (routed.errors > 0)
        throw new Error(`held routing failed ${routed.errors} times: ${routed.firstError}`);
      const intakeStarted = performance.now();
      if (show) ctx.progress("review: waiting until every held item is in its queue");
      if (!(await waitFor(async () => (await pendingCount()) >= count, 180_000)))
        throw new Error(`only ${await pendingCount()} of ${count} held items reached queue ${queue}`);
      const intakeMs = performance.now() - intakeStarted;

      // Reviewers: claim the next item, decide at once, repeat until the queue is empty.
      const claimMs: number[] = [];
      const verdictMs: number[] = [];
      let decided = 0;
      let emptyClaims = 0;
      let failures = 0;
      let firstFailure: string | undefined;
      const report = show ? progressReporter("review: verdicts", count, ctx.progress) : () => undefined;
      const cpu = cpuMeter();
      const started = performance.now();
      const reviewer = async (i: number) => {
        const api = ctx.api.as(ctx.cloud.mintToken(`bench-reviewer-${runId}-${i}`, ["hitl/reviewer"]));
        while (decided < count) {
          try {
            const t0 = performance.now();
            const claimed = await api.reviews.claim(queue);
            const t1 = performance.now();
            if (!claimed) {
              emptyClaims += 1;
              if ((await pendingCount()) === 0) return;
              continue;
            }
            claimMs.push(t1 - t0);
            await api.reviews.verdict(claimed.review.reviewId, {
              label: "approve",
              handlingSeconds: HANDLING_SECONDS,
            });
            verdictMs.push(performance.now() - t1);
            decided += 1;
            report(decided);
          } catch (error) {
            failures += 1;
            firstFailure ??= error instanceof Error ? error.message : String(error);
            if (failures > count) return;
          }
        }
      };
      await Promise.all(Array.from({ length: reviewerCount }, (_, i) => reviewer(i + 1)));
      const reviewElapsed = performance.now() - started;
      const busy = cpu();

      if (show) ctx.progress("review: waiting for every review workflow to finish");
      const arns = [...reviewIds].map((id) => executionArn(ctx.app.reviewArn, id));
      await waitFor(async () => {
        for (const arn of arns) {
          if ((await ctx.cloud.stepFunctions.describeExecution(arn)).status === "RUNNING") return false;
        }
        return true;
      }, 120_000);
      return {
        reviewIds,
        routed,
        intakeMs,
        claimMs,
        verdictMs,
        decided,
        emptyClaims,
        failures,
        firstFailure,
        reviewElapsed,
        busy,
      };
    };

    // Warm-up (not counted): every function of the review path gets its workers started.
    recorder.begin(undefined);
    const warmItems = Math.min(m, Math.max(4, Math.ceil(reviewers / 2)));
    ctx.progress(`review: warm-up, ${warmItems} held items (not counted)`);
    await round("held-warm", warmItems, Math.min(reviewers, warmItems), false);
    await recorder.settle();

    const httpBefore = ctx.api.requests;
    const since = Date.now();
    recorder.begin(PHASE);
    const {
      reviewIds,
      routed,
      intakeMs,
      claimMs,
      verdictMs,
      decided,
      emptyClaims,
      failures,
      firstFailure,
      reviewElapsed,
      busy,
    } = await round("held", m, reviewers, true);
    const httpRequests = ctx.api.requests - httpBefore;
    await recorder.settle();
    recorder.begin(undefined);

    const phase = recorder.phase(PHASE);
    const standard = await sampleExecutions(ctx, ctx.app.reviewArn, since, reviewIds);
    const express = await sampleExecutions(ctx, ctx.app.routerArn, since);
    const items = reviewIds.size;
    const standardTransitions = standard.transitionsPerExecution * standard.sampled;
    const sqsSends = standard.sqsSendsPerExecution * standard.sampled;
    const measuredCounts = counterMeasured(ctx, phase.invocations);
    const modelledEvents = measuredCounts ? 0 : (PATH_ACTIVITIES.human.metricEvent ?? 0);
    const measurement: Measurement = {
      items,
      httpRequests,
      functions: functionCounts(ctx, phase),
      expressExecutions: executionsEnded(phase, "EXPRESS"),
      expressMeanMs: express.meanMs,
      standardTransitions,
      stateMachineSqsSends: sqsSends,
      ops: phase.ops,
      modelledMetricEvents: modelledEvents,
      modelledRoutedCounts: measuredCounts ? 0 : 1,
    };
    const cost = costReport(measurement);
    const human = humanCostPerItem();
    const claim = summarize(claimMs);
    const verdict = summarize(verdictMs);
    const throughput = ratePerSecond(decided, reviewElapsed);

    const summaryRows = [
      ["held items (routed, then all in the queue before reviewers start)", String(items)],
      ["intake: last routed → all items in the queue", `${num(intakeMs / 1000, 1)} s`],
      ["reviewers working at once", String(reviewers)],
      [
        "claim + verdict throughput",
        `**${num(throughput, 1)} items/s** (${decided} in ${num(reviewElapsed / 1000, 1)} s)`,
      ],
      [
        "CPU per claim + verdict (the local cloud's own threads and JVM)",
        `${num(cpuMsPer(busy, throughput), 1)} ms`,
      ],
      ["claim latency p50 / p99", `${num(claim.p50)} / ${num(claim.p99)} ms`],
      ["verdict latency p50 / p99", `${num(verdict.p50)} / ${num(verdict.p99)} ms`],
      ["empty claims, failed calls", `${emptyClaims}, ${failures}`],
      ["Standard state transitions per held item", `**${num(standard.transitionsPerExecution, 2)}**`],
      ["modelled AWS cost per held item (infrastructure)", `**${dollars(cost.totalPerItem, 6)}**`],
      [
        `human cost per held item (${HANDLING_SECONDS} s at $${HOURLY_RATE_USD}/h)`,
        `${dollars(human, 2)}: ${num(human / cost.totalPerItem, 0)}× the infrastructure`,
      ],
    ];
    const chart = barChart(
      [
        { label: "claim p50", value: claim.p50 },
        { label: "claim p99", value: claim.p99 },
        { label: "verdict p50", value: verdict.p50 },
        { label: "verdict p99", value: verdict.p99 },
      ],
      { unit: "ms" },
    );
    const ops = opsRows(ctx, {
      phase,
      items,
      httpRequests,
      express: {
        executions: measurement.expressExecutions,
        transitionsPerExecution: express.transitionsPerExecution,
      },
      standard: {
        executions: executionsEnded(phase, "STANDARD"),
        transitions: standardTransitions,
        sqsSends,
      },
    });
    const costRows = cost.lines.map((line) => [
      line.service + (line.source === "modelled" ? " (modelled)" : ""),
      line.basis,
      dollars(line.usdPerItem * 1e6),
    ]);
    costRows.push(["**total**", "", `**${dollars(cost.totalPerItem * 1e6)}**`]);

    const md = [
      `## Held items: ${items} held decisions, ${reviewers} reviewers`,
      "",
      markdown(["metric", "value"], summaryRows),
      "",
      "Latency (ms):",
      "",
      "```",
      chart,
      "```",
      "",
      "### AWS operations per held item (routing, intake, claim, verdict, settle)",
      "",
      markdown(opsHeader("held item"), ops, ["left", "left", "right", "left", "right"]),
      "",
      "### Modelled AWS cost per million held items",
      "",
      markdown(["service", "counted per held item", "$ per million"], costRows, ["left", "left", "right"]),
      "",
      `Infrastructure is about ${dollars(cost.totalPerItem * 1000, 3)} per thousand held items; the person deciding`,
      `costs ${dollars(human, 2)} per item at ${HANDLING_SECONDS} s and $${HOURLY_RATE_USD}/h, so human cost dominates by a factor of about`,
      `${num(human / cost.totalPerItem, 0)}.`,
      "",
      markdown(["CPU while reviewers worked", "average"], cpuRows(busy), ["left", "right"]),
    ].join("\n");

    return {
      markdown: md,
      data: {
        held: m,
        items,
        reviewers,
        intakeMs,
        reviewElapsedMs: reviewElapsed,
        throughputPerSecond: throughput,
        decided,
        emptyClaims,
        failures,
        firstFailure,
        claimLatencyMs: claim,
        verdictLatencyMs: verdict,
        heldRoutingLatencyMs: summarize(routed.latenciesMs),
        standard,
        express,
        executionsEnded: phase.executions,
        httpRequestsPerItem: httpRequests / items,
        sdkOperations: phase.ops,
        unitsPerItem: unitsPerItem(phase, items),
        operationsPerItem: cost.operations,
        invocations: Object.fromEntries(
          Object.entries(phase.invocations).map(([name, s]) => [ctx.app.functions[name]?.label ?? name, s]),
        ),
        cost: {
          lines: cost.lines,
          usdPerItem: cost.totalPerItem,
          modelledMetricEvents: modelledEvents,
          humanUsdPerItem: human,
          humanToInfrastructure: human / cost.totalPerItem,
        },
        cpu: busy,
        cpuMsPerClaimAndVerdict: cpuMsPer(busy, throughput),
        cloudErrors: { lines: phase.errorLines, first: phase.firstErrors },
      },
    };
  },
};

/**
 * Issue 4 §6 and issue 10 §1: the metrics pipeline on the local cloud, as it runs in the app.
 *
 * 1. Counting: the records a run of decisions writes (decisions, review items in three writes each,
 *    corrections and their acknowledgements, plus 1% of writes repeated unchanged) go straight into
 *    the records tables with PutItem; the tables' streams, their filters and the metrics counter
 *    function run as the template wires them. Events/s from the first write until the counters hold
 *    every event the records imply, and whether they hold each exactly once (live = rebuild).
 * 2. Write units per counted event, from the counter's counted SDK operations, split into marks,
 *    counter updates and first-seen units; $ per million events (core/cost).
 * 3. Read time of one experiment's aggregates (reads.ts).
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoMetricsStore } from "../../../adapters/dynamodb/metrics-store";
import { costOfOperations } from "../../../core/cost/model";
import { operationsOf } from "../../../core/cost/operations";
import { DEFAULT_PRICES } from "../../../core/cost/prices";
import { diffCounters, liveCounters, rebuildCounters } from "../../../core/metrics/rebuild";
import { seededRandom } from "../../../core/simulation/random";
import type { BenchContext, Scenario, ScenarioResult } from "../../context";
import { costReport, type Measurement } from "../../cost";
import { cpuMeter } from "../../machine";
import { dollars, markdown, num, perItem } from "../../render";
import { ratePerSecond } from "../../stats";
import { cpuRows, functionCounts } from "../common";
import { totalsOf, waitCounted, writeRecords } from "./counting";
import { decisionCount, recordMix, withRepeats } from "./mix";
import { ARMS, measureReads } from "./reads";
import { readData, readSection } from "./report";
import { COUNTER_OPERATIONS, onlyOperations, splitCounterUnits } from "./write-units";

const PHASE = "metrics";
/** Share of writes repeated unchanged (a retried step): DynamoDB streams nothing for them. */
export const REPEAT_SHARE = 0.01;
/** Concurrent writers (item lanes). */
const WRITERS = 8;

function counterName(ctx: BenchContext): string {
  const fn = Object.values(ctx.app.functions).find((f) => /Metrics\/Counter/.test(f.label));
  if (!fn) throw new Error("no metrics counter function (…/Metrics/Counter) in the templates");
  return fn.name;
}

export const metrics: Scenario = {
  name: "metrics",
  title: "Metrics: counting from the records streams",
  description:
    "records written as the use cases write them, counted from the tables' streams: events/s, WRU per event, exactly once; read time of 1M vs 10k decisions",
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const { recorder, runId } = ctx;
    const n = decisionCount(ctx.options);
    const tables = {
      decisions: ctx.app.tables.DecisionsTable ?? "",
      reviews: ctx.app.tables.ReviewsTable ?? "",
    };
    const table = ctx.app.tables.MetricsTable;
    if (!table || !tables.decisions || !tables.reviews)
      throw new Error("the templates lack a records or metrics table");
    const db = DynamoDBDocumentClient.from(ctx.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const store = new DynamoMetricsStore(db, table);
    const counter = counterName(ctx);
    const random = seededRandom(Number.parseInt(runId.slice(-6), 36) || 1);
    const mix = (count: number, experimentId: string, prefix: string) =>
      recordMix(count, {
        experimentId,
        arms: ARMS,
        prefix,
        units: Math.max(10, Math.round(count / 8)),
        random,
      });
    const eventsOf = (m: ReturnType<typeof mix>) =>
      [...rebuildCounters(m.records).values()].reduce((s, c) => s + (c.events ?? 0), 0);

    // Warm-up (not counted): starts the counter's workers and its SDK clients.
    recorder.begin(undefined);
    const warmId = `bench-metrics-warm-${runId}`;
    const warm = mix(Math.min(300, n), warmId, `${runId}-warm`);
    ctx.progress(`metrics: warm-up, ${warm.writes.length} record writes (not counted)`);
    await writeRecords(db, tables, warm.writes, WRITERS);
    const warmed = await waitCounted(store, warmId, eventsOf(warm), () => undefined);
    if (warmed.counted < eventsOf(warm))
      throw new Error(`the counter counted ${warmed.counted} of ${eventsOf(warm)} warm-up events`);
    await recorder.settle();

    const experimentId = `bench-metrics-${runId}`;
    const run = mix(n, experimentId, `${runId}-run`);
    const writes = withRepeats(run.writes, REPEAT_SHARE, random);
    const expected = eventsOf(run);
    ctx.progress(
      `metrics: ${n} decisions: ${run.writes.length} record writes + ${writes.length - run.writes.length} repeated unchanged, ${expected} events`,
    );

    recorder.begin(PHASE);
    const cpu = cpuMeter();
    const started = performance.now();
    let lastReport = 0;
    const writing = writeRecords(db, tables, writes, WRITERS).then((r) => ({ ...r, at: performance.now() }));
    const counted = await waitCounted(store, experimentId, expected, (c) => {
      if (performance.now() - lastReport < 5000) return;
      lastReport = performance.now();
      ctx.progress(`metrics: counted ${c} of ${expected}`);
    });
    const written = await writing;
    const busy = cpu();
    await recorder.settle();
    recorder.begin(undefined);

    const elapsedMs = counted.at - started;
    const rows = await store.readExperiment(experimentId, { fromHour: "0000" });
    const differences = diffCounters(liveCounters(rows), rebuildCounters(run.records));
    const exactlyOnce = differences.length === 0;
    const phase = recorder.phase(PHASE);
    const ops = onlyOperations(phase.ops, COUNTER_OPERATIONS);
    const otherOps = Object.keys(phase.ops.ops).filter((op) => !(op in ops.ops));
    const stats = phase.invocations[counter];
    const batches = stats?.count ?? 0;
    const countedEvents = totalsOf(rows).events ?? 0;
    const units = splitCounterUnits(ops);
    const perEvent = (x: number) => (countedEvents > 0 ? x / countedEvents : Number.NaN);
    const measurement: Measurement = {
      items: countedEvents,
      httpRequests: 0,
      functions: functionCounts(ctx, phase).filter((f) => f.label === ctx.app.functions[counter]?.label),
      expressExecutions: 0,
      expressMeanMs: 0,
      standardTransitions: 0,
      stateMachineSqsSends: 0,
      ops,
      modelledMetricEvents: 0,
    };
    const cost = costReport(measurement);
    const model = (activity: "metricEvent" | "routedCount") =>
      costOfOperations(operationsOf(activity), DEFAULT_PRICES).total * 1e6;

    const summaryRows = [
      [
        "records written",
        `${n.toLocaleString("en-US")} decisions: ${run.writes.length.toLocaleString("en-US")} PutItems from ${WRITERS} lanes ` +
          `(+ ${writes.length - run.writes.length} repeated unchanged: no stream record), ${num(ratePerSecond(written.puts, written.at - started), 0)} puts/s`,
      ],
      ["events the records imply", expected.toLocaleString("en-US")],
      [
        "**counted events/s** (first write → all counted)",
        `**${num(ratePerSecond(countedEvents, elapsedMs), 0)}** (${num(elapsedMs / 1000, 1)} s; counted ${num((counted.at - written.at) / 1000, 1)} s after the last write)`,
      ],
      [
        "metrics-counter batches",
        `${batches} (${num(ratePerSecond(batches, elapsedMs), 2)}/s), ${num(countedEvents / Math.max(1, batches), 1)} events per batch, ` +
          `${num((stats?.durationMs ?? 0) / Math.max(1, batches), 0)} ms per run, ${stats?.failed ?? 0} failed`,
      ],
      [
        "**exactly once** (live = rebuild)",
        exactlyOnce
          ? `**yes**: ${countedEvents.toLocaleString("en-US")} events counted, every counter equals what the records imply`
          : `**no**: ${differences.length} counters differ (${differences
              .slice(0, 4)
              .map((d) => `${d.arm} ${d.counter} ${d.live} vs ${d.rebuilt}`)
              .join(", ")})`,
      ],
    ];
    const wruRows = [
      [
        `stream marks (2 per committed transaction, ${units.marks / 2} transactions)`,
        perItem(perEvent(units.marks)),
      ],
      [
        `counter updates (${num(units.updates, 0)} updates; 2 WRU each as logged)`,
        perItem(perEvent(units.counters)),
      ],
      ["first-seen unit items (a PutItem per new unit)", perItem(perEvent(units.units))],
      [
        `refused transactions (${units.refused}; AWS bills ≥ 1 WRU, DynamoDB Local 0)`,
        perItem(perEvent(units.refused)),
      ],
      ["**total**", `**${perItem(perEvent(units.transactions + units.units + units.refused))}**`],
      [
        "reads: marks and unit items (RRU per event)",
        perItem(
          perEvent(
            Object.entries(ops.units)
              .filter(([k]) => k.endsWith(" RRU"))
              .reduce((s, [, v]) => s + v, 0),
          ),
        ),
      ],
    ];
    const costRows = cost.lines
      .filter((line) => line.usdPerItem > 0)
      .map((line) => [line.service, line.basis, dollars(line.usdPerItem * 1e6)]);
    costRows.push(["**total (measured)**", "", `**${dollars(cost.totalPerItem * 1e6)}**`]);
    costRows.push(["core/cost's model of `metricEvent` (batches of 10)", "", dollars(model("metricEvent"))]);
    costRows.push(["core/cost's model of `routedCount` (batches of 100)", "", dollars(model("routedCount"))]);

    ctx.progress("metrics: read time of one experiment's aggregates...");
    const reads = await measureReads(ctx, db, table);

    const md = [
      `## Metrics: ${n.toLocaleString("en-US")} decisions' records counted from the tables' streams`,
      "",
      markdown(["metric", "value"], summaryRows),
      "",
      "### Write units per counted event",
      "",
      markdown(["part", "WRU per event"], wruRows, ["left", "right"]),
      "",
      "From the counter's SDK-counted operations (`HITL_COUNT_OPERATIONS=1`): the middleware logs each",
      "transaction as 2 per Update (DynamoDB Local reports 2 for any transaction). Each committed transaction",
      "moved one mark; the rest is counter updates. On AWS an Update costs 2 × ⌈item KB⌉ of the item it updates.",
      "No dedupe item and no message per event: the record a write committed is the event log.",
      ...(otherOps.length > 0
        ? ["", `Left out (other functions in the phase): ${otherOps.join(", ")}.`]
        : []),
      "",
      "### Modelled AWS cost per million counted events",
      "",
      markdown(["service", "counted per event", "$ per million"], costRows, ["left", "left", "right"]),
      "",
      readSection(reads, store.shards),
      "",
      markdown(["CPU while counting", "average"], cpuRows(busy), ["left", "right"]),
    ].join("\n");

    return {
      markdown: md,
      data: {
        decisions: n,
        recordWrites: run.writes.length,
        repeatedWrites: writes.length - run.writes.length,
        expectedEvents: expected,
        countedEvents,
        elapsedMs,
        writeMs: written.at - started,
        countedEventsPerSecond: ratePerSecond(countedEvents, elapsedMs),
        exactlyOnce,
        differences,
        counter: {
          name: counter,
          batches,
          eventsPerBatch: countedEvents / Math.max(1, batches),
          meanRunMs: (stats?.durationMs ?? 0) / Math.max(1, batches),
          failed: stats?.failed ?? 0,
        },
        writeUnits: {
          ...units,
          perEvent: {
            marks: perEvent(units.marks),
            counters: perEvent(units.counters),
            units: perEvent(units.units),
            total: perEvent(units.transactions + units.units + units.refused),
          },
        },
        sdkOperations: ops,
        otherOperations: otherOps,
        cost: {
          lines: cost.lines.map((l) => ({ ...l, usdPerMillion: l.usdPerItem * 1e6 })),
          usdPerMillion: cost.totalPerItem * 1e6,
          modelMetricEventUsdPerMillion: model("metricEvent"),
          modelRoutedCountUsdPerMillion: model("routedCount"),
        },
        reads: readData(reads),
        cpu: busy,
        cloudErrors: { lines: phase.errorLines, first: phase.firstErrors },
      },
    };
  },
};

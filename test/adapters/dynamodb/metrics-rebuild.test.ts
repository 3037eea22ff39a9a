import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoAuditLog } from "../../../adapters/dynamodb/audit-log";
import { DynamoDecisionStore } from "../../../adapters/dynamodb/decision-store";
import { DynamoExperimentStore } from "../../../adapters/dynamodb/experiment-store";
import { DynamoFeedbackStore } from "../../../adapters/dynamodb/feedback-store";
import { DynamoGroundTruthStore } from "../../../adapters/dynamodb/ground-truth-store";
import { counterPk, repairPk } from "../../../adapters/dynamodb/metrics-keys";
import { DynamoMetricsStore } from "../../../adapters/dynamodb/metrics-store";
import { loadRebuildInput } from "../../../adapters/dynamodb/rebuild-loader";
import { DynamoReviewDesk } from "../../../adapters/dynamodb/review-desk";
import { DynamoReviewStore } from "../../../adapters/dynamodb/review-store";
import { DynamoStreamCounter } from "../../../adapters/dynamodb/stream-counter";
import { registerMetrics } from "../../../cli/commands/metrics";
import { experimentEntity } from "../../../core/audit/entry";
import { createExperiment } from "../../../core/experiments/manage";
import { acknowledgeFeedback } from "../../../core/feedback/acknowledge";
import { attachGroundTruth } from "../../../core/feedback/ground-truth";
import { experimentMetrics } from "../../../core/metrics/read";
import { diffCounters, liveCounters, rebuildCounters } from "../../../core/metrics/rebuild";
import { claimNext, submitVerdict } from "../../../core/review/desk";
import type { Hold } from "../../../core/review/hold";
import { storeHeldItem } from "../../../core/review/intake";
import { escalate, fallback, type RoundResult, settle } from "../../../core/review/steps";
import { routeDecision } from "../../../core/routing/route-decision";
import { countBatch, type RecordStreamWindowEvent } from "../../../functions/metrics-counter/handler";
import { seededRandom } from "../../core/stats/random";
import { type CliRun, runCli, writeDevFile } from "../../support/cli";
import { MemoryWorkflow } from "../../support/memory";
import { readRecordStreams, type ShardRecords } from "../../support/table-streams";
import { createMetricsTable, createRecordTables, type LocalDynamo, startLocalDynamo } from "./local-tables";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const EXPERIMENT = "claims-metrics";
const LABELS = ["approve", "reject", "investigate"];

let local: LocalDynamo;
let tables: Awaited<ReturnType<typeof createRecordTables>> & { metrics: string };
let metrics: DynamoMetricsStore;
const dir = mkdtempSync(path.join(tmpdir(), "hitl-metrics-"));

beforeAll(async () => {
  local = await startLocalDynamo();
  tables = { ...(await createRecordTables(local.client)), metrics: await createMetricsTable(local.client) };
  metrics = new DynamoMetricsStore(local.db, tables.metrics);
});

afterAll(async () => {
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A claims experiment through the real use cases on DynamoDB Local: routing (with replays), intake,
 * claims, heartbeats and verdicts through the reviewer desk, double review with adjudication, an SLA
 * chain to the fallback, settling, ground truth, acknowledgements. Nothing is published: every count
 * comes from the tables' streams afterwards.
 */
async function runScenario() {
  const reviews = new DynamoReviewStore(local.db, tables.reviews);
  const decisions = new DynamoDecisionStore(local.db, tables.decisions);
  const experiments = new DynamoExperimentStore(local.db, tables.experiments);
  const audit = new DynamoAuditLog(local.db, tables.audit);
  const feed = new DynamoFeedbackStore(local.db, tables.decisions);
  const workflow = new MemoryWorkflow();
  const now = () => new Date();
  const notify = { outcome: async () => undefined, feedback: async () => undefined };
  const stepDeps = { reviews, decisions, experiments, feedback: feed, audit, notify, now };
  const intakeDeps = { reviews, decisions, experiments, audit, now };
  const desk = {
    reviews,
    desk: new DynamoReviewDesk(local.db, tables.reviews),
    workflow,
    experiments,
    audit,
    now,
  };

  const example = JSON.parse(readFileSync(path.join(root, "examples/claims-triage.json"), "utf8"));
  for (const arm of example.arms) Object.assign(arm.policy, { auditRate: 0.5, doubleReviewRate: 0.6 });
  await createExperiment(
    { experiments, audit, now },
    { ...example, id: EXPERIMENT, hashSeed: EXPERIMENT },
    "test",
  );

  const requests = Array.from({ length: 40 }, (_, i) => ({
    experimentId: EXPERIMENT,
    unitId: `customer-${i % 15}`,
    decisionId: `dec-${i}`,
    item: { amount: 100 * i, topic: "claims" },
    prediction: {
      label: LABELS[i % 3] ?? "approve",
      confidence: 0.7 + (i % 10) * 0.03,
      modelVersion: "m1",
      ...(i % 2 ? { costUsd: 0.0004 } : {}),
    },
  }));
  const routeDeps = { experiments, decisions, audit, now, newId: randomUUID };
  const holds: Hold[] = [];
  for (const request of requests) {
    const result = await routeDecision(routeDeps, { request, receivedAt: new Date().toISOString() });
    if (!result.ok) throw new Error(result.error.message);
    if (result.hold) holds.push(result.hold);
  }
  // A producer retries five requests: same ids, answered from the records, written once.
  for (const request of requests.slice(0, 5)) await routeDecision(routeDeps, { request });

  const random = seededRandom(4);
  const token = (h: Hold) => `token-${h.reviewId}-${h.round}`;
  /** Claims the round's item from its queue and gives the verdict, as a reviewer in the console would. */
  async function decide(hold: Hold, label: string, reviewer: string) {
    const me = { id: reviewer, admin: true, queues: ["*"] };
    const claimed = await claimNext(desk, me, hold.queue);
    if (claimed?.reviewId !== hold.reviewId) throw new Error(`${reviewer} claimed ${claimed?.reviewId}`);
    await submitVerdict(desk, me, hold.reviewId, { label, handlingSeconds: 30 + Math.round(random() * 300) });
  }
  const settleRound = (hold: Hold) =>
    settle(stepDeps, { ...hold, verdict: workflow.succeeded.get(token(hold)) as RoundResult });

  let timedOut = false;
  for (const hold of holds) {
    await storeHeldItem(intakeDeps, { taskToken: token(hold), hold });
    const predicted = (await decisions.get(hold.decisionId))?.prediction.label ?? "approve";
    if (hold.kind === "review" && !timedOut && hold.requiredVerdicts === 1) {
      // Nobody takes it: tier-1 SLA → tier-2 → the fallback label.
      timedOut = true;
      const second = await escalate(stepDeps, hold);
      await storeHeldItem(intakeDeps, { taskToken: token(second), hold: second });
      const last = await escalate(stepDeps, second);
      expect(last.next).toBe("fallback");
      await fallback(stepDeps, last);
      continue;
    }
    const other = LABELS.find((l) => l !== predicted) ?? "reject";
    await decide(hold, predicted, "alice");
    if (hold.requiredVerdicts === 2) await decide(hold, random() < 0.5 ? predicted : other, "bob");
    const next = await settleRound(hold);
    if (next.next === "hold") {
      // The two reviewers disagreed: an adjudicator decides a new round.
      await storeHeldItem(intakeDeps, { taskToken: token(next), hold: next });
      await decide(next, other, "carol");
      await settleRound(next);
    }
  }
  // Ground truth for three automated decisions, and the ML team takes every correction into training.
  const groundTruth = {
    store: new DynamoGroundTruthStore(local.db, tables.decisions),
    reviews,
    audit,
    notify,
    now,
  };
  for (const request of requests.filter((_, i) => i % 10 === 9).slice(0, 3))
    await attachGroundTruth(
      groundTruth,
      request.decisionId,
      { label: "reject", source: "chargeback" },
      "crm",
    );
  await acknowledgeFeedback(
    { feed, now },
    { until: new Date().toISOString(), modelVersion: "m2", stage: "training" },
  );
}

/** Delivers a shard's records to the counter's handler in batches, as Lambda does. */
async function deliver(shard: ShardRecords, counter: DynamoStreamCounter, batch = 25) {
  for (let i = 0; i < shard.records.length; i += batch)
    await countBatch(
      {
        shardId: shard.shardId,
        eventSourceARN: shard.streamArn,
        // aws-lambda's attribute value type is its own; the shape is the SDK's.
        Records: shard.records.slice(i, i + batch) as unknown as RecordStreamWindowEvent["Records"],
      },
      counter,
    );
}

async function hitl(args: string[]): Promise<CliRun> {
  const devFile = writeDevFile(path.join(dir, "dev.json"), local.server.endpoint, tables);
  return runCli(registerMetrics, ["metrics", ...args, "--dev-file", devFile]);
}

const stream = {
  get client() {
    return local.client;
  },
  get endpoint() {
    return local.server.endpoint;
  },
};

describe("counting an experiment from the records tables' streams", () => {
  it("matches the rebuild on every counter after redelivered, overlapping and concurrent batches", async () => {
    // Arrange
    await runScenario();
    const shards = await readRecordStreams(stream, tables);

    // Act: every shard delivered once, then again from the start by three counters at once
    // (retries after a timeout, a second invocation), in smaller and larger batches.
    for (const shard of shards) await deliver(shard, new DynamoStreamCounter(local.db, tables.metrics));
    await Promise.all(
      [7, 25, 100].map((size) =>
        Promise.all(shards.map((s) => deliver(s, new DynamoStreamCounter(local.db, tables.metrics), size))),
      ),
    );
    const [input, rows] = await Promise.all([
      loadRebuildInput(local.db, tables, EXPERIMENT),
      metrics.readExperiment(EXPERIMENT),
    ]);

    // Assert: zero differences, and the scenario really covered each kind of counter
    expect(diffCounters(liveCounters(rows), rebuildCounters(input))).toEqual([]);
    const run = experimentMetrics(EXPERIMENT, rows).arms;
    const sum = (f: (m: (typeof run)[number]) => number) => run.reduce((s, m) => s + f(m), 0);
    const counter = (name: string) => sum((m) => m.counters[name] ?? 0);
    expect(sum((m) => m.decisions)).toBe(40);
    expect(sum((m) => m.units)).toBe(15);
    expect(sum((m) => m.quality.automated.audited)).toBeGreaterThan(0);
    expect(sum((m) => m.agreement.pairs)).toBeGreaterThan(0);
    expect(counter("disagreements")).toBeGreaterThan(0);
    expect(counter("escalations")).toBe(1);
    expect(counter("slaBreaches")).toBe(1);
    expect(counter("fallbackOutcomes")).toBe(1);
    expect(counter("queueMs")).toBeGreaterThanOrEqual(0);
    expect(counter("verdicts")).toBeGreaterThan(counter("enqueued") - 1);
    expect(counter("auditVerdicts")).toBe(counter("auditEnqueued"));
    expect(Object.keys(run[0]?.counters ?? {}).some((n) => n.startsWith("gt:"))).toBe(true);
    expect(sum((m) => m.feedback.stages.training.acknowledged)).toBeGreaterThan(0);
    expect(sum((m) => m.latency.auto.count)).toBeGreaterThan(0);
  });

  it("hitl metrics rebuild exits 0 when live and rebuilt counters agree", async () => {
    // Act
    const run = await hitl(["rebuild", "--experiment", EXPERIMENT]);

    // Assert
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("no differences");
    expect(run.exitCode).toBeUndefined();
  });

  it("hitl metrics show prints a per-arm table with costs and a monthly projection", async () => {
    const run = await hitl(["show", "--experiment", EXPERIMENT]);

    expect(run.stdout).toMatch(/automation rate/);
    expect(run.stdout).toMatch(/cost per decision: total/);
    expect(run.stdout).toMatch(/\/month/);
    expect(run.exitCode).toBeUndefined();
  });

  it("hitl metrics rebuild prints the difference and exits 1 when a counter was damaged", async () => {
    // Arrange: one decision counted twice, three verdicts lost, behind the counter's back
    await damage({ decisions: 1, verdicts: -3 });

    // Act
    const run = await hitl(["rebuild", "--experiment", EXPERIMENT]);

    // Assert
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/\s+decisions\s+\d+\s+\d+\s+1\n/);
    expect(run.stdout).toMatch(/\s+verdicts\s+\d+\s+\d+\s+-3\n/);
  });

  it("hitl metrics rebuild --repair writes the differences once, audit-trailed, and leaves no difference", async () => {
    // Act
    const repair = await hitl(["rebuild", "--experiment", EXPERIMENT, "--repair", "--settle-seconds", "0.2"]);
    const after = await hitl(["rebuild", "--experiment", EXPERIMENT]);
    const again = await hitl(["rebuild", "--experiment", EXPERIMENT, "--repair", "--settle-seconds", "0.2"]);

    // Assert
    expect(repair.stderr).toBe("");
    expect(repair.stdout).toMatch(
      /repaired \(repair-[0-9a-f-]+\): \d+ counter item\(s\) corrected in 1 transaction/,
    );
    expect(repair.exitCode).toBeUndefined();
    expect(after.stdout).toContain("no differences");
    expect(again.stdout).toContain("no differences");
    const { Items: markers = [] } = await local.db.send(
      new QueryCommand({
        TableName: tables.metrics,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": repairPk(EXPERIMENT) },
      }),
    );
    expect(markers).toHaveLength(1);
    const entries = await new DynamoAuditLog(local.db, tables.audit).list(experimentEntity(EXPERIMENT));
    expect(entries.filter((e) => e.action === "metrics-repaired")).toMatchObject([
      { detail: { differences: 2, repairId: markers[0]?.repairId } },
    ]);
  });
});

/** Adds to counters of the experiment's first counter item directly, as a bug or a hand edit would. */
async function damage(changes: Record<string, number>) {
  const [row] = await metrics.readExperiment(EXPERIMENT, { fromHour: "0000" });
  const names = Object.keys(changes);
  await local.db.send(
    new UpdateCommand({
      TableName: tables.metrics,
      Key: { pk: counterPk(EXPERIMENT, 0), sk: `${row?.hour}#${row?.arm}` },
      UpdateExpression: `ADD ${names.map((_, i) => `#n${i} :v${i}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, changes[n]])),
    }),
  );
}

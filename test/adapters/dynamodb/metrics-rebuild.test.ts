import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoAuditLog } from "../../../adapters/dynamodb/audit-log";
import { DynamoDecisionStore, toItem } from "../../../adapters/dynamodb/decision-store";
import type { DecisionStreamRecord } from "../../../adapters/dynamodb/decision-stream";
import { DynamoExperimentStore } from "../../../adapters/dynamodb/experiment-store";
import { DynamoFeedbackStore, FEEDBACK_SK } from "../../../adapters/dynamodb/feedback-store";
import { counterPk, DynamoMetricsStore, loadRebuildInput } from "../../../adapters/dynamodb/metrics-store";
import { DynamoReviewStore } from "../../../adapters/dynamodb/review-store";
import { DynamoStreamCounter } from "../../../adapters/dynamodb/stream-counter";
import { registerMetrics } from "../../../cli/commands/metrics";
import { tierPrice } from "../../../core/cost/human";
import type { DecisionRecord } from "../../../core/decisions/record";
import { createExperiment } from "../../../core/experiments/manage";
import type { Experiment } from "../../../core/experiments/schema";
import type { FeedbackRecord } from "../../../core/feedback/record";
import { feedbackAcknowledgedEvent, verdictEvent } from "../../../core/metrics/builders";
import type { MetricEvent } from "../../../core/metrics/events";
import { experimentMetrics } from "../../../core/metrics/read";
import { diffCounters, liveCounters, rebuildCounters } from "../../../core/metrics/rebuild";
import type { EventPublisher } from "../../../core/ports";
import type { Hold } from "../../../core/review/hold";
import { storeHeldItem } from "../../../core/review/intake";
import type { Verdict } from "../../../core/review/item";
import { escalate, fallback, settle } from "../../../core/review/steps";
import { routeDecision } from "../../../core/routing/route-decision";
import { processBatch } from "../../../functions/metrics-aggregator/handler";
import { countBatch } from "../../../functions/routed-counter/handler";
import { seededRandom } from "../../core/stats/random";
import { type CliRun, runCli, writeDevFile } from "../../support/cli";
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

const sqsBatch = (events: readonly MetricEvent[]): SQSEvent => ({
  Records: events.map((event, i) => ({
    messageId: `msg-${i}-${randomUUID()}`,
    receiptHandle: "rh",
    body: JSON.stringify(event),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:MetricsQueue",
    awsRegion: "us-east-1",
  })),
});

/** Every event here is well formed: a dead letter would be a bug (and fails the batch assertion). */
const noDeadLetters = {
  send: async (_record: unknown, code: string, reason: string): Promise<void> => {
    throw new Error(`unexpected dead letter ${code}: ${reason}`);
  },
};

/** Stands in for the SQS publisher: every publish is delivered to the aggregator at once, and kept for redelivery. */
class ForwardingPublisher implements EventPublisher {
  readonly published: MetricEvent[] = [];
  async publish(events: MetricEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.published.push(...events);
    const { batchItemFailures } = await processBatch(sqsBatch(events), metrics, noDeadLetters);
    expect(batchItemFailures).toEqual([]);
  }
}

/**
 * Stands in for the decisions table's stream: each decision record the store creates becomes an
 * INSERT with the next sequence number, delivered to the routed counter as its handler would.
 */
class StreamedDecisionStore extends DynamoDecisionStore {
  readonly inserts: DecisionStreamRecord[] = [];
  private sequence = 200_000_000_000_000_000_000n;
  override async create(record: DecisionRecord): Promise<"created" | "exists"> {
    const result = await super.create(record);
    if (result === "created")
      this.inserts.push({
        eventName: "INSERT",
        dynamodb: { SequenceNumber: String(this.sequence++), NewImage: marshall(toItem(record)) },
      });
    return result;
  }
  /** Delivers every insert so far in order, as one shard's batches of up to 25 records. */
  async deliver(counter = new DynamoStreamCounter(local.db, tables.metrics)): Promise<void> {
    for (let i = 0; i < this.inserts.length; i += 25)
      await countBatch({ shardId: "shardId-test", Records: this.inserts.slice(i, i + 25) }, counter);
  }
}

/**
 * A small claims experiment through the real use cases on DynamoDB: routing (with replays), intake,
 * verdicts as the reviews API will record them, double review with adjudication, an SLA chain to the
 * fallback, feedback and its acknowledgement. Events reach the aggregator as they are published.
 */
async function runScenario(publisher: ForwardingPublisher, decisions: StreamedDecisionStore) {
  const reviews = new DynamoReviewStore(local.db, tables.reviews);
  const experiments = new DynamoExperimentStore(local.db, tables.experiments);
  const audit = new DynamoAuditLog(local.db, tables.audit);
  const feedbackStore = new DynamoFeedbackStore(local.db, tables.decisions);
  const now = () => new Date();
  const notify = { outcome: async () => undefined, feedback: async () => undefined };
  const stepDeps = {
    reviews,
    decisions,
    experiments,
    feedback: feedbackStore,
    audit,
    events: publisher,
    notify,
    now,
  };
  const intakeDeps = { reviews, decisions, experiments, audit, events: publisher, now };

  const example = JSON.parse(readFileSync(path.join(root, "examples/claims-triage.json"), "utf8"));
  for (const arm of example.arms) Object.assign(arm.policy, { auditRate: 0.5, doubleReviewRate: 0.6 });
  const experiment: Experiment = await createExperiment(
    { experiments, audit, now },
    { ...example, id: EXPERIMENT, hashSeed: EXPERIMENT },
    "test",
  );
  const policyOf = (arm: string) => {
    const found = experiment.arms.find((a) => a.id === arm);
    if (!found) throw new Error(`no arm ${arm}`);
    return found.policy;
  };

  const requests = Array.from({ length: 40 }, (_, i) => ({
    experimentId: EXPERIMENT,
    unitId: `customer-${i % 15}`,
    decisionId: `dec-${i}`,
    item: { amount: 100 * i, topic: i % 9 === 0 ? "legal" : "claims" },
    prediction: {
      label: LABELS[i % 3] ?? "approve",
      confidence: 0.7 + (i % 10) * 0.03,
      modelVersion: "m1",
      ...(i % 2 ? { costUsd: 0.0004 } : {}),
    },
  }));
  const routeDeps = { experiments, decisions, audit, events: publisher, now, newId: randomUUID };
  const holds: Hold[] = [];
  for (const request of requests) {
    const result = await routeDecision(routeDeps, { request, receivedAt: new Date().toISOString() });
    if (!result.ok) throw new Error(result.error.message);
    if (result.hold) holds.push(result.hold);
  }
  // A producer retries five requests: same ids, answered from the records, counted once.
  for (const request of requests.slice(0, 5)) await routeDecision(routeDeps, { request });
  await decisions.deliver();

  const random = seededRandom(4);
  /** Records verdicts on the item and publishes their events, as POST /v1/reviews/{id}/verdict will. */
  async function decide(hold: Hold, labels: string[], reviewers: string[]): Promise<Verdict[]> {
    const item = await reviews.get(hold.reviewId);
    const decision = await decisions.get(hold.decisionId);
    if (!item || !decision) throw new Error(`review ${hold.reviewId} not stored`);
    const verdicts: Verdict[] = labels.map((label, i) => ({
      reviewer: reviewers[i] ?? "reviewer",
      label,
      handlingSeconds: 30 + Math.round(random() * 300),
      at: new Date().toISOString(),
      tier: item.tier,
      round: hold.round,
      ...(hold.adjudication ? { adjudication: true } : {}),
    }));
    const all = [...item.verdicts, ...verdicts];
    await reviews.update(hold.reviewId, hold.round, { verdicts: all });
    await publisher.publish(
      verdicts.map((verdict) =>
        verdictEvent({
          item,
          verdict,
          decision,
          price: tierPrice(policyOf(item.arm), verdict.tier),
          queueSeconds: 45,
        }),
      ),
    );
    return all;
  }

  let timedOut = false;
  for (const hold of holds) {
    const token = (h: Hold) => `token-${h.reviewId}-${h.round}`;
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
    const labels =
      hold.requiredVerdicts === 2
        ? [predicted, random() < 0.5 ? predicted : other]
        : [random() < 0.3 ? other : predicted];
    const verdicts = await decide(hold, labels, ["alice", "bob"]);
    const next = await settle(stepDeps, { ...hold, verdict: { verdicts } });
    if (next.next === "hold") {
      // The two reviewers disagreed: an adjudicator decides a new round.
      await storeHeldItem(intakeDeps, { taskToken: token(next), hold: next });
      const all = await decide(next, [other], ["carol"]);
      await settle(stepDeps, { ...next, verdict: { verdicts: all } });
    }
  }

  // The ML team acknowledges every other correction into training (as POST /v1/feedback/ack will).
  const produced = publisher.published.filter((e) => e.type === "feedback.produced");
  for (const [i, event] of produced.entries()) {
    if (i % 2) continue;
    const { Item } = await local.db.send(
      new GetCommand({ TableName: tables.decisions, Key: { pk: event.feedbackId, sk: FEEDBACK_SK } }),
    );
    const record = Item as unknown as FeedbackRecord;
    const ack = { stage: "training" as const, modelVersion: "m2", at: new Date().toISOString() };
    await local.db.send(
      new UpdateCommand({
        TableName: tables.decisions,
        Key: { pk: record.feedbackId, sk: FEEDBACK_SK },
        UpdateExpression: "SET acks = list_append(if_not_exists(acks, :empty), :ack)",
        ExpressionAttributeValues: { ":empty": [], ":ack": [ack] },
      }),
    );
    await publisher.publish([feedbackAcknowledgedEvent({ record, enrolled: event.enrolled, ...ack })]);
  }
}

/**
 * At-least-once delivery: half of all events again, shuffled, through three aggregators at once,
 * while the whole stream is delivered again.
 */
async function redeliver(events: readonly MetricEvent[], stream: StreamedDecisionStore) {
  const random = seededRandom(9);
  const again = events.filter(() => random() < 0.5).sort(() => random() - 0.5);
  const aggregators = [0, 1, 2].map(() => new DynamoMetricsStore(local.db, tables.metrics));
  await Promise.all([
    stream.deliver(),
    ...aggregators.map(async (aggregator, a) => {
      const mine = again.filter((_, i) => i % 3 === a);
      for (let i = 0; i < mine.length; i += 100) {
        const { batchItemFailures } = await processBatch(
          sqsBatch(mine.slice(i, i + 100)),
          aggregator,
          noDeadLetters,
        );
        expect(batchItemFailures).toEqual([]);
      }
    }),
  ]);
}

async function hitl(args: string[]): Promise<CliRun> {
  const devFile = writeDevFile(path.join(dir, "dev.json"), local.server.endpoint, tables);
  return runCli(registerMetrics, ["metrics", ...args, "--dev-file", devFile]);
}

describe("rebuilding counters from the records", () => {
  it("matches the live counters after duplicates, replays and concurrent aggregators", async () => {
    // Arrange
    const publisher = new ForwardingPublisher();
    const decisions = new StreamedDecisionStore(local.db, tables.decisions);
    await runScenario(publisher, decisions);
    await redeliver(publisher.published, decisions);

    // Act
    const [input, rows] = await Promise.all([
      loadRebuildInput(local.db, tables, EXPERIMENT),
      metrics.readExperiment(EXPERIMENT),
    ]);
    const differences = diffCounters(liveCounters(rows), rebuildCounters(input));

    // Assert: zero differences, and the scenario really covered each kind of counter
    expect(differences).toEqual([]);
    const run = experimentMetrics(EXPERIMENT, rows).arms;
    const sum = (f: (m: (typeof run)[number]) => number) => run.reduce((s, m) => s + f(m), 0);
    expect(sum((m) => m.decisions)).toBe(40);
    expect(sum((m) => m.units)).toBe(15);
    expect(sum((m) => m.quality.automated.audited)).toBeGreaterThan(0);
    expect(sum((m) => m.agreement.pairs)).toBeGreaterThan(0);
    expect(sum((m) => m.counters.disagreements ?? 0)).toBeGreaterThan(0);
    expect(sum((m) => m.counters.fallbackOutcomes ?? 0)).toBe(1);
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

  it("hitl metrics rebuild prints the difference and exits 1 when a counter was double-counted", async () => {
    // Arrange: one decision counted twice behind the dedupe's back
    const rows = await metrics.readExperiment(EXPERIMENT);
    const row = rows[0];
    await local.db.send(
      new UpdateCommand({
        TableName: tables.metrics,
        Key: { pk: counterPk(EXPERIMENT, 0), sk: `${row?.hour}#${row?.arm}` },
        UpdateExpression: "ADD decisions :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );

    // Act
    const run = await hitl(["rebuild", "--experiment", EXPERIMENT]);

    // Assert
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`${row?.arm}\\s+decisions\\s+\\d+\\s+\\d+\\s+1`));
  });
});

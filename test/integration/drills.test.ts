import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import {
  GetQueueAttributesCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { caughtUp, FaultControl, PROBE, totalOf } from "../support/drills";
import { call, cloud, dynamodb, eventually, type HttpAnswer, nameOf, sqs, uid } from "./support";

/**
 * Drills: every state-changing path crashed at each of its write boundaries, on the shared local
 * cloud. A path runs once with a probe (a fault that only counts the writes of the invocation it
 * matches), then once per write with the function's worker killed right after that write; each run
 * has an experiment (and queue) of its own, so the runs go in parallel. Afterwards every decision
 * has settled, its counts are what one clean life implies, and live counters equal the rebuild.
 */
const faults = new FaultControl(inject("faultsUrl"));

interface Subject {
  experimentId: string;
  queue: string;
  decisionId: string;
  reviewId: string;
  feedbackId: string;
}

interface Drill {
  /** The function the fault kills. */
  readonly fn: string;
  /** What the step's invocation event contains (and no other invocation's). */
  readonly match: (s: Subject) => string[];
  /** The experiment's review policy, beyond the defaults below. */
  readonly policy?: Record<string, unknown>;
  /** The first-tier queue; default one of the run's own. */
  readonly queue?: string;
  /** Brings a fresh subject to just before the step; the fault is armed after this. */
  readonly prepare: (s: Subject) => Promise<void>;
  /** The step, retried as its caller (a client, a queue, the workflow) retries it. */
  readonly step: (s: Subject) => Promise<void>;
  /** Drives the subject to its end, and says so. */
  readonly finish: (s: Subject) => Promise<void>;
  /** Counters one life of the subject implies, once each. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * Runs one life at a time: an SQS consumer gets batches, and a batch holding two runs' messages
   * would carry only one run's fault.
   */
  readonly serial?: boolean;
}

// ---- the steps, each retried as its caller would ------------------------------------------------

/** An HTTP call retried while the answer is a 5xx (a crashed function): what a client does. */
async function retried<T>(send: () => Promise<HttpAnswer<T>>): Promise<HttpAnswer<T>> {
  for (let attempt = 1; ; attempt++) {
    const answer = await send();
    if (answer.status < 500 || attempt >= 20) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const decisionBody = (s: Subject, held: boolean) => ({
  experimentId: s.experimentId,
  unitId: `unit-${s.decisionId}`,
  decisionId: s.decisionId,
  item: { topic: held ? "legal" : "billing" },
  prediction: { label: "approve", confidence: held ? 0.6 : 0.99, modelVersion: "m-drill" },
});

async function route(s: Subject, held = true): Promise<void> {
  const answer = await retried(() =>
    call<{ route: string; reviewId?: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: decisionBody(s, held),
    }),
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.route).toBe(held ? "human" : "auto");
  s.reviewId = answer.body.reviewId ?? "";
}

interface Review {
  status: string;
  queue: string;
  leaseHolder?: string;
}

const review = async (s: Subject) =>
  (await call<{ review: Review | null }>("GET", `/v1/reviews/${s.reviewId}`, { role: "admin" })).body.review;

/**
 * How long a drill waits for a step: generous, because a crashed worker's successor cold-starts
 * and 2-core machines shared by several suites ran at load 40 (a wait ends as soon as it is met).
 */
const PATIENCE_MS = 180_000;

/** Waits until the item waits in `queue` (default: the subject's). */
async function queued(s: Subject, queue = s.queue, timeoutMs = PATIENCE_MS): Promise<void> {
  await eventually(
    async () => {
      const r = await review(s);
      return r?.status === "pending" && r.queue === queue ? true : undefined;
    },
    timeoutMs,
    `${s.reviewId} pending in ${queue}`,
  );
}

const reviewer = () => cloud.identities.r1 as string;

/** Claims the subject's item (the queue is the subject's alone), retrying until it comes. */
async function claim(s: Subject, queue = s.queue, token = reviewer()): Promise<void> {
  await eventually(
    async () => {
      const answer = await call<{ review: { reviewId: string } | null }>(
        "POST",
        `/v1/queues/${queue}/claim?experimentId=${s.experimentId}`,
        { token },
      );
      return answer.body.review?.reviewId === s.reviewId ? true : undefined;
    },
    PATIENCE_MS,
    `a claim of ${s.reviewId}`,
  );
}

/** A verdict, retried after a crash; a retry may find the hold already closed by the first attempt. */
async function verdict(s: Subject, token = reviewer()): Promise<void> {
  let crashed = false;
  const answer = await retried(async () => {
    const sent = await call("POST", `/v1/reviews/${s.reviewId}/verdict`, { token, body: { label: "deny" } });
    crashed ||= sent.status >= 500;
    return sent;
  });
  if (crashed && answer.status === 409) return;
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

interface Stored {
  status: string;
  outcome?: string;
  outcomeSource?: string;
  groundTruth?: { label: string };
}

async function settled(s: Subject, status: string, timeoutMs = PATIENCE_MS): Promise<Stored> {
  return eventually(
    async () => {
      const d = await call<Stored>("GET", `/v1/decisions/${s.decisionId}`, { role: "analyst" });
      return d.body.status === status ? d.body : undefined;
    },
    timeoutMs,
    `${s.decisionId} ${status}`,
  );
}

const sfn = new SFNClient({
  endpoint: cloud.endpoints.stepfunctions,
  region: cloud.region,
  credentials: cloud.credentials,
});
afterAll(() => sfn.destroy());

/**
 * Waits for the subject's review workflow to end: a decision can read "decided" while the step
 * that wrote it is still to be retried for its other writes.
 */
async function workflowEnded(s: Subject): Promise<void> {
  const machine = nameOf("Review/StateMachine");
  const executionArn = `${machine.replace(":stateMachine:", ":execution:")}:${s.reviewId}`;
  const status = await eventually(
    async () => {
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return status === "RUNNING" ? undefined : status;
    },
    PATIENCE_MS,
    `the review workflow of ${s.reviewId} to end`,
  );
  expect(status, `the review workflow of ${s.reviewId}`).toBe("SUCCEEDED");
}

const decidedByReviewer = async (s: Subject) => {
  expect(await settled(s, "decided")).toMatchObject({ outcome: "deny", outcomeSource: "reviewer" });
  await workflowEnded(s);
};

async function groundTruth(s: Subject): Promise<void> {
  const answer = await retried(() =>
    call<{ feedbackId?: string }>("POST", `/v1/decisions/${s.decisionId}/ground-truth`, {
      role: "producer",
      body: { label: "deny", source: "chargeback" },
    }),
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  s.feedbackId = answer.body.feedbackId ?? "";
}

// ---- the paths ----------------------------------------------------------------------------------

/**
 * Not `enqueued`: how many rounds an item has depends on the clock, not on crashes. The hold's
 * heartbeat clock runs from the round's start, claimed or not, so an item nobody claims within
 * `heartbeatSeconds` (intake took 26 s at load 45) goes back to its queue as a new round.
 */
const HUMAN_LIFE = { decisions: 1, human: 1, verdicts: 1, overrides: 1, humanOutcomes: 1 };

const DRILLS: Record<string, Drill> = {
  route: {
    fn: "route-decision",
    match: (s) => [s.decisionId],
    prepare: async () => undefined,
    // The router runs the crashed function again (or the client resends the decision).
    step: (s) => route(s),
    finish: async (s) => {
      await queued(s);
      await claim(s);
      await verdict(s);
      await decidedByReviewer(s);
    },
    counts: HUMAN_LIFE,
  },
  intake: {
    fn: "review-intake",
    serial: true,
    match: (s) => [s.decisionId],
    prepare: async () => undefined,
    step: async (s) => {
      await route(s);
      await queued(s);
    },
    finish: async (s) => {
      await claim(s);
      await verdict(s);
      await decidedByReviewer(s);
    },
    counts: HUMAN_LIFE,
  },
  claim: {
    fn: "reviews-api",
    match: (s) => [`/v1/queues/${s.queue}/claim`],
    policy: {
      sla: {
        tiers: [{ name: "tier-1", slaSeconds: 3600 }],
        fallback: { action: "model" },
        heartbeatSeconds: 10,
      },
    },
    prepare: (s) => route(s).then(() => queued(s)),
    // A claim that crashed after its write leaves the item leased to a reviewer who never saw it:
    // it comes back when the lease (the workflow's heartbeat, 10 s here) runs out.
    step: (s) => claim(s),
    finish: async (s) => {
      await verdict(s);
      await decidedByReviewer(s);
    },
    counts: { decisions: 1, human: 1, verdicts: 1, overrides: 1, humanOutcomes: 1 },
  },
  verdict: {
    fn: "reviews-api",
    match: (s) => [`/v1/reviews/${s.reviewId}/verdict`],
    prepare: (s) => route(s).then(() => queued(s).then(() => claim(s))),
    step: (s) => verdict(s),
    finish: decidedByReviewer,
    counts: HUMAN_LIFE,
  },
  release: {
    fn: "reviews-api",
    match: (s) => [`/v1/reviews/${s.reviewId}/release`],
    prepare: (s) => route(s).then(() => queued(s).then(() => claim(s))),
    step: async (s) => {
      const answer = await retried(() =>
        call("POST", `/v1/reviews/${s.reviewId}/release`, { token: reviewer() }),
      );
      // A retry after a crash that released it already no longer holds the lease.
      expect([200, 204, 409]).toContain(answer.status);
      await queued(s);
    },
    finish: async (s) => {
      await claim(s);
      await verdict(s);
      await decidedByReviewer(s);
    },
    counts: { decisions: 1, human: 1, verdicts: 1, overrides: 1, humanOutcomes: 1 },
  },
  settle: {
    fn: "review-steps",
    match: (s) => ['"action":"settle"', s.reviewId],
    prepare: (s) => route(s).then(() => queued(s).then(() => claim(s))),
    step: (s) => verdict(s),
    finish: decidedByReviewer,
    counts: { ...HUMAN_LIFE, feedbackProduced: 1 },
  },
  "heartbeat expiry": {
    fn: "review-steps",
    match: (s) => ['"action":"leaseExpired"', s.reviewId],
    policy: {
      sla: {
        tiers: [{ name: "tier-1", slaSeconds: 3600 }],
        fallback: { action: "model" },
        heartbeatSeconds: 10,
      },
    },
    prepare: (s) => route(s).then(() => queued(s).then(() => claim(s))),
    // No heartbeat: after 10 s the workflow takes the item back and puts it in the queue again.
    step: (s) => queued(s),
    finish: async (s) => {
      await claim(s);
      await verdict(s);
      await decidedByReviewer(s);
    },
    counts: { decisions: 1, human: 1, verdicts: 1, overrides: 1, humanOutcomes: 1 },
  },
  escalation: {
    fn: "review-steps",
    // The first tier's step, whichever clock ends it: the SLA (Escalate) or, as the heartbeat is
    // capped by the SLA and both run out together, the lease (LeaseExpired, which escalates at the
    // deadline). Matching only "escalate" left a crash unfired when the lease's clock won.
    match: (s) => [s.reviewId, '"tierIndex":0'],
    // The suite's tier-2 reviewer works `default.*`; claims pick the run's item by its experiment.
    queue: "default",
    policy: {
      sla: {
        // Not shorter than the heartbeat: a hold's heartbeat is capped by its SLA and the next
        // tier inherits the cap (core/review/steps.ts nextRound), so a 2 s tier-1 left tier 2
        // with a 2 s lease that ran out, unclaimed, every 2 s.
        tiers: [
          { name: "tier-1", slaSeconds: 10 },
          { name: "tier-2", slaSeconds: 3600 },
        ],
        fallback: { action: "model" },
        heartbeatSeconds: 10,
      },
    },
    prepare: (s) => route(s),
    step: (s) => queued(s, `${s.queue}.tier-2`),
    finish: async (s) => {
      await claim(s, `${s.queue}.tier-2`, cloud.identities.tier2);
      await verdict(s, cloud.identities.tier2);
      await decidedByReviewer(s);
    },
    counts: { decisions: 1, human: 1, escalations: 1, verdicts: 1, humanOutcomes: 1 },
  },
  fallback: {
    fn: "review-steps",
    match: (s) => ['"action":"fallback"', s.reviewId],
    policy: {
      sla: {
        tiers: [{ name: "tier-1", slaSeconds: 2 }],
        fallback: { action: "model" },
        heartbeatSeconds: 30,
      },
    },
    prepare: (s) => route(s),
    step: async (s) => {
      expect(await settled(s, "fallback")).toMatchObject({ outcome: "approve", outcomeSource: "fallback" });
    },
    finish: workflowEnded,
    counts: { decisions: 1, human: 1, fallbackOutcomes: 1, verdicts: 0 },
  },
  "ground truth": {
    fn: "feedback-api",
    match: (s) => [`/v1/decisions/${s.decisionId}/ground-truth`],
    prepare: (s) => route(s, false),
    step: (s) => groundTruth(s),
    finish: async (s) => {
      expect((await settled(s, "automated")).groundTruth).toMatchObject({ label: "deny" });
    },
    counts: { decisions: 1, auto: 1, feedbackProduced: 1 },
  },
  "feedback ack": {
    fn: "feedback-api",
    match: (s) => ["/v1/feedback/ack", s.feedbackId],
    prepare: (s) => route(s, false).then(() => groundTruth(s)),
    step: async (s) => {
      const answer = await retried(() =>
        call<{ acknowledged: number }>("POST", "/v1/feedback/ack", {
          role: "ml",
          body: { feedbackIds: [s.feedbackId], modelVersion: `m-next-${s.decisionId}`, stage: "training" },
        }),
      );
      // A retry after a crash that recorded the ack is refused as a second ack of the stage.
      expect([200, 409]).toContain(answer.status);
    },
    finish: async () => undefined,
    counts: { decisions: 1, auto: 1, feedbackProduced: 1 },
  },
  ingest: {
    fn: "ingest",
    serial: true,
    match: (s) => [s.decisionId],
    prepare: async () => undefined,
    step: async (s) => {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: nameOf("IngestQueue/Queue"),
          MessageBody: JSON.stringify(decisionBody(s, false)),
        }),
      );
      await settled(s, "automated");
    },
    finish: async () => undefined,
    counts: { decisions: 1, auto: 1 },
  },
};

// ---- one run ------------------------------------------------------------------------------------

async function newSubject(name: string, drill: Drill): Promise<Subject> {
  const experimentId = uid(`drill-${name.replace(/ /g, "-")}`);
  const queue = drill.queue ?? experimentId;
  const answer = await call("POST", "/v1/experiments", {
    role: "admin",
    body: {
      id: experimentId,
      status: "running",
      control: "only",
      labels: ["approve", "deny"],
      arms: [
        {
          id: "only",
          weight: 1,
          policy: {
            autoAcceptAbove: 0.9,
            alwaysHumanTopics: ["legal"],
            auditRate: 0,
            queue,
            // A lease long enough for a loaded machine; the drills of lost leases shorten it.
            sla: {
              tiers: [{ name: "tier-1", slaSeconds: 3600 }],
              fallback: { action: "model" },
              heartbeatSeconds: 30,
            },
            ...drill.policy,
          },
        },
      ],
    },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { experimentId, queue, decisionId: uid("dd"), reviewId: "", feedbackId: "" };
}

interface RunResult {
  subject: Subject;
  /** The fault's report: for a probe, the writes it saw; for a crash, the write it crashed after. */
  writes?: number;
  operation?: string;
}

/** Lives a crash may take to meet its write: a race can leave a life without it (see firedOrMissed). */
const LIVES = 3;

/** One life of a fresh subject, its step's invocation crashed after write `afterWrite` (or probed). */
async function run(name: string, drill: Drill, afterWrite: number, life = 1): Promise<RunResult> {
  const subject = await newSubject(name, drill);
  await drill.prepare(subject);
  const id = await faults.arm({ fn: drill.fn, afterWrite, match: drill.match(subject) });
  try {
    await drill.step(subject);
    await drill.finish(subject);
  } catch (error) {
    // Name the life that failed and what its records say, so a rare one can be replayed with HITL_FAULT.
    const life = afterWrite === PROBE ? "the probe" : `the crash after write ${afterWrite}`;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${name}, ${life}: ${reason}\n${await history(subject)}`);
  }
  if (afterWrite === PROBE) {
    const writes = await faults.writesSeen(id, PATIENCE_MS);
    // Done: a redelivered copy of its message must not take the plan of a later run's batch.
    await faults.disarm(id);
    return { subject, writes };
  }
  // A queue's redelivery can route the decision before the invocation carrying the fault has run.
  const fault = await faults.firedOrMissed(id, afterWrite, PATIENCE_MS);
  if (fault.state === "missed") {
    // This life's step made fewer writes (a racing step wrote first): crash write N in another.
    await faults.disarm(id);
    if (life >= LIVES)
      throw new Error(
        `${name}: write ${afterWrite} never came in ${LIVES} lives (the last one's step made ${fault.writes})`,
      );
    return run(name, drill, afterWrite, life + 1);
  }
  return { subject, ...(fault.operation ? { operation: fault.operation } : {}) };
}

/** The subject's audit trail and review item, for a failure's message. */
async function history(s: Subject): Promise<string> {
  const trail = await call<{ entries: { action: string; actor: string; at: string }[] }>(
    "GET",
    `/v1/decisions/${s.decisionId}/audit`,
    { role: "analyst" },
  );
  const item = s.reviewId ? await review(s) : undefined;
  return JSON.stringify({ trail: trail.body.entries?.map((e) => `${e.at} ${e.actor} ${e.action}`), item });
}

const tables = () => ({
  decisions: nameOf("DecisionsTable"),
  reviews: nameOf("ReviewsTable"),
  metrics: nameOf("MetricsTable"),
});

/**
 * The queues whose consumers the drills crash: redelivery after 8 s instead of minutes, and still
 * longer than a loaded machine takes to run a batch (a copy delivered meanwhile would do the run's
 * work without its fault).
 */
const REDELIVERED = ["IngestQueue/Queue", "ReviewIntakeQueue/Queue"];
const visibility = new Map<string, string>();

beforeAll(async () => {
  for (const queue of REDELIVERED) {
    const QueueUrl = nameOf(queue);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["VisibilityTimeout"] }),
    );
    visibility.set(QueueUrl, Attributes?.VisibilityTimeout ?? "30");
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: "8" } }));
  }
});

afterAll(async () => {
  await faults.clear();
  for (const [QueueUrl, VisibilityTimeout] of visibility)
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout } }));
});

/** What each drill crashed, printed as a table after the suite. */
const summary: { path: string; fn: string; writes: number; crashedAfter: string }[] = [];

afterAll(() => {
  if (summary.length === 0) return;
  const rows = [
    ["path", "function", "writes", "crashed after"],
    ...summary.map((r) => [r.path, r.fn, String(r.writes), r.crashedAfter]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));
  process.stderr.write(`\ndrills: every write boundary crashed\n${lines.join("\n")}\n`);
});

// The paths go in parallel (their faults match their own runs only); an SQS path's runs go one by one.
describe.concurrent("drills: a function killed right after each of its writes", () => {
  for (const [name, drill] of Object.entries(DRILLS)) {
    it(`${name}: every write boundary of ${drill.fn}, each life settled, counted once, live = rebuild`, async () => {
      // Arrange: a clean life says how many writes the step makes
      const probe = await run(name, drill, PROBE);
      const writes = probe.writes ?? 0;

      // Act: one life per write boundary, the step's worker killed right after that write
      const crashed = await Promise.all(Array.from({ length: writes }, (_, i) => run(name, drill, i + 1)));
      const checks = await Promise.all(
        [probe, ...crashed].map((r) => caughtUp(dynamodb, tables(), r.subject.experimentId)),
      );

      // Assert
      summary.push({
        path: name,
        fn: drill.fn,
        writes,
        crashedAfter: crashed.map((r, i) => `${i + 1} ${r.operation}`).join(", "),
      });
      expect(writes, "writes of the step").toBeGreaterThan(0);
      expect(
        crashed.every((r) => r.operation),
        "every crash fired",
      ).toBe(true);
      for (const [i, check] of checks.entries()) {
        const at = i === 0 ? "the clean life" : `a crash after write ${i} (${crashed[i - 1]?.operation})`;
        expect(check.differences, `live − rebuilt, ${at}`).toEqual([]);
        const subject = (i === 0 ? probe : crashed[i - 1])?.subject as Subject;
        const counted = Object.fromEntries(Object.keys(drill.counts).map((c) => [c, totalOf(check.live, c)]));
        // On a difference, the subject's history says why.
        const why = JSON.stringify(counted) === JSON.stringify(drill.counts) ? "" : await history(subject);
        expect(counted, `counts, ${at} ${why}`).toEqual(drill.counts);
      }
    }, 900_000);
  }
});

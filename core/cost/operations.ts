/**
 * The AWS operations each step of a decision's life performs, counted from the code paths in
 * functions/, core/ and lib/ (each entry says where). Durations, item sizes and batch sizes are
 * assumptions with defaults below; the benchmark measures the real ones and passes them in.
 *
 * DynamoDB units: a standard write is ⌈KB⌉ WRU, a transactional one 2 × ⌈KB⌉; an eventually
 * consistent read of ≤ 4 KB is 0.5 RRU. Every index with ProjectionType ALL (all of ours) is written
 * again, at the item's size, whenever an indexed item changes.
 */

export interface LambdaRun {
  /** Function entry folder (functions/<name>). */
  fn: string;
  memoryMb: number;
  durationMs: number;
  /** Invocations per activity; fractional when a batch serves several activities. */
  invocations: number;
}

export interface Operations {
  httpApiRequests: number;
  lambda: LambdaRun[];
  expressRequests: number;
  /** Duration of one Express execution (billed in 100 ms units at 64 MB). */
  expressDurationMs: number;
  standardTransitions: number;
  sqsRequests: number;
  /** Write request units, transactional ones already doubled. */
  dynamoWriteUnits: number;
  dynamoReadUnits: number;
}

export interface Assumptions {
  /** Memory of every function (HitlFunction's default). */
  lambdaMemoryMb: number;
  /** decisions-api waits for the synchronous Express run, so its duration includes it. */
  decisionsApiMs: number;
  routeDecisionMs: number;
  expressMs: number;
  reviewIntakeMs: number;
  reviewStepsMs: number;
  reviewsApiMs: number;
  /** Size of one counter item, KB (grows with the histogram buckets used in an hour). */
  counterItemKb: number;
  /** Share of routed events whose unit was not seen before (a unit item is written for those). */
  newUnitShare: number;
  /** Decisions per metrics-counter batch of the decisions stream (it delivers up to 1,000 per second). */
  streamBatchSize: number;
  /** One metrics-counter invocation handling a batch. */
  streamBatchMs: number;
  /** Counter items one counter batch updates: one counter shard per stream shard, so arms × hours. */
  streamCounterKeysPerBatch: number;
  /**
   * Metric events per metrics-counter batch of the reviews stream (and of feedback writes): they come
   * at human speed, so batches are small (a 1 s batching window).
   */
  recordBatchSize: number;
  decisionItemKb: number;
  reviewItemKb: number;
  feedbackItemKb: number;
  /** Whether producers send their own decisionId (then routing reads the decision first). */
  clientDecisionIds: boolean;
}

export const DEFAULT_ASSUMPTIONS: Readonly<Assumptions> = Object.freeze({
  lambdaMemoryMb: 256,
  decisionsApiMs: 120,
  routeDecisionMs: 40,
  expressMs: 70,
  reviewIntakeMs: 50,
  reviewStepsMs: 80,
  reviewsApiMs: 60,
  counterItemKb: 3,
  newUnitShare: 0.5,
  streamBatchSize: 100,
  streamBatchMs: 120,
  streamCounterKeysPerBatch: 2,
  recordBatchSize: 10,
  decisionItemKb: 1,
  reviewItemKb: 3,
  feedbackItemKb: 2,
  clientDecisionIds: true,
});

export const ACTIVITIES = [
  "route",
  "routedCount",
  "metricEvent",
  "holdRound",
  "verdict",
  "settle",
  "escalate",
  "fallback",
  "feedback",
] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** No operations at all: the zero to add activities to. */
export const NO_OPERATIONS: Readonly<Operations> = Object.freeze({
  httpApiRequests: 0,
  lambda: [],
  expressRequests: 0,
  expressDurationMs: 0,
  standardTransitions: 0,
  sqsRequests: 0,
  dynamoWriteUnits: 0,
  dynamoReadUnits: 0,
});

/** SQS event source: ReceiveMessage returns ≤ 10 messages and DeleteMessageBatch takes ≤ 10. */
const SQS_RECEIVE_AND_DELETE_PER_MESSAGE = 2 / 10;
/** An audit-trail entry is a small PutItem (< 1 KB): 1 WRU. */
const AUDIT_PUT = 1;
const EVENTUAL_READ = 0.5;

/** Operations of one activity, with where each number comes from. */
export function operationsOf(activity: Activity, a: Assumptions = DEFAULT_ASSUMPTIONS): Operations {
  const run = (fn: string, durationMs: number, invocations = 1): LambdaRun => ({
    fn,
    memoryMb: a.lambdaMemoryMb,
    durationMs,
    invocations,
  });
  const kb = (size: number) => Math.ceil(size);
  // Decisions table: no index covers decision items (only feedback items are indexed), so one write.
  const decisionWrite = kb(a.decisionItemKb);
  // Reviews table: byQueue and byDecision (both ALL) repeat every review write.
  const reviewWrite = 3 * kb(a.reviewItemKb);
  switch (activity) {
    case "route":
      // functions/decisions-api → adapters/sfn/router (StartSyncExecution) → RouterStateMachine
      // (RouteDecision Lambda → NeedsPerson → Respond) → core/routing/route-decision.ts.
      return {
        ...NO_OPERATIONS,
        httpApiRequests: 1,
        lambda: [
          // decisions-api runs at 128 MB (lib/stateless-stack.ts): it mostly waits for the router.
          { ...run("decisions-api", a.decisionsApiMs), memoryMb: 128 },
          run("route-decision", a.routeDecisionMs),
        ],
        expressRequests: 1,
        expressDurationMs: a.expressMs,
        // decisions.create (conditional PutItem, written first: no read before it), one audit item
        // holding "created" and "routed" (adapters/dynamodb/audit-log.ts groups them). No metric
        // message: the decisions stream carries the record to the routed counter.
        dynamoWriteUnits: decisionWrite + AUDIT_PUT,
      };
    case "routedCount":
      // functions/metrics-counter via adapters/dynamodb/stream-counter.ts, per batch of the decisions
      // stream (reading a stream from a Lambda trigger is free): the shard's mark (consistent GetItem)
      // and one transaction moving it (2 WRU) with an ADD per counter item; per decision the unit
      // item's consistent BatchGetItem and, for a new unit, its conditional PutItem (1 WRU).
      return {
        ...NO_OPERATIONS,
        lambda: [run("metrics-counter", a.streamBatchMs, 1 / a.streamBatchSize)],
        dynamoWriteUnits:
          a.newUnitShare * 1 +
          (2 + a.streamCounterKeysPerBatch * 2 * kb(a.counterItemKb)) / a.streamBatchSize,
        dynamoReadUnits: 1 + 1 / a.streamBatchSize,
      };
    case "metricEvent":
      // Every other event (review, outcome, feedback, ground truth) is implied by the record a write
      // committed and counted by functions/metrics-counter from the reviews or decisions stream:
      // per batch the shard's mark (consistent GetItem, 1 RRU) and one transaction moving it (2 WRU)
      // with an ADD per counter item. No message, no dedupe item, no second write by the use case.
      return {
        ...NO_OPERATIONS,
        lambda: [run("metrics-counter", a.streamBatchMs, 1 / a.recordBatchSize)],
        dynamoWriteUnits: (2 + a.streamCounterKeysPerBatch * 2 * kb(a.counterItemKb)) / a.recordBatchSize,
        dynamoReadUnits: 1 / a.recordBatchSize,
      };
    case "holdRound":
      // ReviewStateMachine "Hold" (1 transition): sqs:sendMessage.waitForTaskToken → review intake
      // queue → functions/review-intake (core/review/intake.ts): decisions.get, reviews.get,
      // reviews.putRound (the round in the item's history: its review.enqueued event), audit
      // "enqueued". At human volume one message per batch.
      return {
        ...NO_OPERATIONS,
        standardTransitions: 1,
        lambda: [run("review-intake", a.reviewIntakeMs)],
        sqsRequests: 1 + SQS_RECEIVE_AND_DELETE_PER_MESSAGE,
        dynamoWriteUnits: reviewWrite + AUDIT_PUT,
        dynamoReadUnits: 2 * EVENTUAL_READ,
      };
    case "verdict":
      // functions/reviews-api (core/review/desk.ts): claim (HTTP + Lambda, byQueue Query, conditional
      // lease update), GET /v1/reviews/{id} (GetItem + audit Query), verdict (HTTP + Lambda, GetItem,
      // conditional update holding the verdict with its price and claim time, audit entry,
      // SendTaskSuccess). The verdict's event is implied by the item: nothing is sent.
      return {
        ...NO_OPERATIONS,
        httpApiRequests: 3,
        lambda: [run("reviews-api", a.reviewsApiMs, 3)],
        dynamoWriteUnits: 2 * reviewWrite + AUDIT_PUT,
        dynamoReadUnits: 3 * EVENTUAL_READ,
      };
    case "settle":
      // "Settle" → "AfterSettle" → "Done" (3 transitions); functions/review-steps settle():
      // decisions.get, reviews.get, reviews.update (verdicts and outcome: the events), decisions.settle,
      // audit "outcome", outcome notification.
      return {
        ...NO_OPERATIONS,
        standardTransitions: 3,
        lambda: [run("review-steps", a.reviewStepsMs)],
        dynamoWriteUnits: reviewWrite + decisionWrite + AUDIT_PUT,
        dynamoReadUnits: 2 * EVENTUAL_READ,
        sqsRequests: 1,
      };
    case "escalate":
      // "Escalate" → "AfterEscalate" (2 transitions; the next "Hold" is the next holdRound):
      // reviews.get, reviews.update (the escalation in the item's history), audit "escalated".
      return {
        ...NO_OPERATIONS,
        standardTransitions: 2,
        lambda: [run("review-steps", a.reviewStepsMs)],
        dynamoWriteUnits: reviewWrite + AUDIT_PUT,
        dynamoReadUnits: EVENTUAL_READ,
      };
    case "fallback":
      // Last tier timed out: "Escalate" (no next tier) → "AfterEscalate" → "Fallback" →
      // "AfterFallback" → "Done" (5 transitions, 2 invocations): decisions.get, reviews.get, audit
      // "fallback", reviews.update (breach and outcome), decisions.settle, audit "outcome", outcome
      // notification.
      return {
        ...NO_OPERATIONS,
        standardTransitions: 5,
        lambda: [run("review-steps", a.reviewStepsMs, 2)],
        dynamoWriteUnits: reviewWrite + decisionWrite + 2 * AUDIT_PUT,
        dynamoReadUnits: 2 * EVENTUAL_READ,
        sqsRequests: 1,
      };
    case "feedback":
      // settle() when the label differs from the model: feedback.put (item + `feed` index), audit
      // "feedback", notify.feedback to the feedback queue.
      return {
        ...NO_OPERATIONS,
        dynamoWriteUnits: 2 * kb(a.feedbackItemKb) + AUDIT_PUT,
        sqsRequests: 1,
      };
  }
}

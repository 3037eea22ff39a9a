import { DomainError } from "../../core/errors";
import { acknowledgeFeedback } from "../../core/feedback/acknowledge";
import { attachGroundTruth } from "../../core/feedback/ground-truth";
import { claimNext, extendLease, release, submitVerdict } from "../../core/review/desk";
import type { Hold } from "../../core/review/hold";
import { storeHeldItem } from "../../core/review/intake";
import { escalate, fallback, type RoundResult, settle } from "../../core/review/steps";
import { routeDecision } from "../../core/routing/route-decision";
import { retried, WriteCrasher } from "./crash";
import { MemoryFeedbackFeed, MemoryGroundTruth } from "./memory";
import { reviewer, reviewWorld } from "./review-world";

/**
 * Every record-changing path of a held decision's life, in memory, for tests that follow each write:
 * crashes at every write boundary (test/core/metrics) and the streams' filters (test/lib).
 */
export type World = Awaited<ReturnType<typeof reviewWorld>>;

/**
 * A world whose every write of a record (and every SendTaskSuccess) is counted, crashing right after
 * write number `crashAfter`. Retries come a second later, as they do.
 */
export async function flowWorld(overrides: Record<string, unknown>, crashAfter?: number) {
  const w = await reviewWorld(overrides);
  // One feedback store for the settle step (it creates corrections) and the ML team's acks.
  const feed = new MemoryFeedbackFeed(undefined, w.log);
  w.steps.feedback = feed;
  const crasher = new WriteCrasher(crashAfter);
  crasher.watch(w.decisions, ["create", "settle"]);
  crasher.watch(w.reviews, ["putRound", "update"]);
  crasher.watch(w.desk.desk, ["claim", "updateClaimed"]);
  crasher.watch(w.workflow, ["succeed"]);
  crasher.watch(feed, ["put", "acknowledge"]);
  const groundTruth = new MemoryGroundTruth(w.decisions, feed);
  crasher.watch(groundTruth, ["attach"]);
  const records = () => ({ ...w.records(), feedback: [...feed.records.values()] });
  return { w, feed, groundTruth, crasher, records };
}

const later = (w: World) => () => w.clock.advance(1);

/**
 * The reviewer's side: claim, a heartbeat, then a verdict; a 409 after a crash means the workflow
 * already has it. With `second`, the first claim is released and the item claimed again.
 */
async function review(w: World, id: string, queue: string, label: string, second = false) {
  await retried(() => claimNext(w.desk, reviewer(id), queue), later(w));
  const item = [...w.reviews.items.values()].find((i) => i.leaseHolder === id);
  if (!item) throw new Error(`${id} claimed nothing`);
  await retried(() => extendLease(w.desk, reviewer(id), item.reviewId), later(w));
  if (second) {
    await retried(async () => {
      if (w.reviews.items.get(item.reviewId)?.leaseHolder === id)
        await release(w.desk, reviewer(id), item.reviewId);
    }, later(w));
    await retried(() => claimNext(w.desk, reviewer(id), queue), later(w));
  }
  await retried(async () => {
    try {
      await submitVerdict(w.desk, reviewer(id), item.reviewId, { label, handlingSeconds: 40 });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === "hold_closed")) throw error;
    }
  }, later(w));
  return item;
}

/** A hold round's intake message, redelivered after a crash with the same task token. */
async function enqueue(w: World, hold: Hold) {
  const taskToken = `token-${hold.reviewId}-${hold.round}`;
  await retried(() => storeHeldItem({ ...w.steps, reviews: w.reviews }, { taskToken, hold }), later(w));
  return taskToken;
}

/** Routes a held decision (the producer retries) and stores its first round. */
async function held(w: World, request: Record<string, unknown>) {
  const result = await retried(
    () =>
      routeDecision(w.routing, {
        request: {
          experimentId: w.exp.id,
          unitId: "unit-1",
          item: { topic: "billing" },
          prediction: { label: "approve", confidence: 0.5 },
          ...request,
        },
      }),
    later(w),
  );
  if (!result.ok || !result.hold) throw new Error("not held");
  return { hold: result.hold, token: await enqueue(w, result.hold) };
}

/** Settles a round from what SendTaskSuccess handed the workflow. */
async function settleRound(w: World, hold: Hold, token: string) {
  const verdict = w.workflow.succeeded.get(token) as RoundResult;
  return retried(() => settle(w.steps, { ...hold, verdict }), later(w));
}

/** Every record-changing path of a held decision's life, each step retried as its caller would. */
export const FLOWS: Record<
  string,
  { overrides: Record<string, unknown>; run: (c: Awaited<ReturnType<typeof flowWorld>>) => Promise<void> }
> = {
  "a single review that overrides the model, then ground truth and an acknowledgement": {
    overrides: {},
    async run({ w, feed, groundTruth }) {
      const { hold, token } = await held(w, { decisionId: "d-1" });
      await review(w, "alice", hold.queue, "deny");
      await settleRound(w, hold, token);
      await retried(
        () =>
          attachGroundTruth(
            { ...w.steps, store: groundTruth, reviews: w.reviews },
            "d-1",
            { label: "deny", source: "chargeback" },
            "crm",
          ),
        later(w),
      );
      await retried(
        () =>
          acknowledgeFeedback(
            { feed, now: w.clock.now },
            { until: w.clock.now().toISOString(), modelVersion: "m-2", stage: "training" },
          ),
        later(w),
      );
    },
  },
  "a double review whose reviewers disagree, settled by an adjudicator": {
    overrides: {
      arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.9, doubleReviewRate: 1 } }],
    },
    async run({ w }) {
      const { hold, token } = await held(w, { decisionId: "d-1" });
      await review(w, "alice", hold.queue, "approve");
      await review(w, "bob", hold.queue, "deny");
      const next = await settleRound(w, hold, token);
      const second = await enqueue(w, next);
      await review(w, "carol", next.queue, "deny");
      await settleRound(w, next, second);
    },
  },
  "an item nobody reviews: escalated through every tier to the fallback": {
    overrides: {},
    async run({ w }) {
      const { hold } = await held(w, { decisionId: "d-1" });
      const second = await retried(() => escalate(w.steps, hold), later(w));
      await enqueue(w, second);
      const last = await retried(() => escalate(w.steps, second), later(w));
      await retried(() => fallback(w.steps, last), later(w));
    },
  },
  "an audit of an automated decision that corrects it": {
    overrides: {
      arms: [{ id: "conservative", weight: 1, policy: { autoAcceptAbove: 0.5, auditRate: 1 } }],
    },
    async run({ w }) {
      const { hold, token } = await held(w, {
        decisionId: "d-1",
        prediction: { label: "approve", confidence: 0.9 },
      });
      await review(w, "alice", hold.queue, "deny", true);
      await settleRound(w, hold, token);
    },
  },
};

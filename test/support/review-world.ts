import type { RebuildInput } from "../../core/metrics/rebuild";
import type { FeedbackStore } from "../../core/ports";
import type { Hold } from "../../core/review/hold";
import { storeHeldItem } from "../../core/review/intake";
import { routeDecision } from "../../core/routing/route-decision";
import { manualClock } from "./clock";
import { experiment } from "./experiments";
import {
  MemoryAudit,
  MemoryDecisions,
  MemoryDesk,
  MemoryExperiments,
  MemoryFeedback,
  MemoryNotifier,
  MemoryReviews,
  MemoryWorkflow,
} from "./memory";
import { RecordLog } from "./record-log";

/**
 * Every port in memory, wired the way the functions wire them, plus helpers to hold items. `log`
 * records every write of a counted record, as the tables' streams would carry it.
 */
export async function reviewWorld(overrides: Record<string, unknown> = {}) {
  const clock = manualClock();
  const log = new RecordLog();
  const experiments = new MemoryExperiments();
  const decisions = new MemoryDecisions(log);
  const reviews = new MemoryReviews(log);
  const desk = new MemoryDesk(reviews);
  const workflow = new MemoryWorkflow();
  const audit = new MemoryAudit();
  const feedback = new MemoryFeedback(log);
  const notify = new MemoryNotifier();
  const exp = experiment(overrides);
  await experiments.save(exp);
  let ids = 0;
  let tokens = 0;
  const base = { experiments, decisions, audit, now: clock.now };
  const world = {
    clock,
    log,
    exp,
    experiments,
    decisions,
    reviews,
    workflow,
    audit,
    feedback,
    notify,
    /** The final records, as `hitl metrics rebuild` reads them. */
    records(): RebuildInput {
      return {
        decisions: [...decisions.items.values()],
        reviews: [...reviews.items.values()],
        feedback: feedback.records,
      };
    },
    routing: { ...base, newId: () => `gen-${++ids}` },
    // A port, so a test may swap in another feedback store (one that also takes acknowledgements).
    steps: { ...base, reviews, feedback: feedback as FeedbackStore, notify },
    desk: { ...base, reviews, desk, workflow },
    /** Routes a decision and stores its hold as the intake function would; returns the hold and token. */
    async hold(request: Record<string, unknown>): Promise<{ hold: Hold; token: string }> {
      const result = await routeDecision(world.routing, {
        request: {
          experimentId: exp.id,
          unitId: "unit-1",
          item: { topic: "billing" },
          prediction: { label: "approve", confidence: 0.5 },
          ...request,
        },
      });
      if (!result.ok || !result.hold) throw new Error(`not held: ${JSON.stringify(result)}`);
      return world.enqueue(result.hold);
    },
    /** What intake calls when a real item enters a queue with gold (the review-intake function wires the gold store). */
    absorbShadow: undefined as ((queue: string) => Promise<void>) | undefined,
    async enqueue(hold: Hold): Promise<{ hold: Hold; token: string }> {
      const token = `token-${++tokens}`;
      const absorb = world.absorbShadow;
      await storeHeldItem(
        { ...base, reviews, ...(absorb ? { absorbShadow: absorb } : {}) },
        { taskToken: token, hold },
      );
      return { hold, token };
    },
  };
  return world;
}

export const reviewer = (id: string, queues: string[] = ["*"]) => ({ id, admin: false, queues });

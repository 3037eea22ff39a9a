import type { Hold } from "../../core/review/hold";
import { storeHeldItem } from "../../core/review/intake";
import { routeDecision } from "../../core/routing/route-decision";
import { manualClock } from "./clock";
import { experiment } from "./experiments";
import {
  MemoryAudit,
  MemoryDecisions,
  MemoryDesk,
  MemoryEvents,
  MemoryExperiments,
  MemoryFeedback,
  MemoryNotifier,
  MemoryReviews,
  MemoryWorkflow,
} from "./memory";

/** Every port in memory, wired the way the functions wire them, plus helpers to hold items. */
export async function reviewWorld(overrides: Record<string, unknown> = {}) {
  const clock = manualClock();
  const experiments = new MemoryExperiments();
  const decisions = new MemoryDecisions();
  const reviews = new MemoryReviews();
  const desk = new MemoryDesk(reviews);
  const workflow = new MemoryWorkflow();
  const audit = new MemoryAudit();
  const events = new MemoryEvents();
  const feedback = new MemoryFeedback();
  const notify = new MemoryNotifier();
  const exp = experiment(overrides);
  await experiments.save(exp);
  let ids = 0;
  let tokens = 0;
  const base = { experiments, decisions, audit, events, now: clock.now };
  const world = {
    clock,
    exp,
    experiments,
    decisions,
    reviews,
    workflow,
    audit,
    events,
    feedback,
    notify,
    routing: { ...base, newId: () => `gen-${++ids}` },
    steps: { ...base, reviews, feedback, notify },
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
    async enqueue(hold: Hold): Promise<{ hold: Hold; token: string }> {
      const token = `token-${++tokens}`;
      await storeHeldItem({ ...base, reviews }, { taskToken: token, hold });
      return { hold, token };
    },
  };
  return world;
}

export const reviewer = (id: string, queues: string[] = ["*"]) => ({ id, admin: false, queues });

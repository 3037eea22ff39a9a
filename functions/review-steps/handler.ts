import { count, METRIC, perExperiment } from "../../adapters/observability";
import type { Hold } from "../../core/review/hold";
import { escalate, fallback, leaseExpired, type RoundResult, settle } from "../../core/review/steps";
import { deps } from "../shared/deps";
import { edge } from "../shared/edge";

const stepDeps = {
  reviews: deps.reviews(),
  decisions: deps.decisions(),
  experiments: deps.cachedExperiments(),
  feedback: deps.feedback(),
  audit: deps.audit(),
  notify: deps.notifier(),
  now: deps.now,
};

type StepEvent =
  | { action: "settle"; state: Hold & { verdict: RoundResult } }
  | { action: "escalate" | "leaseExpired" | "fallback"; state: Hold };

/** The review state machine's steps; the returned state's `next` tells the machine where to go. */
export const handler = edge(async (event: StepEvent): Promise<Hold> => {
  switch (event.action) {
    case "settle":
      // Operational counts: a retried step counts again (the exact counts are the metrics table's).
      perExperiment(event.state.experimentId);
      count(METRIC.verdicts, event.state.verdict.verdicts.length);
      return settle(stepDeps, event.state);
    case "escalate":
      return escalate(stepDeps, event.state);
    case "leaseExpired":
      return leaseExpired(stepDeps, event.state);
    case "fallback":
      return fallback(stepDeps, event.state);
    default:
      throw new Error(`unknown review step ${(event as { action: string }).action}`);
  }
});

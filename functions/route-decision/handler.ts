import { count, METRIC, perExperiment } from "../../adapters/observability";
import {
  type RouteDecisionInput,
  type RouteDecisionResult,
  routeDecision,
} from "../../core/routing/route-decision";
import { deploymentWatchFromEnv } from "../shared/deployment-watch";
import { deps } from "../shared/deps";
import { edge } from "../shared/edge";

const useCase = {
  experiments: deps.cachedExperiments(),
  decisions: deps.decisions(),
  audit: deps.audit(),
  now: deps.now,
  newId: deps.newId,
  modelVersions: deploymentWatchFromEnv(),
};

/**
 * The router state machine's task. Its output drives the machine: `hold` present → start the
 * review workflow; `result` is what the caller gets.
 */
export const handler = edge(
  async (event: RouteDecisionInput): Promise<{ result: RouteDecisionResult; hold?: unknown }> => {
    const result = await routeDecision(useCase, event);
    if (!result.ok) return { result };
    if (!result.replayed) {
      perExperiment(result.response.experimentId);
      count(METRIC.decisionsRouted);
      if (result.hold) count(METRIC.decisionsHeld);
    }
    const { hold, ...answer } = result;
    return { result: answer, ...(hold ? { hold } : {}) };
  },
);

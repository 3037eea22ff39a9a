import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { logger } from "../../adapters/observability";
import { guardrailAnnouncer } from "../../adapters/sns/announcer";
import { type GuardrailRun, runGuardrails } from "../../core/guardrails";
import { deps } from "../shared/deps";
import { edge } from "../shared/edge";

let guard: Parameters<typeof runGuardrails>[0] | undefined;

function wiring(): Parameters<typeof runGuardrails>[0] {
  if (guard) return guard;
  const metrics = new DynamoMetricsStore(documentClient(), requireEnv("METRICS_TABLE"), {
    shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
    now: deps.now,
  });
  guard = {
    experiments: deps.experiments(),
    counters: metrics,
    // Every 15 minutes: a day is rolled up within a quarter of an hour of being sealed.
    rollups: metrics,
    audit: deps.audit(),
    announcer: guardrailAnnouncer(),
    now: deps.now,
  };
  return guard;
}

/** The scheduled event carries nothing we need; an on-demand call may name experiments. */
function experimentIdsOf(event: unknown): string[] | undefined {
  const ids = (event as { experimentIds?: unknown } | null)?.experimentIds;
  return Array.isArray(ids) && ids.every((id) => typeof id === "string") ? ids : undefined;
}

/**
 * Runs every 15 minutes (EventBridge rule, lib/constructs/guardrails.ts): rolls up the newly sealed
 * days of every experiment (docs/metrics.md §4.1), then checks each running experiment's quality
 * guardrail and pauses failing arms. Fails the invocation when an experiment
 * could not be checked, so the Lambda error alarm and EventBridge's retries apply (pausing is idempotent).
 */
export const handler = edge(
  async (event: unknown): Promise<Omit<GuardrailRun, "checks"> & { keep: number }> => {
    const experimentIds = experimentIdsOf(event);
    const alpha = Number(process.env.GUARDRAIL_ALPHA ?? "") || undefined;
    const run = await runGuardrails(wiring(), {
      ...(alpha ? { alpha } : {}),
      ...(experimentIds ? { experimentIds } : {}),
    });
    const summary = {
      checked: run.checked,
      paused: run.paused,
      errors: run.errors,
      rolledUp: run.rolledUp,
      keep: run.checks.flatMap((c) => c.arms).filter((a) => a.action === "keep").length,
    };
    if (run.errors.length > 0) logger.error("guardrail run", { guardrail: summary });
    else logger.info("guardrail run", { guardrail: summary });
    if (run.errors.length > 0)
      throw new Error(`guardrail check failed for ${run.errors.map((e) => e.experimentId).join(", ")}`);
    return summary;
  },
);

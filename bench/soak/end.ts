/** The soak's end: wait until every decision is where it must be, then until the counters agree. */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { loadRebuildInput } from "../../adapters/dynamodb/rebuild-loader";
import { HitlApiError, type HitlClient } from "../../client";
import { diffCounters, liveCounters, rebuildCounters } from "../../core/metrics/rebuild";
import {
  expectedStatus,
  type FinalCheck,
  finalCheck,
  type ObservedDecision,
  type SentDecision,
} from "./check";
import type { SoakTarget } from "./types";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every answered decision as the API shows it, once each is where its life says it must be (a
 * crashed step may still be retried: wait for it), or as it is after `timeoutMs`.
 */
export async function settled(
  analyst: HitlClient,
  sent: readonly SentDecision[],
  timeoutMs: number,
): Promise<Map<string, ObservedDecision | undefined>> {
  const started = performance.now();
  const observed = new Map<string, ObservedDecision | undefined>();
  let open = sent.filter((d) => d.answered);
  while (open.length > 0) {
    const next: SentDecision[] = [];
    for (let k = 0; k < open.length; k += 8) {
      await Promise.all(
        open.slice(k, k + 8).map(async (d) => {
          try {
            const seen = await analyst.decisions.get(d.decisionId);
            observed.set(d.decisionId, seen);
            if (seen.status !== expectedStatus(d)) next.push(d);
          } catch (error) {
            if (!(error instanceof HitlApiError && error.status === 404)) throw error;
            observed.set(d.decisionId, undefined);
            next.push(d);
          }
        }),
      );
    }
    open = next;
    if (open.length === 0 || performance.now() - started > timeoutMs) break;
    await sleep(1000);
  }
  return observed;
}

/** The final check once the metrics counter has caught up with the streams (or the last one after `timeoutMs`). */
export async function caughtUp(
  target: SoakTarget,
  soakId: string,
  sent: readonly SentDecision[],
  observed: ReadonlyMap<string, ObservedDecision | undefined>,
  timeoutMs: number,
): Promise<FinalCheck> {
  const started = performance.now();
  const db = DynamoDBDocumentClient.from(target.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const store = new DynamoMetricsStore(db, target.tables.metrics);
  for (;;) {
    const live = liveCounters(await store.readExperiment(soakId));
    const rebuilt = rebuildCounters(await loadRebuildInput(db, target.tables, soakId));
    const check = finalCheck({ sent, observed, live, differences: diffCounters(live, rebuilt) });
    if (check.ok || performance.now() - started > timeoutMs) return check;
    await sleep(1000);
  }
}

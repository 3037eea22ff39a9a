/**
 * The drills' parts: the local cloud's fault control endpoint (local/README.md "Fault injection")
 * and the comparison of live counters with what the records imply, by the code `hitl metrics
 * rebuild` runs (adapters/dynamodb/rebuild-loader.ts, core/metrics/rebuild.ts).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { loadRebuildInput, type RecordTables } from "../../adapters/dynamodb/rebuild-loader";
import type { Counters } from "../../core/metrics/counters";
import {
  type CounterDifference,
  diffCounters,
  liveCounters,
  rebuildCounters,
} from "../../core/metrics/rebuild";
import type { FaultReport, FaultSpec } from "../../local/lambda";
import { eventually } from "./eventually";

/** The fault control endpoint of a local cloud (`cloud.faults.serve()`). */
export class FaultControl {
  constructor(private readonly url: string) {}

  async arm(spec: FaultSpec): Promise<string> {
    const response = await fetch(new URL("/arm", this.url), { method: "POST", body: JSON.stringify(spec) });
    const body = (await response.json()) as { id?: string; error?: string };
    if (response.status !== 201 || !body.id) throw new Error(`fault not armed: ${body.error}`);
    return body.id;
  }

  async list(): Promise<FaultReport[]> {
    return (await (await fetch(this.url)).json()) as FaultReport[];
  }

  async get(id: string): Promise<FaultReport> {
    const found = (await this.list()).find((fault) => fault.id === id);
    if (!found) throw new Error(`fault ${id} is not armed`);
    return found;
  }

  /** Waits for the fault to fire. */
  fired(id: string, timeoutMs = 60_000): Promise<FaultReport> {
    return eventually(
      async () => {
        const fault = await this.get(id);
        return fault.state === "fired" ? fault : undefined;
      },
      timeoutMs,
      `fault ${id} to fire`,
    );
  }

  /**
   * Waits for the fault to fire, or to be missed: its invocation ended with fewer writes than the
   * fault waits for (and stayed so for `graceMs`), because a racing step did that write first. A
   * step's writes can depend on timing (an API and the workflow both record a verdict; whichever
   * comes second finds it written), so such a life has no write N to crash after.
   */
  firedOrMissed(
    id: string,
    afterWrite: number,
    timeoutMs = 60_000,
    graceMs = 5_000,
  ): Promise<{ state: "fired"; operation?: string } | { state: "missed"; writes: number }> {
    let missedSince: number | undefined;
    return eventually(
      async () => {
        const fault = await this.get(id);
        if (fault.state === "fired") return { state: "fired" as const, operation: fault.operation };
        const most = fault.completedWrites.length > 0 ? Math.max(...fault.completedWrites) : undefined;
        if (most === undefined || most >= afterWrite) return undefined;
        missedSince ??= Date.now();
        return Date.now() - missedSince >= graceMs ? { state: "missed" as const, writes: most } : undefined;
      },
      timeoutMs,
      `fault ${id} to fire`,
    );
  }

  /**
   * A probe (a fault that never fires) answers how many writes the invocation it matched made (the
   * most of any, when a queue delivered the message twice and a copy found the work done).
   */
  writesSeen(id: string, timeoutMs = 60_000): Promise<number> {
    return eventually(
      async () => {
        const { completedWrites } = await this.get(id);
        return completedWrites.length > 0 ? Math.max(...completedWrites) : undefined;
      },
      timeoutMs,
      `the probe ${id} to see its invocation end`,
    );
  }

  async disarm(id: string): Promise<void> {
    await fetch(new URL(`/${encodeURIComponent(id)}`, this.url), { method: "DELETE" });
  }

  async clear(): Promise<void> {
    await fetch(this.url, { method: "DELETE" });
  }
}

/** A probe's write number: more than any invocation makes, so it only counts. */
export const PROBE = 1_000;

export interface CounterCheck {
  /** Live counters of each arm. */
  readonly live: ReadonlyMap<string, Counters>;
  /** Every counter where live and rebuilt differ (empty when they agree). */
  readonly differences: readonly CounterDifference[];
}

/** Live counters of an experiment against the ones its records imply, as `hitl metrics rebuild` compares them. */
export async function liveAgainstRebuilt(
  dynamodb: DynamoDBClient,
  tables: RecordTables & { metrics: string },
  experimentId: string,
): Promise<CounterCheck> {
  const db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  const rows = await new DynamoMetricsStore(db, tables.metrics).readExperiment(experimentId);
  const live = liveCounters(rows);
  const rebuilt = rebuildCounters(await loadRebuildInput(db, tables, experimentId));
  return { live, differences: diffCounters(live, rebuilt) };
}

/**
 * The comparison once the metrics counter has caught up with the tables' streams (a poller's
 * interval and the mapping's batching window behind the records): the last one after `timeoutMs`.
 */
export async function caughtUp(
  dynamodb: DynamoDBClient,
  tables: RecordTables & { metrics: string },
  experimentId: string,
  timeoutMs = 30_000,
): Promise<CounterCheck> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const check = await liveAgainstRebuilt(dynamodb, tables, experimentId);
    if (check.differences.length === 0 || Date.now() > deadline) return check;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** One counter summed over the arms. */
export const totalOf = (counters: ReadonlyMap<string, Counters>, name: string): number =>
  [...counters.values()].reduce((sum, arm) => sum + (arm[name] ?? 0), 0);

import { experimentEntity } from "../audit/entry";
import type { AuditLog } from "../ports";
import { addCounters, type Counters } from "./counters";
import type { CounterRow } from "./read";
import { type CounterDifference, diffCounters, perArm, type RebuildInput, rebuildRows } from "./rebuild";

/** One correction of a counter item: what to ADD to (arm, hour) so it holds what the records imply. */
export interface RepairDelta {
  arm: string;
  hour: string;
  counters: Counters;
}

/**
 * The corrections that make the live counters equal the rebuilt ones, hour by hour, for exactly
 * the (arm, counter) pairs that differ over the whole run. Counters that agree over the run are left
 * alone even when their hours differ (a unit first seen at 12:59 on one shard and 13:00 on another).
 */
export function repairDeltas(
  live: readonly CounterRow[],
  rebuilt: readonly CounterRow[],
  differences: readonly CounterDifference[],
): RepairDelta[] {
  const wrong = new Map<string, Set<string>>();
  for (const d of differences) wrong.set(d.arm, (wrong.get(d.arm) ?? new Set()).add(d.counter));
  const byKey = new Map<string, RepairDelta>();
  const add = (row: CounterRow, sign: 1 | -1) => {
    const names = wrong.get(row.arm);
    if (!names) return;
    const key = `${row.hour}#${row.arm}`;
    const delta = byKey.get(key) ?? { arm: row.arm, hour: row.hour, counters: {} };
    const part: Counters = {};
    for (const name of names) if (row.counters[name]) part[name] = sign * (row.counters[name] ?? 0);
    addCounters(delta.counters, part);
    byKey.set(key, delta);
  };
  for (const row of rebuilt) add(row, 1);
  for (const row of live) add(row, -1);
  return [...byKey.values()]
    .filter((d) => Object.keys(d.counters).length > 0)
    .sort((a, b) => a.hour.localeCompare(b.hour) || a.arm.localeCompare(b.arm));
}

export interface RepairDeps {
  /** Every counted record of the experiment (the rebuild's input). */
  records: () => Promise<RebuildInput>;
  /** The live hourly rows (not roll-ups, which may predate a repair). */
  live: () => Promise<CounterRow[]>;
  /** Adds the corrections, exactly once per repair id and part. */
  apply: (write: { repairId: string; deltas: readonly RepairDelta[]; at: string }) => Promise<{
    committed: number;
    alreadyApplied: number;
  }>;
  audit: Pick<AuditLog, "append">;
  rollups: { reset(experimentId: string): Promise<number> };
  now: () => Date;
  newId: () => string;
  sleep: (ms: number) => Promise<void>;
}

export interface RepairOutcome {
  repairId?: string;
  differences: CounterDifference[];
  deltas: RepairDelta[];
  committed: number;
  /** Why nothing was written, when nothing was. */
  refused?: string;
}

/** Differences shown in the audit entry (the repair's marker items keep every correction). */
const AUDITED_DIFFERENCES = 50;

/**
 * `hitl metrics rebuild --repair`: writes the difference between the rebuilt and the live counters
 * into the live counters, audit-trailed, then resets the roll-ups so reports read the repaired
 * hours. Counting still in flight (a record written but not yet counted from its stream) would look
 * like a difference, and "repairing" it would count it twice once the stream catches up; so the
 * differences are computed twice, `settleMs` apart, and nothing is written unless they agree.
 */
export async function repairCounters(
  deps: RepairDeps,
  experimentId: string,
  options: { actor: string; settleMs: number },
): Promise<RepairOutcome> {
  const compute = async () => {
    const [input, live] = await Promise.all([deps.records(), deps.live()]);
    const rebuilt = rebuildRows(input);
    const differences = diffCounters(perArm(live), perArm(rebuilt));
    return { differences, deltas: repairDeltas(live, rebuilt, differences) };
  };
  const first = await compute();
  if (first.differences.length === 0) return { ...first, committed: 0 };
  await deps.sleep(options.settleMs);
  const second = await compute();
  if (JSON.stringify(second.differences) !== JSON.stringify(first.differences))
    return {
      ...second,
      committed: 0,
      refused:
        "the counters are still moving (records not yet counted from the streams); nothing was written, try again when the experiment is quiet",
    };
  const repairId = deps.newId();
  const at = deps.now().toISOString();
  const applied = await deps.apply({ repairId, deltas: second.deltas, at });
  await deps.audit.append([
    {
      entity: experimentEntity(experimentId),
      at,
      actor: options.actor,
      action: "metrics-repaired",
      detail: {
        repairId,
        differences: second.differences.length,
        corrections: second.deltas.length,
        parts: applied.committed + applied.alreadyApplied,
        shown: second.differences.slice(0, AUDITED_DIFFERENCES),
      },
    },
  ]);
  await deps.rollups.reset(experimentId);
  return { ...second, repairId, committed: applied.committed };
}

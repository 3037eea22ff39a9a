import { aggregate } from "../../../core/metrics/aggregate";
import { addCounters, type Counters } from "../../../core/metrics/counters";
import type { MetricEvent } from "../../../core/metrics/events";
import type { CounterRow } from "../../../core/metrics/read";
import { acknowledged, outcome, routed, verdict } from "../../core/metrics/events";
import { seededRandom } from "../../core/stats/random";
import { realHourStart, realNow } from "../../support/clock";

/**
 * The clock the stores run with: the real time, frozen when the file loads. It must be real:
 * DynamoDB Local's TTL sweeper deletes shard marks whose expiry is past on the real clock. The
 * events below are one to three hours older.
 */
export const NOW = realNow();

/** `minutes` past the start of the hour `hoursBack` hours before NOW's, as ISO text. */
export function hoursAgo(hoursBack: number, minutes = 0): string {
  return new Date(realHourStart(hoursBack, NOW.getTime()).getTime() + minutes * 60_000).toISOString();
}

/** `n` distinct events of several types over two arms and two hours, with repeating units. */
export function mixedEvents(n: number, experimentId = "exp-1", seed = 1): MetricEvent[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i): MetricEvent => {
    const common = {
      experimentId,
      arm: i % 3 === 0 ? "b" : "a",
      at: hoursAgo(3 - (i % 2), i % 60),
    };
    switch (i % 5) {
      case 0:
      case 1:
        return routed({
          ...common,
          id: `decision.routed:${experimentId}:${i}`,
          decisionId: `d${i}`,
          unitId: `u${i % 37}`,
          route: random() < 0.7 ? "auto" : "human",
          latencyMs: Math.round(random() * 500),
        });
      case 2:
        return verdict({
          ...common,
          id: `review.verdict:${experimentId}:${i}`,
          label: random() < 0.3 ? "reject" : "approve",
          handlingSeconds: Math.round(random() * 300),
        });
      case 3:
        return outcome({
          ...common,
          id: `decision.outcome:${experimentId}:${i}`,
          pair: random() < 0.5 ? ["approve", "approve"] : ["approve", "reject"],
          latencyMs: Math.round(random() * 7_200_000),
        });
      default:
        return acknowledged({ ...common, id: `feedback.acknowledged:${experimentId}:${i}` });
    }
  });
}

const rowId = (arm: string, hour: string) => `${hour}#${arm}`;

/** Counters per (arm, hour) the distinct events must produce, summed over shards; units per arm apart. */
export function expectedCounters(events: readonly MetricEvent[]): {
  rows: Map<string, Counters>;
  unitsByArm: Map<string, number>;
} {
  const rows = new Map<string, Counters>();
  for (const delta of aggregate(events, () => 0, 1)) {
    const id = rowId(delta.key.arm, delta.key.hour);
    rows.set(id, addCounters(rows.get(id) ?? {}, delta.counters));
  }
  const units = new Map<string, Set<string>>();
  for (const e of events)
    if (e.type === "decision.routed" && e.enrolled)
      units.set(e.arm, (units.get(e.arm) ?? new Set()).add(e.unitId));
  return { rows, unitsByArm: new Map([...units].map(([arm, set]) => [arm, set.size])) };
}

/** Live rows in the same shape: counters per (arm, hour) without units, and units per arm. */
export function liveCounters(rows: readonly CounterRow[]): {
  rows: Map<string, Counters>;
  unitsByArm: Map<string, number>;
} {
  const out = new Map<string, Counters>();
  const unitsByArm = new Map<string, number>();
  for (const row of rows) {
    const { units = 0, ...rest } = row.counters;
    if (units) unitsByArm.set(row.arm, (unitsByArm.get(row.arm) ?? 0) + units);
    out.set(rowId(row.arm, row.hour), addCounters(out.get(rowId(row.arm, row.hour)) ?? {}, rest));
  }
  return { rows: out, unitsByArm };
}

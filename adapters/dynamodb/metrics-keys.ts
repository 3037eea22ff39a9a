import type { CounterKey } from "../../core/metrics/aggregate";
import type { Counters } from "../../core/metrics/counters";

/**
 * The metrics table's items (pk/sk strings, TTL on `expiresAt`), docs/metrics.md §4:
 * - counters: pk `EXP#<experimentId>#S<shard>`, sk `<hour>#<arm>`, one number attribute per counter;
 * - first-seen units: pk `UNIT#<experimentId>#<arm>#<unitId>`, sk `U`, naming the event that counts it;
 * - stream marks: pk `STREAM#<stream>#<shardId>`, sk `M`, the last sequence number counted;
 * - repairs: pk `REPAIR#<experimentId>`, sk `<repairId>#<part>`, what `hitl metrics rebuild --repair` added;
 * - daily roll-ups and their watermark: pk `ROLLUP#<experimentId>` (metrics-rollups.ts).
 */
export const counterPk = (experimentId: string, shard: number) => `EXP#${experimentId}#S${shard}`;
export const counterSk = (hour: string, arm: string) => `${hour}#${arm}`;
export const UNIT_SK = "U";
export const unitPk = (unitKey: string) => `UNIT#${unitKey}`;
export const rollupPk = (experimentId: string) => `ROLLUP#${experimentId}`;
export const repairPk = (experimentId: string) => `REPAIR#${experimentId}`;

/** `ADD #n0 :v0, #n1 :v1, …` on one counter item. */
export function addExpression(key: CounterKey, counters: Counters) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts: string[] = [];
  Object.entries(counters)
    .filter(([, v]) => v !== 0)
    .forEach(([name, value], i) => {
      names[`#n${i}`] = name;
      values[`:v${i}`] = value;
      parts.push(`#n${i} :v${i}`);
    });
  // An all-zero delta (a ground-truth revision that changes nothing) still needs a valid expression.
  if (parts.length === 0) {
    names["#n0"] = "events";
    values[":v0"] = 0;
    parts.push("#n0 :v0");
  }
  return {
    Key: { pk: counterPk(key.experimentId, key.shard), sk: counterSk(key.hour, key.arm) },
    UpdateExpression: `ADD ${parts.join(", ")}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Counters } from "../../core/metrics/counters";
import type { CounterRow } from "../../core/metrics/read";
import { counterPk } from "./metrics-keys";
import { allPages } from "./pages";

/** Items the reads fetched (for tests and the benchmark). */
export interface ReadStats {
  counterItems: number;
  rollupItems: number;
}

/**
 * Hourly rows of an experiment from `fromHour` (inclusive) to `beforeHour` (exclusive), either end
 * open: one Query per shard, summed per (arm, hour), counters in name order (so float sums over
 * them, such as an hour's cost, come out the same whichever shard or roll-up they came from).
 */
export async function readHours(
  db: DynamoDBDocumentClient,
  table: string,
  query: { experimentId: string; shards: number; fromHour?: string; beforeHour?: string },
  stats?: ReadStats,
): Promise<CounterRow[]> {
  const rows = new Map<string, CounterRow>();
  const pages = await Promise.all(
    Array.from({ length: query.shards }, (_, shard) =>
      queryHours(db, table, counterPk(query.experimentId, shard), query.fromHour, query.beforeHour),
    ),
  );
  for (const item of pages.flat()) {
    if (stats) stats.counterItems++;
    const sk = String(item.sk);
    const cut = sk.indexOf("#");
    const row = rows.get(sk) ?? { arm: sk.slice(cut + 1), hour: sk.slice(0, cut), counters: {} };
    for (const [name, value] of Object.entries(item)) {
      if (name === "pk" || name === "sk" || typeof value !== "number") continue;
      const sum = (row.counters[name] ?? 0) + value;
      if (sum === 0) delete row.counters[name];
      else row.counters[name] = sum;
    }
    rows.set(sk, row);
  }
  return [...rows.values()]
    .map((row) => ({ ...row, counters: sortedCounters(row.counters) }))
    .sort((a, b) => a.hour.localeCompare(b.hour) || a.arm.localeCompare(b.arm));
}

function queryHours(
  db: DynamoDBDocumentClient,
  table: string,
  pk: string,
  fromHour?: string,
  beforeHour?: string,
): Promise<Record<string, unknown>[]> {
  // sk is "<hour>#<arm>": sk >= an hour selects that hour and every later one; sk < an hour every
  // earlier one. BETWEEN is inclusive, but no sk equals a bare hour, so it excludes `beforeHour`.
  const range =
    fromHour !== undefined && beforeHour !== undefined
      ? " AND sk BETWEEN :from AND :before"
      : fromHour !== undefined
        ? " AND sk >= :from"
        : beforeHour !== undefined
          ? " AND sk < :before"
          : "";
  return allPages((start) =>
    db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: `pk = :pk${range}`,
        ExpressionAttributeValues: {
          ":pk": pk,
          ...(fromHour !== undefined ? { ":from": fromHour } : {}),
          ...(beforeHour !== undefined ? { ":before": beforeHour } : {}),
        },
        ExclusiveStartKey: start,
      }),
    ),
  );
}

const sortedCounters = (counters: Counters): Counters =>
  Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Writing a record mix into the local cloud's tables and waiting until its events are counted. */
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoMetricsStore } from "../../../adapters/dynamodb/metrics-store";
import { fnv1a32 } from "../../../core/assignment/hash";
import type { Counters } from "../../../core/metrics/counters";
import type { CounterRow } from "../../../core/metrics/read";
import type { RecordWrite } from "./mix";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes every record with PutItem from `writers` concurrent lanes. An item's writes all go to one
 * lane, in order, as the app makes them (intake, verdict, settle); lanes run side by side.
 */
export async function writeRecords(
  db: DynamoDBDocumentClient,
  tables: { decisions: string; reviews: string },
  writes: readonly RecordWrite[],
  writers: number,
): Promise<{ puts: number }> {
  const lanes: RecordWrite[][] = Array.from({ length: writers }, () => []);
  for (const write of writes) lanes[fnv1a32(String(write.item.pk)) % writers]?.push(write);
  let puts = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      for (const write of lane) {
        await db.send(new PutCommand({ TableName: tables[write.table], Item: write.item }));
        puts++;
      }
    }),
  );
  return { puts };
}

/** Every row's counters summed (the whole run, every arm). */
export function totalsOf(rows: readonly CounterRow[]): Counters {
  const total: Counters = {};
  for (const row of rows)
    for (const [name, value] of Object.entries(row.counters)) total[name] = (total[name] ?? 0) + value;
  return total;
}

/** Polls the counters until their `events` total reaches `target`; stops after `stallMs` without progress. */
export async function waitCounted(
  store: DynamoMetricsStore,
  experimentId: string,
  target: number,
  progress: (counted: number) => void,
  stallMs = 60_000,
): Promise<{ counted: number; at: number }> {
  let counted = -1;
  let lastChange = performance.now();
  for (;;) {
    const now = totalsOf(await store.readExperiment(experimentId, { fromHour: "0000" })).events ?? 0;
    const at = performance.now();
    if (now !== counted) {
      counted = now;
      lastChange = at;
      progress(counted);
    }
    if (counted >= target || at - lastChange > stallMs) return { counted, at };
    await sleep(250);
  }
}

import { type DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Counters } from "../../core/metrics/counters";
import type { RepairDelta } from "../../core/metrics/repair";
import { addExpression, repairPk } from "./metrics-keys";
import { type Backoff, isRetryableCancellation, withRetries } from "./retry";
import { cancellationCodes } from "./transactions";

/** One transaction holds 100 actions: the part's marker and 99 counter updates. */
const MAX_UPDATES = 99;
/** Keeps each UpdateExpression far below DynamoDB's 4 KB expression limit. */
const MAX_COUNTERS_PER_UPDATE = 100;

export interface RepairWrite {
  experimentId: string;
  /** Names this repair; a part already written under it is never written again. */
  repairId: string;
  deltas: readonly RepairDelta[];
  at: string;
  /** The counter shard the corrections are added to (readers sum every shard). */
  shard?: number;
}

export interface RepairResult {
  /** Transactions (parts) this call committed. */
  committed: number;
  /** Parts an earlier attempt of the same repair had committed already: left alone. */
  alreadyApplied: number;
  /** Counter-item updates committed. */
  updates: number;
}

interface Update {
  arm: string;
  hour: string;
  counters: Counters;
}

/**
 * Adds a repair's corrections to the live counters, exactly once: each transaction puts a marker
 * item (pk `REPAIR#<experimentId>`, sk `<repairId>#<part>`, holding that part's corrections as the
 * trail of what was changed) on condition that it does not exist, together with its counter ADDs.
 * A part whose marker exists was committed before (a retry, a rerun with the same id) and is skipped.
 */
export async function applyRepair(
  db: DynamoDBDocumentClient,
  table: string,
  write: RepairWrite,
  backoff: Backoff = { maxAttempts: 10 },
): Promise<RepairResult> {
  const result: RepairResult = { committed: 0, alreadyApplied: 0, updates: 0 };
  const parts = partsOf(write.deltas);
  for (const [index, updates] of parts.entries()) {
    const marker = {
      pk: repairPk(write.experimentId),
      sk: `${write.repairId}#${String(index).padStart(4, "0")}`,
      repairId: write.repairId,
      part: index,
      parts: parts.length,
      at: write.at,
      corrections: JSON.stringify(updates),
    };
    const items = [
      { Put: { TableName: table, Item: marker, ConditionExpression: "attribute_not_exists(pk)" } },
      ...updates.map((u) => ({
        Update: {
          TableName: table,
          ...addExpression(
            { experimentId: write.experimentId, arm: u.arm, hour: u.hour, shard: write.shard ?? 0 },
            u.counters,
          ),
        },
      })),
    ];
    const applied = await withRetries(
      async () => {
        try {
          await db.send(new TransactWriteCommand({ TransactItems: items }));
          return true;
        } catch (error) {
          if (cancellationCodes(error)?.[0] === "ConditionalCheckFailed") return false;
          throw error;
        }
      },
      isRetryableCancellation,
      backoff,
    );
    if (applied) {
      result.committed++;
      result.updates += updates.length;
    } else result.alreadyApplied++;
  }
  return result;
}

/** Splits the corrections into transactions: ≤ 99 updates, each item once, ≤ 100 counters an update. */
function partsOf(deltas: readonly RepairDelta[]): Update[][] {
  const updates: Update[] = [];
  for (const delta of deltas) {
    const names = Object.entries(delta.counters).filter(([, v]) => v !== 0);
    for (let i = 0; i < names.length; i += MAX_COUNTERS_PER_UPDATE)
      updates.push({
        arm: delta.arm,
        hour: delta.hour,
        counters: Object.fromEntries(names.slice(i, i + MAX_COUNTERS_PER_UPDATE)),
      });
  }
  const parts: Update[][] = [];
  let part: Update[] = [];
  let keys = new Set<string>();
  for (const update of updates) {
    const key = `${update.hour}#${update.arm}`;
    if (part.length >= MAX_UPDATES || keys.has(key)) {
      parts.push(part);
      part = [];
      keys = new Set();
    }
    part.push(update);
    keys.add(key);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

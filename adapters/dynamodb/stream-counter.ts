import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { fnv1a32 } from "../../core/assignment/hash";
import { aggregateChange, DEFAULT_SHARDS, firstEventPerUnit } from "../../core/metrics/aggregate";
import type { MetricEvent } from "../../core/metrics/events";
import { chunkForCommit, type StreamRecord } from "../../core/metrics/stream-batches";
import { assertInOrder, recordsAfter } from "../../core/metrics/stream-position";
import { isConditionFailure } from "./client";
import { addExpression, UNIT_SK, unitPk } from "./metrics-keys";
import { batchGetAll } from "./pages";
import { type Backoff, isRetryableCancellation, withRetries } from "./retry";
import { cancellationCodes } from "./transactions";

/**
 * Counts what the records tables' streams carry (what each write of a decision, review item or
 * feedback record changed in the events it implies) into the metrics table's counters, exactly
 * once, without a dedupe item per event (docs/metrics.md §5).
 *
 * Per stream shard one mark item (pk `STREAM#<shard key>`, sk `M`) holds the sequence number of the
 * last record counted. Each transaction adds a run of consecutive records' counters and moves the
 * mark to the run's last record, on condition that the mark is still where it was read. A
 * redelivered batch (a retry after a timeout, a second invocation) finds the mark past its records
 * and counts nothing.
 *
 * Distinct units: a unit item is created once with the id of the event that first saw the unit;
 * the unit is counted in the transaction that counts that event. The unit item is written before
 * that transaction, so a crash in between is harmless: the retried batch finds the item naming its
 * own event and counts the unit then.
 */

const MARK_SK = "M";
const MAX_ACTIONS = 100;
const MAX_COUNTERS_PER_UPDATE = 100;
/** Stream records live 24 hours; a mark older than that can never be needed again. */
const MARK_TTL_SECONDS = 2 * 24 * 3600;

export const markPk = (shardKey: string) => `STREAM#${shardKey}`;

export interface StreamCounterOptions {
  /** Counter items per (experiment, arm, hour), as the metrics store reads them. Default 4. */
  shards?: number;
  /** Transaction attempts on write conflicts before the batch fails (and Lambda retries it). Default 10. */
  maxAttempts?: number;
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Test seam: fewer counter items per transaction than DynamoDB allows. */
  maxItemsPerTransaction?: number;
}

export interface StreamCountResult {
  /** Events whose counters this call added. */
  counted: number;
  /** Events whose counters this call took back (a record that dropped or changed one). */
  retracted: number;
  /** Records at or before the shard's mark: counted by an earlier delivery. */
  alreadyCounted: number;
  /** Distinct units this call counted. */
  newUnits: number;
  transactions: number;
  /** Transactions refused because the mark had moved (a concurrent delivery of the same records). */
  markMoved: number;
}

export class DynamoStreamCounter {
  private readonly shards: number;
  private readonly maxItems: number;
  private readonly now: () => Date;
  private readonly backoff: Backoff;
  private readonly pause: () => Promise<void>;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: StreamCounterOptions = {},
  ) {
    this.shards = options.shards ?? DEFAULT_SHARDS;
    this.maxItems = Math.min(MAX_ACTIONS - 1, options.maxItemsPerTransaction ?? MAX_ACTIONS - 1);
    this.now = options.now ?? (() => new Date());
    this.backoff = {
      maxAttempts: options.maxAttempts ?? 10,
      ...(options.random ? { random: options.random } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    };
    const random = options.random ?? Math.random;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.pause = () => sleep(20 + random() * 50);
  }

  /**
   * Counts one batch of a shard's records (in shard order); safe to call again with the same records.
   * `shardKey` names the shard uniquely across streams (the handler uses `<stream ARN>/<shard id>`).
   */
  async count(shardKey: string, records: readonly StreamRecord[]): Promise<StreamCountResult> {
    assertInOrder(records);
    const result: StreamCountResult = {
      counted: 0,
      retracted: 0,
      alreadyCounted: 0,
      newUnits: 0,
      transactions: 0,
      markMoved: 0,
    };
    if (records.length === 0) return result;
    // One stream shard writes one counter shard: a batch then touches one item per (experiment, arm, hour).
    const counterShard = fnv1a32(shardKey) % this.shards;
    const shardOf = () => counterShard;
    let mark = await this.readMark(shardKey);
    let pending = recordsAfter(records, mark);
    result.alreadyCounted = records.length - pending.length;
    const firstOf = await this.claimUnits(pending.flatMap((r) => r.added ?? []));
    while (pending.length > 0) {
      const [chunk] = chunkForCommit(pending, {
        shardOf,
        shards: this.shards,
        maxItems: this.maxItems,
        maxCountersPerItem: MAX_COUNTERS_PER_UPDATE,
      });
      if (!chunk) break;
      // An event changed in place (retracted and added again) was counted before, and its unit with it.
      const changed = new Set(chunk.retracted.map((e) => e.id));
      const units = new Set(
        chunk.added.filter((e) => firstOf.has(e.id) && !changed.has(e.id)).map((e) => e.id),
      );
      const deltas = aggregateChange(chunk, shardOf, this.shards, { firstSeenUnits: units });
      const items = [
        { Update: this.markUpdate(shardKey, mark, chunk.last) },
        ...deltas.map((d) => ({ Update: { TableName: this.table, ...addExpression(d.key, d.counters) } })),
      ];
      const committed = await withRetries(
        async () => {
          try {
            await this.db.send(new TransactWriteCommand({ TransactItems: items }));
            return true;
          } catch (error) {
            // The mark's condition failed: another delivery of these records moved it.
            if (cancellationCodes(error)?.[0] === "ConditionalCheckFailed") return false;
            throw error;
          }
        },
        isRetryableCancellation,
        this.backoff,
      );
      if (committed) {
        result.counted += chunk.added.length;
        result.retracted += chunk.retracted.length;
        result.newUnits += units.size;
        result.transactions++;
        mark = chunk.last;
        pending = recordsAfter(pending, mark);
        continue;
      }
      result.markMoved++;
      const moved = await this.readMark(shardKey);
      // Refused although nobody moved it: retrying would loop forever, so fail the batch instead.
      if (moved === mark) throw new Error(`the mark of ${shardKey} refused a move from ${mark ?? "none"}`);
      mark = moved;
      const left = recordsAfter(pending, mark);
      result.alreadyCounted += pending.length - left.length;
      pending = left;
    }
    return result;
  }

  private async readMark(shardKey: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: markPk(shardKey), sk: MARK_SK },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.sequence === "string" ? Item.sequence : undefined;
  }

  private markUpdate(shardKey: string, mark: string | undefined, last: string) {
    return {
      TableName: this.table,
      Key: { pk: markPk(shardKey), sk: MARK_SK },
      UpdateExpression: "SET #s = :last, expiresAt = :ttl",
      ConditionExpression: mark === undefined ? "attribute_not_exists(pk)" : "#s = :mark",
      ExpressionAttributeNames: { "#s": "sequence" },
      ExpressionAttributeValues: {
        ":last": last,
        ":ttl": Math.floor(this.now().getTime() / 1000) + MARK_TTL_SECONDS,
        ...(mark === undefined ? {} : { ":mark": mark }),
      },
    };
  }

  /**
   * Ids of the events that count a distinct unit: for each unit of the batch, the event named by its
   * unit item, creating the item (naming this batch's first event of the unit) where there is none.
   */
  private async claimUnits(events: readonly MetricEvent[]): Promise<Set<string>> {
    const firstInBatch = firstEventPerUnit(events);
    const stored = await batchGetAll(
      this.db,
      this.table,
      [...firstInBatch.keys()].map((u) => ({ pk: unitPk(u), sk: UNIT_SK })),
      { consistentRead: true, pause: this.pause },
    );
    const owner = new Map(
      stored.map((item) => [String(item.pk).slice("UNIT#".length), String(item.firstEventId ?? "")]),
    );
    await Promise.all(
      [...firstInBatch]
        .filter(([unit]) => !owner.has(unit))
        .map(async ([unit, eventId]) => owner.set(unit, await this.createUnit(unit, eventId))),
    );
    const ids = new Set(events.map((e) => e.id));
    return new Set([...owner.values()].filter((id) => ids.has(id)));
  }

  /** Creates a unit item naming `eventId`, or returns the event a concurrent writer named first. */
  private async createUnit(unit: string, eventId: string): Promise<string> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: unitPk(unit), sk: UNIT_SK, firstEventId: eventId },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return eventId;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: unitPk(unit), sk: UNIT_SK },
          ConsistentRead: true,
        }),
      );
      return String(Item?.firstEventId ?? "");
    }
  }
}

import { gunzipSync, gzipSync } from "node:zlib";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Counters } from "../../core/metrics/counters";
import type { CounterRow } from "../../core/metrics/read";
import {
  type DayRollup,
  planRollup,
  type RollupResult,
  rollUpDays,
  type StoredRollup,
  type Watermark,
} from "../../core/metrics/rollup";
import { isConditionFailure } from "./client";
import { rollupPk } from "./metrics-keys";
import type { ReadStats } from "./metrics-reader";
import { allPages } from "./pages";

/**
 * Daily roll-ups of sealed days (core/metrics/rollup.ts, docs/metrics.md §4.1): one item per (day,
 * arm) with pk `ROLLUP#<experimentId>`, sk `DAY#<day>#<arm>#<hh>`, attributes `day`, `arm`, `epoch`
 * and `hours` (gzipped JSON of that arm's hourly rows of the day from hour `hh` on), and one
 * watermark (sk `WATERMARK`: `epoch`, `through`). One Query on `ROLLUP#<id>` returns both kinds.
 *
 * A sealed hour never changes, so a sealed day's rows are written once (a Put of rows that cannot
 * change: idempotent), then the watermark moves, on condition that it moves forward and its epoch is
 * the one the rows were read under. Whatever rewrites counters of a sealed hour (a repair) calls
 * `reset`: it raises the epoch, so older roll-ups are ignored and a run that read the old counters
 * can neither overwrite newer roll-ups nor move the watermark.
 */

const WATERMARK_SK = "WATERMARK";
/** A roll-up item's gzipped rows stay below this (DynamoDB items: 400 KB); a larger day is split by hours. */
const MAX_ROLLUP_BYTES = 300_000;
/** Roll-up Puts in flight at once. */
const ROLLUP_WRITERS = 8;

const rollupSk = (day: string, arm: string, firstHour: string) =>
  `DAY#${day}#${arm}#${firstHour.slice(11, 13)}`;

export interface RollupOptions {
  sealAfterHours: number;
  now: () => Date;
  /** The hourly rows of [fromHour, beforeHour) (the reader's). */
  readHours: (
    experimentId: string,
    fromHour: string | undefined,
    beforeHour: string,
  ) => Promise<CounterRow[]>;
  /** Test seam: a roll-up item's largest gzipped size before the day is split by hours. */
  maxRollupBytes?: number;
  /** Test seam: runs after a roll-up run read the hourly rows and before it writes anything. */
  beforeWrite?: () => Promise<void>;
}

export class DynamoRollups {
  private readonly maxBytes: number;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: RollupOptions,
  ) {
    this.maxBytes = options.maxRollupBytes ?? MAX_ROLLUP_BYTES;
  }

  /**
   * Rolls up the sealed days after the watermark and moves it: reads their hourly rows, puts one
   * item per (day, arm), then moves the watermark. Safe to run concurrently and to repeat.
   */
  async rollUp(experimentId: string): Promise<RollupResult> {
    const watermark = await this.watermark(experimentId);
    const plan = planRollup(watermark?.through, this.options.now(), this.options.sealAfterHours);
    const base = { experimentId, ...(watermark?.through ? { through: watermark.through } : {}) };
    if (!plan) return { ...base, rollups: 0, items: 0, outcome: "up-to-date" };
    const rows = await this.options.readHours(experimentId, plan.fromHour, plan.beforeHour);
    await this.options.beforeWrite?.();
    const epoch = watermark?.epoch ?? 0;
    const rollups = rollUpDays(rows, plan);
    const items = rollups.flatMap((r) => this.items(experimentId, r, epoch));
    let next = 0;
    let superseded = false;
    const worker = async () => {
      while (next < items.length && !superseded) {
        const item = items[next++] as Record<string, unknown>;
        // Never over a roll-up of a newer epoch: this run may have read counters since rewritten.
        const ok = await conditional(() =>
          this.db.send(
            new PutCommand({
              TableName: this.table,
              Item: item,
              ConditionExpression: "attribute_not_exists(pk) OR epoch <= :e",
              ExpressionAttributeValues: { ":e": epoch },
            }),
          ),
        );
        if (!ok) superseded = true;
      }
    };
    await Promise.all(Array.from({ length: ROLLUP_WRITERS }, worker));
    if (superseded || !(await this.advance(experimentId, watermark, plan.through)))
      return { ...base, rollups: 0, items: 0, outcome: "superseded" };
    return {
      experimentId,
      through: plan.through,
      rollups: rollups.length,
      items: items.length,
      outcome: "rolled-up",
    };
  }

  /**
   * Forgets every roll-up of an experiment: raises the watermark's epoch and drops its day. Call it
   * after rewriting counters of sealed hours; the next `rollUp` rolls every sealed day up again.
   */
  async reset(experimentId: string): Promise<number> {
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: rollupPk(experimentId), sk: WATERMARK_SK },
        UpdateExpression: "SET epoch = if_not_exists(epoch, :zero) + :one REMOVE through",
        ExpressionAttributeValues: { ":zero": 0, ":one": 1 },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    return Number(result.Attributes?.epoch ?? 0);
  }

  /** A Query, not a GetItem: readers of the metrics table are granted Query only. */
  async watermark(experimentId: string): Promise<Watermark | undefined> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND sk = :sk",
        ExpressionAttributeValues: { ":pk": rollupPk(experimentId), ":sk": WATERMARK_SK },
        ConsistentRead: true,
      }),
    );
    const item = Items?.[0];
    return item ? watermarkOf(item) : undefined;
  }

  /** The watermark and every roll-up of an experiment: one (strongly consistent) Query. */
  async read(
    experimentId: string,
    stats?: ReadStats,
  ): Promise<{ watermark: Watermark | undefined; rollups: StoredRollup[] }> {
    const items = await allPages((start) =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": rollupPk(experimentId) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      ),
    );
    if (stats) stats.rollupItems += items.length;
    let watermark: Watermark | undefined;
    const rollups: StoredRollup[] = [];
    for (const item of items) {
      if (item.sk === WATERMARK_SK) watermark = watermarkOf(item);
      else rollups.push(decodeRollup(item));
    }
    return { watermark, rollups };
  }

  /** Moves the watermark to `through` if it is still where it was read (same epoch, not past it). */
  private advance(experimentId: string, read: Watermark | undefined, through: string) {
    const Key = { pk: rollupPk(experimentId), sk: WATERMARK_SK };
    return conditional(() =>
      read
        ? this.db.send(
            new UpdateCommand({
              TableName: this.table,
              Key,
              UpdateExpression: "SET through = :d",
              ConditionExpression: "epoch = :e AND (attribute_not_exists(through) OR through < :d)",
              ExpressionAttributeValues: { ":d": through, ":e": read.epoch },
            }),
          )
        : this.db.send(
            new PutCommand({
              TableName: this.table,
              Item: { ...Key, epoch: 0, through },
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          ),
    );
  }

  /** A roll-up's items: one, or several covering consecutive hours when one would be too large. */
  private items(experimentId: string, rollup: DayRollup, epoch: number): Record<string, unknown>[] {
    const hours = encodeRows(rollup.rows);
    if (hours.length > this.maxBytes && rollup.rows.length > 1) {
      const half = Math.ceil(rollup.rows.length / 2);
      return [rollup.rows.slice(0, half), rollup.rows.slice(half)].flatMap((rows) =>
        this.items(experimentId, { ...rollup, rows }, epoch),
      );
    }
    const first = rollup.rows[0]?.hour ?? `${rollup.day}T00`;
    return [
      {
        pk: rollupPk(experimentId),
        sk: rollupSk(rollup.day, rollup.arm, first),
        day: rollup.day,
        arm: rollup.arm,
        epoch,
        hours,
      },
    ];
  }
}

/** Runs a conditional write; false when its condition failed. */
async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

const watermarkOf = (item: Record<string, unknown>): Watermark => ({
  epoch: Number(item.epoch ?? 0),
  ...(typeof item.through === "string" ? { through: item.through } : {}),
});

/** `[[hour, counters], …]` as gzipped JSON: one binary attribute reads far faster than hundreds of numbers. */
function encodeRows(rows: readonly CounterRow[]): Uint8Array {
  return gzipSync(JSON.stringify(rows.map((r) => [r.hour, r.counters])));
}

function decodeRollup(item: Record<string, unknown>): StoredRollup {
  const arm = String(item.arm);
  const pairs = JSON.parse(gunzipSync(item.hours as Uint8Array).toString("utf8")) as [string, Counters][];
  return {
    day: String(item.day),
    arm,
    epoch: Number(item.epoch ?? 0),
    rows: pairs.map(([hour, counters]) => ({ arm, hour, counters })),
  };
}

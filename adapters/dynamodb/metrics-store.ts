import { gunzipSync, gzipSync } from "node:zlib";
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { DecisionRecord } from "../../core/decisions/record";
import type { Experiment } from "../../core/experiments/schema";
import type { FeedbackRecord } from "../../core/feedback/record";
import {
  aggregate,
  DEFAULT_SHARDS,
  firstEventPerUnit,
  keyId,
  keyOf,
  shardFor,
} from "../../core/metrics/aggregate";
import type { Counters } from "../../core/metrics/counters";
import type { MetricEvent } from "../../core/metrics/events";
import type { CounterRow } from "../../core/metrics/read";
import type { RebuildInput } from "../../core/metrics/rebuild";
import {
  type DayRollup,
  DEFAULT_SEAL_AFTER_HOURS,
  hourlyFrom,
  planRollup,
  type RollupResult,
  type RollupWriter,
  rollUpDays,
  rowsFromRollups,
  type StoredRollup,
  type Watermark,
} from "../../core/metrics/rollup";
import type { ReviewItem } from "../../core/review/item";
import { fromItem as decisionFromItem } from "./decision-store";
import { DynamoExperimentStore } from "./experiment-store";
import { FEED_PARTITION } from "./feedback-store";
import { allPages, batchGetAll } from "./pages";
import { fromReviewItem, REVIEW_SK } from "./review-store";
import { cancellationCodes, RETRYABLE_CANCELLATIONS } from "./transactions";

/**
 * The metrics table (pk/sk strings, TTL on `expiresAt`) holds five kinds of item:
 * - counters: pk `EXP#<experimentId>#S<shard>`, sk `<hour>#<arm>`, one number attribute per counter;
 * - dedupe items: pk `DEDUPE#<eventId>`, sk `D`, expiring `dedupeTtlSeconds` after they were written;
 * - first-seen units: pk `UNIT#<experimentId>#<arm>#<unitId>`, sk `U`, kept for the experiment's life;
 * - daily roll-ups of sealed days: pk `ROLLUP#<experimentId>`, sk `DAY#<day>#<arm>#<hh>`, attributes
 *   `day`, `arm`, `epoch` and `hours` (gzipped JSON of that arm's hourly rows of the day, summed over
 *   shards, from hour `hh` on: one item per (day, arm) unless it would pass MAX_ROLLUP_BYTES);
 * - one roll-up watermark per experiment: pk `ROLLUP#<experimentId>`, sk `WATERMARK`, `epoch` and
 *   `through` (every day up to it is rolled up). One Query on `ROLLUP#<id>` returns both kinds.
 *
 * Exactly once: every transaction puts the dedupe item of each of its events with
 * `attribute_not_exists(pk)` and ADDs exactly those events' counters. Either all of it commits or
 * none does, so an event's counters are added iff its dedupe item is created, which happens once.
 *
 * Roll-ups (core/metrics/rollup.ts): a sealed hour never changes, so a sealed day's rows are written
 * once (a Put of rows that cannot change: idempotent), then the watermark moves, on condition that
 * it moves forward and its epoch is the one the rows were read under. A reader takes roll-ups of the
 * watermark's epoch up to its day and hourly items after it. Whatever rewrites counters of a sealed
 * hour (a repair) must call `resetRollups` afterwards: it raises the epoch, so older roll-ups are
 * ignored and a roll-up run that read the old counters can neither overwrite newer roll-ups nor move
 * the watermark.
 */

const DEDUPE_SK = "D";
export const UNIT_SK = "U";
const MAX_ACTIONS = 100;
/** Keeps each UpdateExpression far below DynamoDB's 4 KB expression limit. */
const MAX_COUNTERS_PER_UPDATE = 100;
const WATERMARK_SK = "WATERMARK";
/** A roll-up item's gzipped rows stay below this (DynamoDB items: 400 KB); a larger day is split by hours. */
const MAX_ROLLUP_BYTES = 300_000;
/** Roll-up Puts in flight at once. */
const ROLLUP_WRITERS = 8;

export const counterPk = (experimentId: string, shard: number) => `EXP#${experimentId}#S${shard}`;
export const dedupePk = (eventId: string) => `DEDUPE#${eventId}`;
export const unitPk = (unitKey: string) => `UNIT#${unitKey}`;
export const rollupPk = (experimentId: string) => `ROLLUP#${experimentId}`;
const rollupSk = (day: string, arm: string, firstHour: string) =>
  `DAY#${day}#${arm}#${firstHour.slice(11, 13)}`;

export interface MetricsStoreOptions {
  /** Counter items per (experiment, arm, hour); only ever raise it (readers read this many). Default 4. */
  shards?: number;
  /** How long a dedupe item lives. Default 7 days. */
  dedupeTtlSeconds?: number;
  /**
   * Events older than this cannot be proven new (their dedupe item may be gone) and are refused as
   * stale. Must be below the TTL by the producers' clock skew; default TTL − 1 hour.
   */
  maxEventAgeSeconds?: number;
  /** TransactWriteItems calls per transaction before giving up. Default 10. */
  maxAttempts?: number;
  now?: () => Date;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Test seam: fewer actions per transaction than DynamoDB's 100. */
  maxActionsPerTransaction?: number;
  /**
   * Hours after which an hour's counters are final, so its day can be rolled up. Default 7 days + 2
   * hours; at least the oldest accepted event's age + 1 hour (the hour itself).
   */
  sealAfterHours?: number;
  /** Test seam: a roll-up item's largest gzipped size before the day is split by hours. */
  maxRollupBytes?: number;
  /** Test seam: runs after a roll-up run read the hourly rows and before it writes anything. */
  beforeRollupWrite?: () => Promise<void>;
}

/** Items the reads of this store fetched (for tests and the benchmark). */
export interface ReadStats {
  counterItems: number;
  rollupItems: number;
}

export interface WriteResult {
  /** Events whose counters were added by this call. */
  counted: number;
  /** Events already counted (earlier delivery, concurrent writer) or repeated within the batch. */
  duplicates: number;
  /** Ids of events too old to dedupe safely: not counted. */
  stale: string[];
  /** First-seen units counted. */
  newUnits: number;
  transactions: number;
  /** Counter-item updates committed (each costs 2 × the item's size in KB, rounded up). */
  updates: number;
  /** TransactWriteItems calls, including retries. */
  attempts: number;
  /** Write units the committed transactions consumed, as DynamoDB reports them (DynamoDB Local under-reports). */
  writeUnits: number;
}

interface Chunk {
  events: MetricEvent[];
  /** Event id → unit key, for events that count a first-seen unit. */
  units: Map<string, string>;
}

export class DynamoMetricsStore implements RollupWriter {
  readonly shards: number;
  readonly sealAfterHours: number;
  readonly reads: ReadStats = { counterItems: 0, rollupItems: 0 };
  private readonly ttlSeconds: number;
  private readonly maxAgeSeconds: number;
  private readonly maxAttempts: number;
  private readonly maxActions: number;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRollupBytes: number;
  private readonly beforeRollupWrite: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: MetricsStoreOptions = {},
  ) {
    this.shards = options.shards ?? DEFAULT_SHARDS;
    this.ttlSeconds = options.dedupeTtlSeconds ?? 7 * 24 * 3600;
    this.maxAgeSeconds = options.maxEventAgeSeconds ?? this.ttlSeconds - 3600;
    if (!(Number.isInteger(this.shards) && this.shards >= 1)) throw new RangeError("shards must be ≥ 1");
    if (!(this.maxAgeSeconds > 0 && this.maxAgeSeconds <= this.ttlSeconds))
      throw new RangeError("maxEventAgeSeconds must be in (0, dedupeTtlSeconds]");
    this.maxAttempts = options.maxAttempts ?? 10;
    this.maxActions = Math.min(MAX_ACTIONS, options.maxActionsPerTransaction ?? MAX_ACTIONS);
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    // An hour can gain events until it ended maxEventAgeSeconds ago: seal after that, with skew to spare.
    this.sealAfterHours =
      options.sealAfterHours ?? Math.max(DEFAULT_SEAL_AFTER_HOURS, Math.ceil(this.maxAgeSeconds / 3600) + 3);
    if (!(this.sealAfterHours * 3600 >= this.maxAgeSeconds + 3600))
      throw new RangeError("sealAfterHours must cover maxEventAgeSeconds + 1 hour");
    this.maxRollupBytes = options.maxRollupBytes ?? MAX_ROLLUP_BYTES;
    this.beforeRollupWrite = options.beforeRollupWrite;
  }

  private readonly shardOf = (eventId: string) => shardFor(eventId, this.shards);

  /** Counts each event exactly once, however often it is written (concurrently or not). */
  async write(events: readonly MetricEvent[]): Promise<WriteResult> {
    const result: WriteResult = {
      counted: 0,
      duplicates: 0,
      stale: [],
      newUnits: 0,
      transactions: 0,
      updates: 0,
      attempts: 0,
      writeUnits: 0,
    };
    const oldest = this.now().getTime() - this.maxAgeSeconds * 1000;
    const unique = new Map<string, MetricEvent>();
    const seen = new Set<string>();
    for (const event of events) {
      if (seen.has(event.id)) result.duplicates++;
      else if (Date.parse(event.at) < oldest) result.stale.push(event.id);
      else unique.set(event.id, event);
      seen.add(event.id);
    }
    const batch = [...unique.values()];
    const units = await this.newUnits(batch);
    for (const chunk of this.plan(batch, units)) await this.commit(chunk, result);
    return result;
  }

  /** Event id → unit key for the first event of each unit not yet stored (a read saves a cancelled transaction). */
  private async newUnits(events: readonly MetricEvent[]): Promise<Map<string, string>> {
    const firstEvent = firstEventPerUnit(events);
    const stored = await batchGetAll(
      this.db,
      this.table,
      [...firstEvent.keys()].map((u) => ({ pk: unitPk(u), sk: UNIT_SK })),
      { pause: () => this.sleep(20 + this.random() * 50) },
    );
    const known = new Set(stored.map((item) => String(item.pk).slice("UNIT#".length)));
    return new Map([...firstEvent].filter(([unit]) => !known.has(unit)).map(([unit, id]) => [id, unit]));
  }

  /** Splits a batch into transactions of ≤ 100 actions with no two actions on one item. */
  private plan(events: readonly MetricEvent[], units: ReadonlyMap<string, string>): Chunk[] {
    const byKey = new Map<string, MetricEvent[]>();
    for (const event of events) {
      const id = keyId(keyOf(event, this.shardOf, this.shards));
      byKey.set(id, [...(byKey.get(id) ?? []), event]);
    }
    const chunks: Chunk[] = [];
    let current: Chunk = { events: [], units: new Map() };
    let actions = 0;
    let keys = new Set<string>();
    for (const [id, group] of byKey) {
      for (const event of group) {
        const unit = units.get(event.id);
        const cost = 1 + (unit ? 1 : 0) + (keys.has(id) ? 0 : 1);
        if (actions + cost > this.maxActions && current.events.length > 0) {
          chunks.push(current);
          current = { events: [], units: new Map() };
          actions = 0;
          keys = new Set();
        }
        actions += 1 + (unit ? 1 : 0) + (keys.has(id) ? 0 : 1);
        keys.add(id);
        current.events.push(event);
        if (unit) current.units.set(event.id, unit);
      }
    }
    if (current.events.length > 0) chunks.push(current);
    return chunks.flatMap((chunk) => this.narrow(chunk));
  }

  /** Halves a chunk until no counter item gets more than MAX_COUNTERS_PER_UPDATE counters. */
  private narrow(chunk: Chunk): Chunk[] {
    const widest = Math.max(0, ...this.deltas(chunk).map((d) => Object.keys(d.counters).length));
    if (widest <= MAX_COUNTERS_PER_UPDATE || chunk.events.length <= 1) return [chunk];
    const half = Math.ceil(chunk.events.length / 2);
    const part = (events: MetricEvent[]): Chunk => ({
      events,
      units: new Map([...chunk.units].filter(([id]) => events.some((e) => e.id === id))),
    });
    return [
      ...this.narrow(part(chunk.events.slice(0, half))),
      ...this.narrow(part(chunk.events.slice(half))),
    ];
  }

  private deltas(chunk: Chunk) {
    return aggregate(chunk.events, this.shardOf, this.shards, {
      firstSeenUnits: new Set(chunk.units.keys()),
    });
  }

  /** Commits one chunk; drops exactly the events (and units) a cancellation names, retries the rest. */
  private async commit(chunk: Chunk, result: WriteResult): Promise<void> {
    let events = [...chunk.events];
    const units = new Map(chunk.units);
    for (let attempt = 1; ; attempt++) {
      if (events.length === 0) return;
      const expiresAt = Math.floor(this.now().getTime() / 1000) + this.ttlSeconds;
      // Action i of the transaction, so a cancellation reason can be traced back to its event or unit.
      const owners: ({ event: string } | { unit: string } | null)[] = [];
      const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]["TransactItems"]> = [];
      for (const event of events) {
        owners.push({ event: event.id });
        items.push({
          Put: {
            TableName: this.table,
            Item: { pk: dedupePk(event.id), sk: DEDUPE_SK, expiresAt },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        });
      }
      for (const [eventId, unit] of units) {
        owners.push({ unit: eventId });
        items.push({
          Put: {
            TableName: this.table,
            Item: { pk: unitPk(unit), sk: UNIT_SK, firstEventId: eventId },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        });
      }
      const deltas = aggregate(events, this.shardOf, this.shards, { firstSeenUnits: new Set(units.keys()) });
      for (const delta of deltas) {
        owners.push(null);
        items.push({ Update: { TableName: this.table, ...addExpression(delta.key, delta.counters) } });
      }
      result.attempts++;
      try {
        const response = await this.db.send(
          new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: "TOTAL" }),
        );
        result.writeUnits += (response.ConsumedCapacity ?? []).reduce(
          (s, c) => s + (c.CapacityUnits ?? 0),
          0,
        );
        result.counted += events.length;
        result.newUnits += units.size;
        result.transactions++;
        result.updates += deltas.length;
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        const duplicates = new Set<string>();
        let unitTaken = false;
        codes.forEach((code, i) => {
          if (code !== "ConditionalCheckFailed") return;
          const owner = owners[i];
          if (owner && "event" in owner) duplicates.add(owner.event);
          if (owner && "unit" in owner) {
            // Another writer counted this unit first: count the event, not the unit.
            units.delete(owner.unit);
            unitTaken = true;
          }
        });
        if (duplicates.size > 0 || unitTaken) {
          result.duplicates += duplicates.size;
          events = events.filter((e) => !duplicates.has(e.id));
          for (const id of duplicates) units.delete(id);
          continue;
        }
        if (!codes.some((code) => code && RETRYABLE_CANCELLATIONS.has(code)) || attempt >= this.maxAttempts)
          throw error;
        // Full jitter: concurrent writers on the same counter item stop colliding in lockstep.
        await this.sleep(this.random() * Math.min(1000, 25 * 2 ** attempt));
      }
    }
  }

  /**
   * Every counter row of an experiment, summed over shards per (arm, hour), in (hour, arm) order:
   * the roll-ups up to the watermark (one Query), then one Query per shard for the hours after it.
   * With `fromHour`, only the rows from that hour on, from the hourly items.
   */
  async readExperiment(experimentId: string, options: { fromHour?: string } = {}): Promise<CounterRow[]> {
    if (options.fromHour !== undefined) return this.readHours(experimentId, options.fromHour);
    const { watermark, rollups } = await this.readRollups(experimentId);
    const rolled = rowsFromRollups(rollups, watermark);
    const recent = await this.readHours(experimentId, hourlyFrom(watermark));
    return [...rolled, ...recent];
  }

  /** The roll-up epoch of an experiment: it changes when `resetRollups` is called (0 before any). */
  async rollupEpoch(experimentId: string): Promise<number> {
    return (await this.getWatermark(experimentId))?.epoch ?? 0;
  }

  /**
   * Rolls up the sealed days after the watermark and moves it: reads their hourly rows, puts one
   * item per (day, arm), then moves the watermark. Safe to run concurrently and to repeat.
   */
  async rollUp(experimentId: string): Promise<RollupResult> {
    const watermark = await this.getWatermark(experimentId);
    const plan = planRollup(watermark?.through, this.now(), this.sealAfterHours);
    const base = { experimentId, ...(watermark?.through ? { through: watermark.through } : {}) };
    if (!plan) return { ...base, rollups: 0, items: 0, outcome: "up-to-date" };
    const rows = await this.readHours(experimentId, plan.fromHour, plan.beforeHour);
    await this.beforeRollupWrite?.();
    const epoch = watermark?.epoch ?? 0;
    const rollups = rollUpDays(rows, plan);
    const items = rollups.flatMap((r) => this.rollupItems(experimentId, r, epoch));
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
    if (superseded || !(await this.advanceWatermark(experimentId, watermark, plan.through)))
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
  async resetRollups(experimentId: string): Promise<number> {
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

  /** Moves the watermark to `through` if it is still where it was read (same epoch, not past it). */
  private advanceWatermark(experimentId: string, read: Watermark | undefined, through: string) {
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

  /** A Query, not a GetItem: readers of the metrics table are granted Query only. */
  private async getWatermark(experimentId: string): Promise<Watermark | undefined> {
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
  private async readRollups(
    experimentId: string,
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
    this.reads.rollupItems += items.length;
    let watermark: Watermark | undefined;
    const rollups: StoredRollup[] = [];
    for (const item of items) {
      if (item.sk === WATERMARK_SK) watermark = watermarkOf(item);
      else rollups.push(decodeRollup(item));
    }
    return { watermark, rollups };
  }

  /** A roll-up's items: one, or several covering consecutive hours when one would be too large. */
  private rollupItems(experimentId: string, rollup: DayRollup, epoch: number): Record<string, unknown>[] {
    const hours = encodeRows(rollup.rows);
    if (hours.length > this.maxRollupBytes && rollup.rows.length > 1) {
      const half = Math.ceil(rollup.rows.length / 2);
      return [rollup.rows.slice(0, half), rollup.rows.slice(half)].flatMap((rows) =>
        this.rollupItems(experimentId, { ...rollup, rows }, epoch),
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

  /**
   * Hourly rows from `fromHour` (inclusive) to `beforeHour` (exclusive), either end open: one Query
   * per shard, summed per (arm, hour), counters in name order (so float sums over them, such as an
   * hour's cost, come out the same whichever shard or roll-up the counters came from).
   */
  private async readHours(
    experimentId: string,
    fromHour?: string,
    beforeHour?: string,
  ): Promise<CounterRow[]> {
    const rows = new Map<string, CounterRow>();
    const pages = await Promise.all(
      Array.from({ length: this.shards }, (_, shard) =>
        this.queryHours(counterPk(experimentId, shard), fromHour, beforeHour),
      ),
    );
    for (const item of pages.flat()) {
      this.reads.counterItems++;
      const sk = String(item.sk);
      const cut = sk.indexOf("#");
      const hour = sk.slice(0, cut);
      const arm = sk.slice(cut + 1);
      const row = rows.get(sk) ?? { arm, hour, counters: {} };
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

  private queryHours(pk: string, fromHour?: string, beforeHour?: string): Promise<Record<string, unknown>[]> {
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
      this.db.send(
        new QueryCommand({
          TableName: this.table,
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
}

/** Runs a conditional write; false when its condition failed. */
async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if ((error as { name?: string })?.name === "ConditionalCheckFailedException") return false;
    throw error;
  }
}

const sortedCounters = (counters: Counters): Counters =>
  Object.fromEntries(Object.entries(counters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

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

/** `ADD #n0 :v0, #n1 :v1, …` on one counter item. */
export function addExpression(key: Parameters<typeof keyId>[0], counters: Counters) {
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
    Key: { pk: counterPk(key.experimentId, key.shard), sk: `${key.hour}#${key.arm}` },
    UpdateExpression: `ADD ${parts.join(", ")}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Table names the rebuild reads records from. */
export interface RecordTables {
  decisions: string;
  reviews: string;
  experiments: string;
}

/** Loads everything `rebuildCounters` needs for one experiment from the records tables. */
export async function loadRebuildInput(
  db: DynamoDBDocumentClient,
  tables: RecordTables,
  experimentId: string,
): Promise<RebuildInput> {
  const query = (input: ConstructorParameters<typeof QueryCommand>[0]) =>
    allPages((start) => db.send(new QueryCommand({ ...input, ExclusiveStartKey: start })));
  // A rebuild is a rare operator action: scanning (4 parallel segments) costs about $0.02 per GB read,
  // where an index per experiment would add a write to every routed decision.
  const segments = 4;
  const scanned = await Promise.all(
    Array.from({ length: segments }, (_, segment) =>
      allPages((start) =>
        db.send(
          new ScanCommand({
            TableName: tables.decisions,
            Segment: segment,
            TotalSegments: segments,
            FilterExpression: "experimentId = :e AND sk = :decision",
            ExpressionAttributeValues: { ":e": experimentId, ":decision": "DECISION" },
            ExclusiveStartKey: start,
          }),
        ),
      ),
    ),
  );
  const decisions: DecisionRecord[] = scanned
    .flat()
    .map(decisionFromItem)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.decisionId.localeCompare(b.decisionId));
  const feedback = (
    await query({
      TableName: tables.decisions,
      IndexName: "feed",
      KeyConditionExpression: "feedPartition = :p",
      FilterExpression: "experimentId = :e",
      ExpressionAttributeValues: { ":p": FEED_PARTITION, ":e": experimentId },
    })
  ).map((item) => {
    const { pk: _pk, sk: _sk, feedPartition: _fp, feedKey: _fk, ...record } = item;
    return record as unknown as FeedbackRecord;
  });

  const reviewIds = [...new Set(decisions.flatMap((d) => (d.reviewId ? [d.reviewId] : [])))];
  const reviews: ReviewItem[] = (
    await batchGetAll(
      db,
      tables.reviews,
      reviewIds.map((id) => ({ pk: id, sk: REVIEW_SK })),
    )
  ).map(fromReviewItem);
  const store = new DynamoExperimentStore(db, tables.experiments);
  const versions = new Map<number, Experiment | undefined>();
  for (const version of new Set(decisions.map((d) => d.configVersion)))
    versions.set(version, await store.getVersion(experimentId, version));
  return { decisions, reviews, feedback, experimentVersion: (version) => versions.get(version) };
}

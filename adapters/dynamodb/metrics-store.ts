import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import type { CounterRow } from "../../core/metrics/read";
import {
  DEFAULT_SEAL_AFTER_HOURS,
  hourlyFrom,
  type RollupResult,
  type RollupWriter,
  rowsFromRollups,
} from "../../core/metrics/rollup";
import { type ReadStats, readHours } from "./metrics-reader";
import { DynamoRollups } from "./metrics-rollups";

/**
 * Reads an experiment's counters from the metrics table (metrics-keys.ts describes its items): the
 * daily roll-ups of sealed days (metrics-rollups.ts) and the hourly counter items after them
 * (metrics-reader.ts). The counters are written by the stream counter (stream-counter.ts) and by
 * repairs (metrics-repair.ts), never here.
 */
export interface MetricsStoreOptions {
  /** Counter items per (experiment, arm, hour); only ever raise it (readers read this many). Default 4. */
  shards?: number;
  now?: () => Date;
  /**
   * Hours after which an hour's counters are final, so its day can be rolled up. Default 7 days + 2
   * hours; at least a day and 2 hours (a stream record is counted within the stream's 24 hours).
   */
  sealAfterHours?: number;
  /** Test seam: a roll-up item's largest gzipped size before the day is split by hours. */
  maxRollupBytes?: number;
  /** Test seam: runs after a roll-up run read the hourly rows and before it writes anything. */
  beforeRollupWrite?: () => Promise<void>;
}

/** A stream record is at most 24 hours old when counted; its own hour and an hour of skew on top. */
export const MIN_SEAL_AFTER_HOURS = 24 + 2;

export class DynamoMetricsStore implements RollupWriter {
  readonly shards: number;
  readonly sealAfterHours: number;
  readonly reads: ReadStats = { counterItems: 0, rollupItems: 0 };
  private readonly rollups: DynamoRollups;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    options: MetricsStoreOptions = {},
  ) {
    this.shards = options.shards ?? DEFAULT_SHARDS;
    if (!(Number.isInteger(this.shards) && this.shards >= 1)) throw new RangeError("shards must be ≥ 1");
    this.sealAfterHours = options.sealAfterHours ?? DEFAULT_SEAL_AFTER_HOURS;
    if (!(this.sealAfterHours >= MIN_SEAL_AFTER_HOURS))
      throw new RangeError(
        `sealAfterHours must be at least ${MIN_SEAL_AFTER_HOURS} (a day of stream retention + 2 h)`,
      );
    this.rollups = new DynamoRollups(db, table, {
      sealAfterHours: this.sealAfterHours,
      now: options.now ?? (() => new Date()),
      readHours: (experimentId, fromHour, beforeHour) => this.readHours(experimentId, fromHour, beforeHour),
      ...(options.maxRollupBytes !== undefined ? { maxRollupBytes: options.maxRollupBytes } : {}),
      ...(options.beforeRollupWrite ? { beforeWrite: options.beforeRollupWrite } : {}),
    });
  }

  /**
   * Every counter row of an experiment, summed over shards per (arm, hour), in (hour, arm) order:
   * the roll-ups up to the watermark (one Query), then one Query per shard for the hours after it.
   * With `fromHour`, only the rows from that hour on, from the hourly items.
   */
  async readExperiment(experimentId: string, options: { fromHour?: string } = {}): Promise<CounterRow[]> {
    if (options.fromHour !== undefined) return this.readHours(experimentId, options.fromHour);
    const { watermark, rollups } = await this.rollups.read(experimentId, this.reads);
    const rolled = rowsFromRollups(rollups, watermark);
    const recent = await this.readHours(experimentId, hourlyFrom(watermark));
    return [...rolled, ...recent];
  }

  /** The roll-up epoch of an experiment: it changes when `resetRollups` is called (0 before any). */
  async rollupEpoch(experimentId: string): Promise<number> {
    return (await this.rollups.watermark(experimentId))?.epoch ?? 0;
  }

  rollUp(experimentId: string): Promise<RollupResult> {
    return this.rollups.rollUp(experimentId);
  }

  /** Forgets every roll-up of an experiment (after counters of sealed hours were rewritten). */
  resetRollups(experimentId: string): Promise<number> {
    return this.rollups.reset(experimentId);
  }

  private readHours(experimentId: string, fromHour?: string, beforeHour?: string): Promise<CounterRow[]> {
    return readHours(
      this.db,
      this.table,
      {
        experimentId,
        shards: this.shards,
        ...(fromHour !== undefined ? { fromHour } : {}),
        ...(beforeHour !== undefined ? { beforeHour } : {}),
      },
      this.reads,
    );
  }
}

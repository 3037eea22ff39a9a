/**
 * Counter rows of hours that can no longer change, kept between report requests (per Lambda
 * container), so a warm report reads only the recent hours. Exact, not a TTL cache: the metrics
 * store refuses events older than its dedupe window (7 days − 1 hour, docs/metrics.md §5.6), and an
 * event counts in the hour of its own time, so an hour's counters are final once it ended more than
 * that long ago. The default seals hours after 7 days + 2 hours (one hour of clock skew to spare).
 */

import type { CounterRow } from "../metrics/read";
import type { CounterReader } from "./get-report";

/** A reader that can skip old hours; a reader that ignores `fromHour` is still correct, only slower. */
export interface RangeCounterReader {
  readExperiment(experimentId: string, options?: { fromHour?: string }): Promise<CounterRow[]>;
}

export const DEFAULT_SEAL_AFTER_HOURS = 7 * 24 + 2;
const HOUR_MS = 3_600_000;

export interface SealedCacheOptions {
  /** Hours after which an hour's counters are final. Default 7 days + 2 hours. */
  sealAfterHours?: number;
  /** Experiments kept (least recently read go first). Default 50. */
  maxExperiments?: number;
  now?: () => Date;
}

/** `2026-11-25T12` for the hour containing `ms`. */
const hourAt = (ms: number) => new Date(ms).toISOString().slice(0, 13);

export class SealedCounterCache implements CounterReader {
  private readonly sealed = new Map<string, { until: string; rows: CounterRow[] }>();
  private readonly sealAfterMs: number;
  private readonly maxExperiments: number;
  private readonly now: () => Date;
  /** Reads that used the cache, and rows they did not have to fetch (for logs and tests). */
  readonly stats = { hits: 0, misses: 0, rowsSaved: 0 };

  constructor(
    private readonly reader: RangeCounterReader,
    options: SealedCacheOptions = {},
  ) {
    this.sealAfterMs = (options.sealAfterHours ?? DEFAULT_SEAL_AFTER_HOURS) * HOUR_MS;
    this.maxExperiments = options.maxExperiments ?? 50;
    this.now = options.now ?? (() => new Date());
  }

  async readExperiment(experimentId: string): Promise<CounterRow[]> {
    // Hours before `until` are final (ISO hours sort as strings).
    const until = hourAt(this.now().getTime() - this.sealAfterMs);
    const cached = this.sealed.get(experimentId);
    let rows: CounterRow[];
    if (cached) {
      const fresh = await this.reader.readExperiment(experimentId, { fromHour: cached.until });
      rows = [...cached.rows, ...fresh.filter((r) => r.hour >= cached.until)];
      this.stats.hits++;
      this.stats.rowsSaved += cached.rows.length;
    } else {
      rows = await this.reader.readExperiment(experimentId);
      this.stats.misses++;
    }
    this.sealed.delete(experimentId);
    this.sealed.set(experimentId, { until, rows: rows.filter((r) => r.hour < until) });
    if (this.sealed.size > this.maxExperiments) {
      const oldest = this.sealed.keys().next().value;
      if (oldest !== undefined) this.sealed.delete(oldest);
    }
    return rows;
  }
}

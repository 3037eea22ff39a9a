/**
 * Counter rows of hours that can no longer change, kept between report requests (per Lambda
 * container), so a warm report reads only the recent hours. Exact, not a TTL cache: an event counts
 * in the hour its record was written and is counted within the stream's 24 hours (docs/metrics.md
 * §4.1), so an hour's counters are final long before the default seal of 7 days + 2 hours.
 *
 * The store's daily roll-ups make the first read of a container cheap; this cache saves the rest of
 * the sealed hours (the roll-ups, and the day or so of sealed hours not rolled up yet) on later reads.
 * A counter repair that rewrites sealed hours resets the roll-ups (a new epoch); a reader that tells
 * its epoch makes the cache drop what it kept from before, so the repair reaches warm containers too.
 */

import type { CounterRow } from "../metrics/read";
import { DEFAULT_SEAL_AFTER_HOURS, sealedUntil } from "../metrics/rollup";
import type { CounterReader } from "./get-report";

export { DEFAULT_SEAL_AFTER_HOURS };

/** A reader that can skip old hours; a reader that ignores `fromHour` is still correct, only slower. */
export interface RangeCounterReader {
  readExperiment(experimentId: string, options?: { fromHour?: string }): Promise<CounterRow[]>;
  /** Changes whenever sealed hours were rewritten (the store's roll-up epoch). */
  rollupEpoch?(experimentId: string): Promise<number>;
  /** The reader's own seal age, when it knows one. */
  readonly sealAfterHours?: number;
}

export interface SealedCacheOptions {
  /** Hours after which an hour's counters are final. Default: the reader's, else 7 days + 2 hours. */
  sealAfterHours?: number;
  /** Experiments kept (least recently read go first). Default 50. */
  maxExperiments?: number;
  now?: () => Date;
}

interface Sealed {
  until: string;
  epoch: number | undefined;
  rows: CounterRow[];
}

export class SealedCounterCache implements CounterReader {
  private readonly sealed = new Map<string, Sealed>();
  private readonly sealAfterHours: number;
  private readonly maxExperiments: number;
  private readonly now: () => Date;
  /** Reads that used the cache, and rows they did not have to fetch (for logs and tests). */
  readonly stats = { hits: 0, misses: 0, rowsSaved: 0 };

  constructor(
    private readonly reader: RangeCounterReader,
    options: SealedCacheOptions = {},
  ) {
    this.sealAfterHours = options.sealAfterHours ?? reader.sealAfterHours ?? DEFAULT_SEAL_AFTER_HOURS;
    this.maxExperiments = options.maxExperiments ?? 50;
    this.now = options.now ?? (() => new Date());
  }

  async readExperiment(experimentId: string): Promise<CounterRow[]> {
    const until = sealedUntil(this.now(), this.sealAfterHours);
    const cached = this.sealed.get(experimentId);
    let rows: CounterRow[] | undefined;
    let epoch: number | undefined;
    if (cached) {
      // Both at once: an unchanged epoch read now says the kept rows were still current then.
      const [fresh, current] = await Promise.all([
        this.reader.readExperiment(experimentId, { fromHour: cached.until }),
        this.reader.rollupEpoch?.(experimentId),
      ]);
      epoch = current;
      if (current === cached.epoch) {
        rows = [...cached.rows, ...fresh.filter((r) => r.hour >= cached.until)];
        this.stats.hits++;
        this.stats.rowsSaved += cached.rows.length;
      }
    } else {
      // Before the rows, so a reset during the read leaves a newer epoch for the next request to see.
      epoch = await this.reader.rollupEpoch?.(experimentId);
    }
    if (!rows) {
      rows = await this.reader.readExperiment(experimentId);
      this.stats.misses++;
    }
    this.sealed.delete(experimentId);
    this.sealed.set(experimentId, { until, epoch, rows: rows.filter((r) => r.hour < until) });
    if (this.sealed.size > this.maxExperiments) {
      const oldest = this.sealed.keys().next().value;
      if (oldest !== undefined) this.sealed.delete(oldest);
    }
    return rows;
  }
}

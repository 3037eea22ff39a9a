/**
 * "read 1,200,000 lines (48%)" on one self-overwriting stderr line while a large file streams in.
 * Only for a terminal: redirected stderr (CI logs, tests) would fill up with carriage returns.
 */

import { count } from "./format";

export interface ProgressOptions {
  write: (text: string) => void;
  enabled: boolean;
  /** Milliseconds between redraws (default 100). */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  /** Cheap to call on every line: it redraws at most once per interval. */
  update(lines: number, fraction?: number): void;
  /** Clears the progress line. */
  done(): void;
}

export function lineProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 100;
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  if (!options.enabled) return { update() {}, done() {} };
  return {
    update(lines, fraction) {
      // Looking at the clock on every line would cost more than the parsing; every 1,000th is enough.
      if (lines % 1000 !== 0) return;
      const time = now();
      if (time - last < interval) return;
      last = time;
      drawn = true;
      const share = fraction === undefined ? "" : ` (${Math.min(100, Math.floor(fraction * 100))}%)`;
      options.write(`\r\x1b[Kread ${count(lines)} lines${share}`);
    },
    done() {
      if (drawn) options.write("\r\x1b[K");
    },
  };
}

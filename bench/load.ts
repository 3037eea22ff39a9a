/** A closed-loop load generator: `concurrency` workers, each starting its next task when one ends. */
import { ratePerSecond } from "./stats";

export interface LoadResult {
  /** Latency of every task that succeeded, in completion order. */
  latenciesMs: number[];
  elapsedMs: number;
  errors: number;
  firstError?: string;
  /** Successful tasks per second. */
  rate: number;
}

export async function closedLoop(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  onProgress?: (done: number) => void,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const t0 = performance.now();
      try {
        await task(index);
        latenciesMs.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      done += 1;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const elapsedMs = performance.now() - started;
  return {
    latenciesMs,
    elapsedMs,
    errors,
    ...(firstError ? { firstError } : {}),
    rate: ratePerSecond(latenciesMs.length, elapsedMs),
  };
}

/**
 * Warm-up that raises concurrency step by step (1, 2, 4, … up to `concurrency`), so the local
 * cloud starts its worker threads a few at a time: all of them starting at once on 2 cores can
 * take longer than a function's timeout. Returns the number of failed tasks and the first error.
 */
export async function rampUp(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<{ errors: number; firstError?: string }> {
  const steps: number[] = [];
  for (let c = 1; c < concurrency; c *= 2) steps.push(c);
  steps.push(concurrency);
  const per = Math.max(1, Math.ceil(total / steps.length));
  let offset = 0;
  let errors = 0;
  let firstError: string | undefined;
  for (const c of steps) {
    const n = Math.min(per, total - offset);
    if (total <= 0) break;
    if (n <= 0) break;
    const start = offset;
    const result = await closedLoop(n, c, (i) => task(start + i));
    errors += result.errors;
    firstError ??= result.firstError;
    offset += n;
  }
  return { errors, ...(firstError ? { firstError } : {}) };
}

/** "routing: 45% (900/2000), 118/s" on stderr, at most once a second and at the end. */
export function progressReporter(label: string, total: number, write: (line: string) => void) {
  const started = performance.now();
  let last = 0;
  return (done: number) => {
    const now = performance.now();
    if (done < total && now - last < 1000) return;
    last = now;
    const rate = ratePerSecond(done, now - started);
    write(`${label}: ${Math.floor((100 * done) / total)}% (${done}/${total}), ${rate.toFixed(0)}/s`);
  };
}

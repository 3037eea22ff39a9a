/** How an operation is retried: full-jitter exponential backoff (a uniform wait below base · 2^n, capped). */
export interface Backoff {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  baseMs?: number;
  capMs?: number;
  /** The wait a failure itself asks for (an HTTP `Retry-After`), taken instead of the backoff's; undefined: back off. */
  waitFor?: (error: unknown) => number | undefined;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `op` until it succeeds, `retryable` says an error is final, or the attempts run out (then
 * the last error is thrown). Full jitter keeps concurrent writers on one item from colliding in
 * lockstep (AWS's "Exponential Backoff and Jitter").
 */
export async function withRetries<T>(
  op: (attempt: number) => Promise<T>,
  retryable: (error: unknown) => boolean,
  backoff: Backoff,
): Promise<T> {
  const random = backoff.random ?? Math.random;
  const sleep = backoff.sleep ?? pause;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      if (!retryable(error) || attempt >= backoff.maxAttempts) throw error;
      const asked = backoff.waitFor?.(error);
      await sleep(asked ?? random() * Math.min(backoff.capMs ?? 1000, (backoff.baseMs ?? 25) * 2 ** attempt));
    }
  }
}

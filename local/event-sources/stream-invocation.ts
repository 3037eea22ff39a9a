// How the stream poller invokes a batch: what counts as a failure, and the retry policy (same
// batch again with backoff, until it succeeds, the retries run out, or the records get too old).
import {
  type FailureCondition,
  reportsItemFailures,
  type StreamInvokeEvent,
  windowStateOf,
} from "./dynamodb-stream-event";

/** How a batch ended: done, given up on (after retries or by age), or cut short by stop(). */
export type Delivery =
  | { kind: "done"; state?: Record<string, unknown> }
  | { kind: "gave-up"; condition: FailureCondition; attempts: number; functionError?: string }
  | { kind: "stopped" };

type Outcome =
  | { ok: true; state?: Record<string, unknown> }
  | { ok: false; reason: string; functionError?: string };

export interface InvocationPolicy {
  readonly invoke: (event: StreamInvokeEvent) => Promise<unknown>;
  readonly tumbling: boolean;
  readonly reportBatchItemFailures: boolean;
  /** -1: forever. */
  readonly maximumRetryAttempts: number;
  /** -1: no limit. */
  readonly maximumRecordAgeSeconds: number;
  /** Wait before retry n: first · 2^(n-1), at most max. */
  readonly backoff: { readonly first: number; readonly max: number };
  /** Resolves early when the poller stops. */
  readonly sleep: (ms: number) => Promise<unknown>;
  readonly isStopped: () => boolean;
  readonly log: (line: string) => void;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function attempt(policy: InvocationPolicy, event: StreamInvokeEvent): Promise<Outcome> {
  let result: unknown;
  try {
    result = await policy.invoke(event);
  } catch (error) {
    return { ok: false, reason: describeError(error), functionError: "Unhandled" };
  }
  if (policy.reportBatchItemFailures && reportsItemFailures(result)) {
    return { ok: false, reason: "the response reports batchItemFailures" };
  }
  if (!policy.tumbling) return { ok: true };
  const state = windowStateOf(result);
  // The final invocation's state is thrown away, so it may return none.
  if (!state && !event.isFinalInvokeForWindow) {
    return { ok: false, reason: "the response has no state object (a tumbling window needs one)" };
  }
  return { ok: true, ...(state ? { state } : {}) };
}

/**
 * Invokes until the event succeeds, the retries run out or the oldest record is too old (then
 * "gave-up"), or the poller stops between attempts ("stopped": the caller checkpoints nothing).
 */
export async function invokeWithRetries(
  policy: InvocationPolicy,
  what: string,
  event: StreamInvokeEvent,
  oldestRecordSeconds: number | undefined,
): Promise<Delivery> {
  let attempts = 0;
  let functionError: string | undefined;
  const gaveUp = (condition: FailureCondition): Delivery => ({
    kind: "gave-up",
    condition,
    attempts,
    ...(functionError ? { functionError } : {}),
  });
  for (;;) {
    const maxAge = policy.maximumRecordAgeSeconds;
    if (
      maxAge >= 0 &&
      oldestRecordSeconds !== undefined &&
      Date.now() / 1000 - oldestRecordSeconds > maxAge
    ) {
      return gaveUp("RecordAgeExceeded");
    }
    attempts++;
    const outcome = await attempt(policy, event);
    if (outcome.ok) return { kind: "done", ...(outcome.state ? { state: outcome.state } : {}) };
    functionError = outcome.functionError;
    policy.log(`${what} failed (attempt ${attempts}): ${outcome.reason}`);
    if (policy.isStopped()) return { kind: "stopped" };
    if (policy.maximumRetryAttempts >= 0 && attempts > policy.maximumRetryAttempts) {
      return gaveUp("RetryAttemptsExhausted");
    }
    await policy.sleep(Math.min(policy.backoff.max, policy.backoff.first * 2 ** (attempts - 1)));
    if (policy.isStopped()) return { kind: "stopped" };
  }
}

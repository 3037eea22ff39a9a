import { cancellationCodes, RETRYABLE_CANCELLATIONS } from "./transactions";

// The backoff is pure and shared with the API client (client/): one retry helper in core.
export { type Backoff, withRetries } from "../../core/util/retry";

/** A transaction cancelled by a concurrent writer or throttling: worth another attempt. */
export const isRetryableCancellation = (error: unknown): boolean =>
  cancellationCodes(error)?.some((code) => code !== undefined && RETRYABLE_CANCELLATIONS.has(code)) ?? false;

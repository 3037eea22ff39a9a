interface Cancellation {
  name?: string;
  CancellationReasons?: { Code?: string }[];
}

/** The reason code of each action of a cancelled TransactWriteItems, in order; undefined for any other error. */
export const cancellationCodes = (error: unknown): (string | undefined)[] | undefined =>
  (error as Cancellation)?.name === "TransactionCanceledException"
    ? ((error as Cancellation).CancellationReasons ?? []).map((r) => r.Code)
    : undefined;

/** Cancellation reasons worth another attempt after a backoff: a concurrent writer or throttling. */
export const RETRYABLE_CANCELLATIONS: ReadonlySet<string> = new Set([
  "TransactionConflict",
  "ThrottlingError",
  "ProvisionedThroughputExceeded",
]);

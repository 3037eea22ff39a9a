/** What the metrics counter's SDK operations add up to, split by construction (pure). */
import type { OperationTotals } from "../../../adapters/aws-operations";

/** What the metrics counter calls (anything else in the phase is some other function's). */
export const COUNTER_OPERATIONS = [
  "DynamoDB.TransactWriteItems",
  "DynamoDB.GetItem",
  "DynamoDB.BatchGetItem",
  "DynamoDB.PutItem",
] as const;

/** Only the given operations' counts, units, errors and times. */
export function onlyOperations(totals: OperationTotals, operations: readonly string[]): OperationTotals {
  const mine = (key: string) =>
    operations.some((op) => key === op || key.startsWith(`${op} `) || key.startsWith(`${op}.`));
  const pick = (map: Record<string, number>) =>
    Object.fromEntries(Object.entries(map).filter(([k]) => mine(k)));
  return {
    ops: pick(totals.ops),
    units: pick(totals.units),
    errors: pick(totals.errors),
    ms: pick(totals.ms),
  };
}

export interface CounterWriteUnits {
  /** TransactWriteItems WRU as the counting middleware logged them. */
  transactions: number;
  /** 2 per committed transaction: the shard's mark (a small item). */
  marks: number;
  /** The rest of the transactions: counter updates (the middleware charges 2 per update). */
  counters: number;
  /** Counter updates committed (counters / 2). */
  updates: number;
  /** Plain PutItem WRU: one first-seen unit item per new unit. */
  units: number;
  /** Transactions refused (the mark moved, a conflict): AWS bills ≥ 1 WRU each, DynamoDB Local 0. */
  refused: number;
}

/** Splits the counter's write units: every committed transaction moved one mark; the rest are counters. */
export function splitCounterUnits(ops: OperationTotals): CounterWriteUnits {
  const refused = Object.entries(ops.errors)
    .filter(([k]) => k.startsWith("DynamoDB.TransactWriteItems."))
    .reduce((s, [, n]) => s + n, 0);
  const committed = Math.max(0, (ops.ops["DynamoDB.TransactWriteItems"] ?? 0) - refused);
  const transactions = ops.units["DynamoDB.TransactWriteItems WRU"] ?? 0;
  const marks = 2 * committed;
  const counters = Math.max(0, transactions - marks);
  return {
    transactions,
    marks,
    counters,
    updates: counters / 2,
    units: ops.units["DynamoDB.PutItem WRU"] ?? 0,
    refused,
  };
}

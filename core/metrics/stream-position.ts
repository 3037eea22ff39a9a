/**
 * Positions in a DynamoDB stream shard. A shard delivers its records in order, each with a sequence
 * number (a decimal string of 21 to 40 digits, so beyond a Number's precision) that grows along the
 * shard. Remembering the last sequence counted per shard (a high-water mark) makes counting from a
 * stream exactly once with one small write per batch, where a queue needs one dedupe item per event.
 */

const DIGITS = /^\d{1,64}$/;

/** Whether `value` is a sequence number as DynamoDB Streams writes them. */
export const isSequenceNumber = (value: unknown): value is string =>
  typeof value === "string" && DIGITS.test(value);

/** Negative when `a` comes before `b` in a shard, 0 when equal, positive after. */
export function compareSequence(a: string, b: string): number {
  if (!isSequenceNumber(a) || !isSequenceNumber(b))
    throw new RangeError(`not a stream sequence number: ${isSequenceNumber(a) ? b : a}`);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The records after `mark` (all of them without one), in the order given. */
export function recordsAfter<T extends { sequence: string }>(
  records: readonly T[],
  mark: string | undefined,
): T[] {
  return mark === undefined ? [...records] : records.filter((r) => compareSequence(r.sequence, mark) > 0);
}

/** Checks that a batch is in shard order, as Lambda delivers it; counting relies on it. */
export function assertInOrder(records: readonly { sequence: string }[]): void {
  for (let i = 1; i < records.length; i++) {
    const previous = records[i - 1]?.sequence ?? "";
    const current = records[i]?.sequence ?? "";
    if (compareSequence(previous, current) >= 0)
      throw new RangeError(`stream records out of order: ${current} after ${previous}`);
  }
}

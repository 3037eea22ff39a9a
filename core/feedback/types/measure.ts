import { distance } from "fastest-levenshtein";
import diff from "microdiff";
import { fnv1a32 } from "../../assignment/hash";
import type { Candidate, Json } from "./schema";

/** Levenshtein distance over the longer text's length: 0 unchanged, 1 nothing kept. */
export function normalisedEditDistance(before: string, after: string): number {
  const longer = Math.max(before.length, after.length);
  return longer === 0 ? 0 : distance(before, after) / longer;
}

const isContainer = (value: Json | undefined): value is Json[] | { [key: string]: Json } =>
  typeof value === "object" && value !== null;

/** Fields added, removed or changed between two JSON values (the deepest path of each change). */
export function changedFields(before: Json | undefined, after: Json | undefined): number {
  if (isContainer(before) && isContainer(after)) return diff(before, after).length;
  return JSON.stringify(before) === JSON.stringify(after) ? 0 : 1;
}

/** Same JSON value, whatever the key order. */
export function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return changedFields(a, b) === 0;
}

/**
 * Which candidate a reviewer sees as A: decided by the review id's hash, so half the items show
 * the first candidate on the left and half the second (against position bias), and a retried
 * intake shows the same order again.
 */
export function positionsFor(reviewId: string, candidates: readonly Candidate[]): [string, string] {
  const [first, second] = candidates;
  if (!first || !second) throw new Error(`review ${reviewId}: a pairwise review needs two candidates`);
  return fnv1a32(`positions:${reviewId}`) % 2 === 0
    ? [first.source, second.source]
    : [second.source, first.source];
}

/**
 * When a claim gets a gold item instead of a real one, and which. Deterministic (the same claim
 * always gets the same answer, so a retried claim cannot draw twice) and unpredictable to a
 * reviewer who does not know the seed: no "every tenth item is a test" pattern to learn.
 */

import { fnv1a32, hashV2 } from "../assignment/hash";

/** What serving reads from the queue's gold settings (`queues.<name>.gold`). */
export interface GoldServingSettings {
  /** Share of claims answered with a gold item. */
  rate: number;
  /** A new reviewer's first claims in the queue are all gold. */
  firstItems: number;
}

export interface GoldClaim {
  reviewer: string;
  queue: string;
  /** Claims this reviewer made in this queue before this one (0 for their first). */
  claimIndex: number;
  /** The queue's gold item ids. */
  pool: readonly string[];
  /** Gold items this reviewer was already served in this queue: never served twice. */
  served: ReadonlySet<string>;
  /** A value reviewers cannot read (e.g. made when the queue's first gold item is uploaded). */
  seed: string;
}

export type GoldChoice =
  | { serve: true; goldId: string; why: "new-reviewer" | "sampled" }
  | { serve: false; why: "not-sampled" | "no-gold" | "no-gold-left" };

/**
 * Serves gold on a new reviewer's first `firstItems` claims, and on a `rate` share of the others
 * (hash of seed, queue, reviewer and claim index). The item is the reviewer's first unseen one in
 * an order of their own (hash of seed, reviewer and id), so two reviewers do not see the pool in the
 * same order. A reviewer who has seen every gold item gets real items (`no-gold-left`: time to
 * upload more).
 */
export function chooseGold(claim: GoldClaim, settings: GoldServingSettings): GoldChoice {
  if (claim.pool.length === 0) return { serve: false, why: "no-gold" };
  const isNew = claim.claimIndex < settings.firstItems;
  if (!goldSampled(claim, settings)) return { serve: false, why: "not-sampled" };
  let best: { goldId: string; rank: number } | undefined;
  for (const goldId of claim.pool) {
    if (claim.served.has(goldId)) continue;
    const rank = fnv1a32(`${claim.seed}#${claim.reviewer}#${goldId}`);
    if (!best || rank < best.rank || (rank === best.rank && goldId < best.goldId)) best = { goldId, rank };
  }
  if (!best) return { serve: false, why: "no-gold-left" };
  return { serve: true, goldId: best.goldId, why: isNew ? "new-reviewer" : "sampled" };
}

/**
 * Whether this claim is one that gets gold (a new reviewer's, or sampled), before reading the pool:
 * most claims are not, and they need not read it.
 */
export function goldSampled(
  claim: Pick<GoldClaim, "reviewer" | "queue" | "claimIndex" | "seed">,
  settings: GoldServingSettings,
): boolean {
  if (claim.claimIndex < settings.firstItems) return true;
  return hashV2(`${claim.seed}#gold`, `${claim.queue}#${claim.reviewer}#${claim.claimIndex}`) < settings.rate;
}

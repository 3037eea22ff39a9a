import type { ReviewItem } from "../review/item";
import type { GoldItem } from "./gold";
import type { Qualification } from "./qualification";

/** A gold item as stored for its queue, with the experiment whose labels it was checked against. */
export interface StoredGold extends GoldItem {
  experimentId: string;
  addedAt: string;
}

/** The queue's gold pool: ids only (the items are read one at a time, when served). */
export interface GoldPool {
  ids: string[];
  /** A value no reviewer can read, made at the queue's first upload (core/reviewers/serving.ts). */
  seed?: string;
}

export interface GoldStore {
  /** Stores the items of one upload (an item with the same id is replaced); makes the seed once. */
  add(
    experimentId: string,
    queue: string,
    items: readonly GoldItem[],
    at: string,
    seed: string,
  ): Promise<void>;
  pool(queue: string): Promise<GoldPool>;
  /** The pool's seed alone (one read), undefined before the first upload. */
  seed(queue: string): Promise<string | undefined>;
  get(queue: string, goldId: string): Promise<StoredGold | undefined>;
  /**
   * Gold claims of each queue not yet absorbed by a real item entering it: `GET /v1/queues` leaves
   * that many of the best pending items out, as if those claims had taken them (core/reviewers/queue-stats.ts).
   */
  shadows(queues: readonly string[]): Promise<Map<string, number>>;
  /** A real item entered the queue: one shadow less (none below zero). */
  absorbShadow(queue: string): Promise<void>;
}

/** What hitl-lab keeps about one reviewer in one queue: claims (for serving) and qualification. */
export interface ReviewerState {
  reviewer: string;
  queue: string;
  /** Claims this reviewer made in the queue, gold and real: the index of the next claim. */
  claims: number;
  /** Gold items served to this reviewer in the queue: never twice. */
  served: string[];
  qualification: Qualification;
  /** Increases with every write: a write expects the version it read. */
  version: number;
}

/** A review item write that commits with a reviewer state, in one transaction. */
export type ItemWrite =
  | { kind: "create"; item: ReviewItem }
  | {
      kind: "update-claimed";
      reviewId: string;
      round: number;
      reviewer: string;
      changes: Partial<ReviewItem>;
      remove: (keyof ReviewItem)[];
    };

export interface ReviewerStates {
  get(queue: string, reviewer: string): Promise<ReviewerState | undefined>;
  /** Every reviewer's state, of one queue or of all. */
  list(queue?: string): Promise<ReviewerState[]>;
  /**
   * Writes `state` if the stored version is still `state.version - 1` (absent for version 1), with
   * the item write (and a gold claim's shadow, see GoldStore.shadows) in the same transaction; false
   * when either condition failed (nothing written).
   */
  commit(state: ReviewerState, item?: ItemWrite, shadow?: { queue: string }): Promise<boolean>;
}

/** Where a pause finds the verdicts to send for a second review. */
export interface VerdictSearch {
  /** Real items (not gold, not re-reviews) with a verdict of `reviewer` in `queue` given in (from, to]. */
  decidedBy(reviewer: string, queue: string, window: { from: string; to: string }): Promise<ReviewItem[]>;
}

/** The original item's revision that commits with a re-review's last verdict. */
export interface RevisionWrite {
  reviewId: string;
  /** The original's `updatedAt` as read: a concurrent change of it fails the transaction. */
  expectedUpdatedAt: string;
  changes: Partial<ReviewItem>;
}

export interface ReReviewWrites {
  /**
   * The lease holder's write of a re-review item and, in the same transaction, the original item's
   * revision when given; false when either condition failed (nothing written).
   */
  close(write: Extract<ItemWrite, { kind: "update-claimed" }>, revision?: RevisionWrite): Promise<boolean>;
}

/** Claimed items no workflow waits on (gold, re-review), found by their lease (the byLease index). */
export interface LapsedLeases {
  /** Items claimed in `queue` whose lease ran out before `before`, the longest lapsed first. */
  lapsed(queue: string, before: string, limit: number): Promise<ReviewItem[]>;
  /**
   * Writes the changes if the item is still claimed by the same holder, in the same round, with the
   * lease as read (a heartbeat that came meanwhile wins); false otherwise.
   */
  reopen(item: ReviewItem, changes: Partial<ReviewItem>, remove: (keyof ReviewItem)[]): Promise<boolean>;
}

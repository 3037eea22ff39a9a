import type { ReviewItem } from "../../core/review/item";
import type { GoldItem } from "../../core/reviewers/gold";
import type {
  GoldPool,
  GoldStore,
  ItemWrite,
  LapsedLeases,
  ReReviewWrites,
  ReviewerState,
  ReviewerStates,
  RevisionWrite,
  StoredGold,
} from "../../core/reviewers/ports";
import type { MemoryReviews } from "./memory";

/** Gold pools in memory. */
export class MemoryGold implements GoldStore {
  readonly items = new Map<string, Map<string, StoredGold>>();
  readonly seeds = new Map<string, string>();
  async add(experimentId: string, queue: string, items: readonly GoldItem[], at: string, seed: string) {
    if (!this.seeds.has(queue)) this.seeds.set(queue, seed);
    const pool = this.items.get(queue) ?? new Map<string, StoredGold>();
    for (const gold of items) pool.set(gold.goldId, { ...structuredClone(gold), experimentId, addedAt: at });
    this.items.set(queue, pool);
  }
  async pool(queue: string): Promise<GoldPool> {
    const seed = this.seeds.get(queue);
    return { ids: [...(this.items.get(queue)?.keys() ?? [])].sort(), ...(seed ? { seed } : {}) };
  }
  async seed(queue: string) {
    return this.seeds.get(queue);
  }
  async get(queue: string, goldId: string) {
    const gold = this.items.get(queue)?.get(goldId);
    return gold ? structuredClone(gold) : undefined;
  }
  readonly shadowCounts = new Map<string, number>();
  async shadows(queues: readonly string[]) {
    return new Map(
      queues
        .filter((q) => (this.shadowCounts.get(q) ?? 0) > 0)
        .map((q) => [q, this.shadowCounts.get(q) ?? 0]),
    );
  }
  async absorbShadow(queue: string) {
    const n = this.shadowCounts.get(queue) ?? 0;
    if (n > 0) this.shadowCounts.set(queue, n - 1);
  }
}

/** Reviewer states in memory; a commit and its item write succeed or fail together, like a transaction. */
export class MemoryReviewerStates implements ReviewerStates {
  readonly states = new Map<string, ReviewerState>();
  constructor(
    private readonly reviews: MemoryReviews,
    /** Where a gold claim's shadow is counted, in the same "transaction". */
    private readonly gold?: MemoryGold,
  ) {}
  async get(queue: string, reviewer: string) {
    const state = this.states.get(`${queue}\u0000${reviewer}`);
    return state ? structuredClone(state) : undefined;
  }
  async list(queue?: string) {
    return [...this.states.values()]
      .filter((s) => queue === undefined || s.queue === queue)
      .map((s) => structuredClone(s));
  }
  async commit(state: ReviewerState, write?: ItemWrite, shadow?: { queue: string }) {
    const key = `${state.queue}\u0000${state.reviewer}`;
    const stored = this.states.get(key);
    if ((stored?.version ?? 0) !== state.version - 1) return false;
    if (write?.kind === "create") {
      if (this.reviews.items.has(write.item.reviewId)) return false;
      this.reviews.items.set(write.item.reviewId, structuredClone(write.item));
      this.reviews.log?.wrote("review", undefined, write.item);
    } else if (write?.kind === "update-claimed") {
      const item = this.reviews.items.get(write.reviewId);
      if (item?.status !== "claimed" || item.leaseHolder !== write.reviewer || item.round !== write.round)
        return false;
      const before = structuredClone(item);
      Object.assign(item, structuredClone(write.changes));
      for (const field of write.remove) delete item[field];
      this.reviews.log?.wrote("review", before, item);
    }
    this.states.set(key, structuredClone(state));
    if (shadow && this.gold)
      this.gold.shadowCounts.set(shadow.queue, (this.gold.shadowCounts.get(shadow.queue) ?? 0) + 1);
    return true;
  }
}

/** A re-review's write and the original's revision in memory: both or neither, like the transaction. */
export class MemoryReReviewWrites implements ReReviewWrites {
  constructor(private readonly reviews: MemoryReviews) {}
  async close(write: Extract<ItemWrite, { kind: "update-claimed" }>, revision?: RevisionWrite) {
    const item = this.reviews.items.get(write.reviewId);
    if (item?.status !== "claimed" || item.leaseHolder !== write.reviewer || item.round !== write.round)
      return false;
    const original = revision ? this.reviews.items.get(revision.reviewId) : undefined;
    if (revision && original?.updatedAt !== revision.expectedUpdatedAt) return false;
    for (const [target, changes, remove] of [
      [item, write.changes, write.remove],
      ...(original && revision ? [[original, revision.changes, []] as const] : []),
    ] as const) {
      const before = structuredClone(target);
      Object.assign(target, structuredClone(changes));
      for (const field of remove) delete target[field];
      this.reviews.log?.wrote("review", before, target);
    }
    return true;
  }
}

/** The byLease index in memory: claimed items with a leaseQueue and a lease. */
export class MemoryLapsedLeases implements LapsedLeases {
  constructor(private readonly reviews: MemoryReviews) {}
  async lapsed(queue: string, before: string, limit: number) {
    return [...this.reviews.items.values()]
      .filter((i) => i.leaseQueue === queue && i.leaseUntil !== undefined && i.leaseUntil < before)
      .sort((a, b) => (a.leaseUntil ?? "").localeCompare(b.leaseUntil ?? ""))
      .slice(0, limit)
      .map((i) => structuredClone(i));
  }
  async reopen(read: ReviewItem, changes: Partial<ReviewItem>, remove: (keyof ReviewItem)[]) {
    const item = this.reviews.items.get(read.reviewId);
    if (
      item?.status !== "claimed" ||
      item.leaseHolder !== read.leaseHolder ||
      item.round !== read.round ||
      item.leaseUntil !== read.leaseUntil
    )
      return false;
    const before = structuredClone(item);
    Object.assign(item, structuredClone(changes));
    for (const field of remove) delete item[field];
    this.reviews.log?.wrote("review", before, item);
    return true;
  }
}

import type { AuditEntry } from "./audit/entry";
import type { DecisionRecord, DecisionStatus } from "./decisions/record";
import type { Experiment } from "./experiments/schema";
import type { FeedbackRecord, OutcomeMessage } from "./feedback/record";
import type { StreamRecord } from "./metrics/stream-batches";
import type { ReviewItem } from "./review/item";
import type { QueueHistoryRecord } from "./review/queue-history";

/** Storage and messaging the use cases need; adapters implement them over AWS SDK clients. */
export interface ExperimentStore {
  get(id: string): Promise<Experiment | undefined>;
  list(): Promise<Experiment[]>;
  /** Writes a new version; fails with a conflict when `version - 1` is no longer current. */
  save(experiment: Experiment): Promise<void>;
}

export interface DecisionStore {
  get(id: string): Promise<DecisionRecord | undefined>;
  /** Creates the record unless one with this id exists; tells which happened. */
  create(record: DecisionRecord): Promise<"created" | "exists">;
  /** Marks a held decision withdrawn; false when it is no longer held. */
  withdraw(id: string, at: string): Promise<boolean>;
  /** Records a final (or corrected) outcome. */
  settle(
    id: string,
    change: {
      status: DecisionStatus;
      outcome: string;
      outcomeSource: NonNullable<DecisionRecord["outcomeSource"]>;
      at: string;
    },
  ): Promise<void>;
}

export interface ReviewStore {
  get(id: string): Promise<ReviewItem | undefined>;
  /** Stores a hold round; "stale" when a newer round of the item is already stored. */
  putRound(item: ReviewItem): Promise<"stored" | "stale">;
  /** Changes fields when the stored round is still `round`; false when it moved on. */
  update(
    id: string,
    round: number,
    changes: Partial<ReviewItem>,
    remove?: (keyof ReviewItem)[],
  ): Promise<boolean>;
}

/** Which pending items of a queue a claim looks at. */
export interface PendingFilter {
  /** Only this experiment's items (queues such as `audit` are shared by every experiment). */
  readonly experimentId?: string;
}

/** Reviewer-side operations on held items; each is one conditional write, safe under races. */
export interface ReviewDesk {
  /** Pending items of a queue (those the filter keeps), best priority first. */
  pending(queue: string, limit: number, filter?: PendingFilter): Promise<ReviewItem[]>;
  /** Every pending item (for queue statistics). */
  allPending(): Promise<ReviewItem[]>;
  /**
   * Claims a pending item of `round` for `reviewer`; false when someone else got it or it moved on.
   * `leaseQueue` for an item no workflow waits on: its lease is then found by the byLease index.
   */
  claim(
    id: string,
    round: number,
    reviewer: string,
    leaseUntil: string,
    at: string,
    leaseQueue?: string,
  ): Promise<boolean>;
  /** Changes a claimed item only while `reviewer` holds its lease in `round`. */
  updateClaimed(
    id: string,
    round: number,
    reviewer: string,
    changes: Partial<ReviewItem>,
    remove?: (keyof ReviewItem)[],
  ): Promise<boolean>;
}

/** The review workflow's task-token API (Step Functions). */
export interface Workflow {
  /** Resumes the hold; rejects with {@link TaskClosedError} when the task already ended. */
  succeed(taskToken: string, output: unknown): Promise<void>;
  heartbeat(taskToken: string): Promise<void>;
  stop(reviewId: string, cause: string): Promise<void>;
}

/** The hold ended (SLA escalation, lease expiry, another verdict) before this call reached it. */
export class TaskClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskClosedError";
  }
}

export interface FeedbackStore {
  put(record: FeedbackRecord): Promise<void>;
}

/** Pushes outcomes to the product and corrections to ML pipelines. */
export interface Notifier {
  outcome(message: OutcomeMessage): Promise<void>;
  feedback(record: FeedbackRecord): Promise<void>;
}

export interface AuditLog {
  append(entries: AuditEntry[]): Promise<void>;
  list(entity: string): Promise<AuditEntry[]>;
}

/**
 * Counts one stream shard's records in order, at most once each (a mark per shard makes retries
 * safe). `shardKey` names the shard uniquely across streams.
 */
export interface ShardCounter {
  count(shardKey: string, records: readonly StreamRecord[]): Promise<unknown>;
}

/** A queue message as it arrived: the dead-letter queue keeps its body whole for inspection and redrive. */
export interface QueueMessage {
  messageId: string;
  body: string;
}

/** Where a message that can never succeed goes, with the reason attached. */
export interface DeadLetter {
  send(message: QueueMessage, code: string, reason: string): Promise<void>;
}

/** Reads the review items whose history touches a window (the queues' history, core/review/queue-history.ts). */
export interface ReviewHistoryReader {
  /** Items created by `until` that were still open at `since` or changed since then. */
  activeBetween(since: string, until: string): Promise<QueueHistoryRecord[]>;
}

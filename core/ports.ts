import type { AuditEntry } from "./audit/entry";
import type { DecisionRecord, DecisionStatus } from "./decisions/record";
import type { Experiment } from "./experiments/schema";
import type { FeedbackRecord, OutcomeMessage } from "./feedback/record";
import type { MetricEvent } from "./metrics/events";
import type { ReviewItem } from "./review/item";

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

export interface EventPublisher {
  publish(events: MetricEvent[]): Promise<void>;
}

import type { AuditEntry } from "../../core/audit/entry";
import type { DecisionRecord } from "../../core/decisions/record";
import type { Experiment } from "../../core/experiments/schema";
import type { FeedbackRecord, OutcomeMessage } from "../../core/feedback/record";
import type { MetricEvent } from "../../core/metrics/events";
import {
  type AuditLog,
  type DecisionStore,
  type EventPublisher,
  type ExperimentStore,
  type FeedbackStore,
  type Notifier,
  type ReviewDesk,
  type ReviewStore,
  TaskClosedError,
  type Workflow,
} from "../../core/ports";
import type { ReviewItem } from "../../core/review/item";

/** In-memory implementations of the domain's ports, for unit tests of use cases. */
export class MemoryExperiments implements ExperimentStore {
  readonly items = new Map<string, Experiment>();
  async get(id: string) {
    return this.items.get(id);
  }
  async list() {
    return [...this.items.values()];
  }
  async save(experiment: Experiment) {
    this.items.set(experiment.id, experiment);
  }
}

export class MemoryDecisions implements DecisionStore {
  readonly items = new Map<string, DecisionRecord>();
  async get(id: string) {
    const record = this.items.get(id);
    return record ? structuredClone(record) : undefined;
  }
  async create(record: DecisionRecord) {
    if (this.items.has(record.decisionId)) return "exists" as const;
    this.items.set(record.decisionId, structuredClone(record));
    return "created" as const;
  }
  async withdraw(id: string, at: string) {
    const record = this.items.get(id);
    if (record?.status !== "held") return false;
    Object.assign(record, { status: "withdrawn", updatedAt: at });
    return true;
  }
  async settle(id: string, change: Parameters<DecisionStore["settle"]>[1]) {
    const record = this.items.get(id);
    if (!record) throw new Error(`no decision ${id}`);
    Object.assign(record, {
      status: change.status,
      outcome: change.outcome,
      outcomeSource: change.outcomeSource,
      outcomeAt: change.at,
      updatedAt: change.at,
    });
  }
}

export class MemoryReviews implements ReviewStore {
  readonly items = new Map<string, ReviewItem>();
  async get(id: string) {
    const item = this.items.get(id);
    return item ? structuredClone(item) : undefined;
  }
  async putRound(item: ReviewItem) {
    const existing = this.items.get(item.reviewId);
    if (existing && existing.round >= item.round) return "stale" as const;
    this.items.set(item.reviewId, structuredClone(item));
    return "stored" as const;
  }
  async update(id: string, round: number, changes: Partial<ReviewItem>, remove: (keyof ReviewItem)[] = []) {
    const item = this.items.get(id);
    if (!item || item.round !== round) return false;
    Object.assign(item, changes);
    for (const key of remove) delete item[key];
    return true;
  }
}

export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entries: AuditEntry[]) {
    this.entries.push(...entries);
  }
  async list(entity: string) {
    return this.entries.filter((e) => e.entity === entity);
  }
}

export class MemoryEvents implements EventPublisher {
  readonly events: MetricEvent[] = [];
  async publish(events: MetricEvent[]) {
    this.events.push(...events);
  }
}

export class MemoryFeedback implements FeedbackStore {
  readonly records: FeedbackRecord[] = [];
  async put(record: FeedbackRecord) {
    if (!this.records.some((r) => r.feedbackId === record.feedbackId)) this.records.push(record);
  }
}

export class MemoryNotifier implements Notifier {
  readonly outcomes: OutcomeMessage[] = [];
  readonly feedbacks: FeedbackRecord[] = [];
  async outcome(message: OutcomeMessage) {
    this.outcomes.push(message);
  }
  async feedback(record: FeedbackRecord) {
    this.feedbacks.push(record);
  }
}

/** A clock tests move by hand. */
export function manualClock(start = "2026-11-25T12:00:00.000Z") {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

/** The reviews table's claim/lease operations, atomic like DynamoDB's conditional writes. */
export class MemoryDesk implements ReviewDesk {
  constructor(private readonly reviews: MemoryReviews) {}
  async pending(queue: string, limit: number) {
    return [...this.reviews.items.values()]
      .filter((i) => i.pendingQueue === queue)
      .sort((a, b) => a.priorityKey.localeCompare(b.priorityKey))
      .slice(0, limit)
      .map((i) => structuredClone(i));
  }
  async allPending() {
    return [...this.reviews.items.values()].filter((i) => i.pendingQueue).map((i) => structuredClone(i));
  }
  async claim(id: string, round: number, reviewer: string, leaseUntil: string, at: string) {
    const item = this.reviews.items.get(id);
    if (item?.status !== "pending" || item.round !== round || item.excludedReviewers.includes(reviewer))
      return false;
    Object.assign(item, { status: "claimed", leaseHolder: reviewer, leaseUntil, claimedAt: at });
    delete item.pendingQueue;
    return true;
  }
  async updateClaimed(
    id: string,
    round: number,
    reviewer: string,
    changes: Partial<ReviewItem>,
    remove: (keyof ReviewItem)[] = [],
  ) {
    const item = this.reviews.items.get(id);
    if (item?.status !== "claimed" || item.leaseHolder !== reviewer || item.round !== round) return false;
    Object.assign(item, structuredClone(changes));
    for (const key of remove) delete item[key];
    return true;
  }
}

/** Task tokens that accept one SendTaskSuccess each, like Step Functions. */
export class MemoryWorkflow implements Workflow {
  readonly succeeded = new Map<string, unknown>();
  readonly closed = new Set<string>();
  readonly heartbeats: string[] = [];
  readonly stopped: string[] = [];
  async succeed(token: string, output: unknown) {
    if (this.closed.has(token)) throw new TaskClosedError(`TaskTimedOut: ${token}`);
    this.closed.add(token);
    this.succeeded.set(token, output);
  }
  async heartbeat(token: string) {
    if (this.closed.has(token)) throw new TaskClosedError(`TaskTimedOut: ${token}`);
    this.heartbeats.push(token);
  }
  async stop(reviewId: string) {
    this.stopped.push(reviewId);
  }
}

import type { AuditEntry } from "../../core/audit/entry";
import type { DecisionRecord } from "../../core/decisions/record";
import type { Experiment } from "../../core/experiments/schema";
import type {
  DecisionWithGroundTruth,
  DeploymentSighting,
  DeploymentSignal,
  FeedbackFeed,
  FeedbackStage,
  GroundTruth,
  GroundTruthStore,
  ModelVersionRegistry,
  ModelVersionState,
} from "../../core/feedback/ports";
import type { FeedbackRecord, OutcomeMessage } from "../../core/feedback/record";
import {
  type AuditLog,
  type DecisionStore,
  type ExperimentStore,
  type FeedbackStore,
  type Notifier,
  type PendingFilter,
  type ReviewDesk,
  type ReviewStore,
  TaskClosedError,
  type Workflow,
} from "../../core/ports";
import type { ReviewItem } from "../../core/review/item";
import type { RecordLog } from "./record-log";

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

/** Runs `change` on the stored record and tells the log (when there is one) what it became. */
function logged<T>(
  log: RecordLog | undefined,
  kind: "decision" | "review" | "feedback",
  record: T,
  change: () => void,
) {
  const before = log ? structuredClone(record) : undefined;
  change();
  log?.wrote(kind, before, record);
}

export class MemoryDecisions implements DecisionStore {
  readonly items = new Map<string, DecisionRecord>();
  constructor(readonly log?: RecordLog) {}
  async get(id: string) {
    const record = this.items.get(id);
    return record ? structuredClone(record) : undefined;
  }
  async create(record: DecisionRecord) {
    if (this.items.has(record.decisionId)) return "exists" as const;
    this.items.set(record.decisionId, structuredClone(record));
    this.log?.wrote("decision", undefined, record);
    return "created" as const;
  }
  async withdraw(id: string, at: string) {
    const record = this.items.get(id);
    if (record?.status !== "held") return false;
    logged(this.log, "decision", record, () => Object.assign(record, { status: "withdrawn", updatedAt: at }));
    return true;
  }
  async settle(id: string, change: Parameters<DecisionStore["settle"]>[1]) {
    const record = this.items.get(id);
    if (!record) throw new Error(`no decision ${id}`);
    logged(this.log, "decision", record, () =>
      Object.assign(record, {
        status: change.status,
        outcome: change.outcome,
        outcomeSource: change.outcomeSource,
        outcomeAt: change.at,
        updatedAt: change.at,
      }),
    );
  }
}

export class MemoryReviews implements ReviewStore {
  readonly items = new Map<string, ReviewItem>();
  constructor(readonly log?: RecordLog) {}
  async get(id: string) {
    const item = this.items.get(id);
    return item ? structuredClone(item) : undefined;
  }
  async putRound(item: ReviewItem) {
    const existing = this.items.get(item.reviewId);
    if (existing && existing.round >= item.round) return "stale" as const;
    this.items.set(item.reviewId, structuredClone(item));
    this.log?.wrote("review", existing, item);
    return "stored" as const;
  }
  async update(id: string, round: number, changes: Partial<ReviewItem>, remove: (keyof ReviewItem)[] = []) {
    const item = this.items.get(id);
    if (!item || item.round !== round) return false;
    logged(this.log, "review", item, () => {
      Object.assign(item, structuredClone(changes));
      for (const key of remove) delete item[key];
    });
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

export class MemoryFeedback implements FeedbackStore {
  readonly records: FeedbackRecord[] = [];
  constructor(readonly log?: RecordLog) {}
  async put(record: FeedbackRecord) {
    if (this.records.some((r) => r.feedbackId === record.feedbackId)) return;
    this.records.push(structuredClone(record));
    this.log?.wrote("feedback", undefined, record);
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

/** The reviews table's claim/lease operations, atomic like DynamoDB's conditional writes. */
export class MemoryDesk implements ReviewDesk {
  constructor(private readonly reviews: MemoryReviews) {}
  private get log() {
    return this.reviews.log;
  }
  async pending(queue: string, limit: number, filter: PendingFilter = {}) {
    return [...this.reviews.items.values()]
      .filter((i) => i.pendingQueue === queue)
      .filter((i) => filter.experimentId === undefined || i.experimentId === filter.experimentId)
      .sort((a, b) => a.priorityKey.localeCompare(b.priorityKey))
      .slice(0, limit)
      .map((i) => structuredClone(i));
  }
  async allPending() {
    return [...this.reviews.items.values()].filter((i) => i.pendingQueue).map((i) => structuredClone(i));
  }
  async claim(
    id: string,
    round: number,
    reviewer: string,
    leaseUntil: string,
    at: string,
    leaseQueue?: string,
  ) {
    const item = this.reviews.items.get(id);
    if (item?.status !== "pending" || item.round !== round || item.excludedReviewers.includes(reviewer))
      return false;
    logged(this.log, "review", item, () => {
      Object.assign(item, {
        status: "claimed",
        leaseHolder: reviewer,
        leaseUntil,
        claimedAt: at,
        ...(leaseQueue ? { leaseQueue } : {}),
      });
      delete item.pendingQueue;
    });
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
    logged(this.log, "review", item, () => {
      Object.assign(item, structuredClone(changes));
      for (const key of remove) delete item[key];
    });
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

/** Model-version registry items, flagged by acknowledgements (see MemoryFeedbackFeed.acknowledge). */
export class MemoryModelVersions implements ModelVersionRegistry {
  readonly items = new Map<string, ModelVersionState>();
  async get(modelVersion: string) {
    const state = this.items.get(modelVersion);
    return state ? { ...state } : undefined;
  }
  flag(modelVersion: string) {
    const state = this.items.get(modelVersion);
    this.items.set(modelVersion, {
      ...state,
      modelVersion,
      awaitingDeployment: true,
      revision: (state?.revision ?? 0) + 1,
    });
  }
  async confirmed(modelVersion: string, revision: number, at: string) {
    const state = this.items.get(modelVersion);
    if (state?.revision !== revision) return false;
    state.awaitingDeployment = false;
    state.deployedAt ??= at;
    return true;
  }
}

const feedOrder = (r: FeedbackRecord) => `${r.producedAt}#${r.feedbackId}`;
const byFeedOrder = (a: FeedbackRecord, b: FeedbackRecord) =>
  feedOrder(a) < feedOrder(b) ? -1 : feedOrder(a) > feedOrder(b) ? 1 : 0;

/** Feedback records in feed order with conditional, all-or-nothing acknowledgements, like the decisions table. */
export class MemoryFeedbackFeed implements FeedbackStore, FeedbackFeed {
  readonly records = new Map<string, FeedbackRecord>();
  constructor(
    readonly models = new MemoryModelVersions(),
    readonly log?: RecordLog,
  ) {}
  async put(record: FeedbackRecord) {
    if (this.records.has(record.feedbackId)) return;
    this.records.set(record.feedbackId, structuredClone(record));
    this.log?.wrote("feedback", undefined, record);
  }
  private ordered() {
    return [...this.records.values()].sort(byFeedOrder).map((r) => structuredClone(r));
  }
  async page(query: { since?: string; after?: string; limit: number }) {
    const { since, after } = query;
    const matching = this.ordered().filter(
      (r) => (since === undefined || feedOrder(r) >= since) && (after === undefined || feedOrder(r) > after),
    );
    return { records: matching.slice(0, query.limit), more: matching.length > query.limit };
  }
  async get(ids: readonly string[]) {
    const out = new Map<string, FeedbackRecord>();
    for (const id of ids) {
      const record = this.records.get(id);
      if (record) out.set(id, structuredClone(record));
    }
    return out;
  }
  async unacknowledged(until: string, stage: FeedbackStage) {
    return this.ordered().filter(
      (r) => feedOrder(r) < `${until}$` && !r.acks?.some((a) => a.stage === stage),
    );
  }
  async takenInBy(modelVersion: string) {
    return this.ordered().filter((r) =>
      r.acks?.some((a) => a.modelVersion === modelVersion && a.stage !== "deployed"),
    );
  }
  async acknowledge(write: Parameters<FeedbackFeed["acknowledge"]>[0]) {
    const refused = write.acks
      .filter((a) => {
        const record = this.records.get(a.feedbackId);
        return !record || (record.acks ?? []).some((x) => x.stage === write.stage);
      })
      .map((a) => a.feedbackId);
    if (refused.length > 0) return { ok: false as const, refused };
    for (const ack of write.acks) {
      const record = this.records.get(ack.feedbackId);
      if (!record) continue;
      logged(this.log, "feedback", record, () => {
        record.acks = [
          ...(record.acks ?? []),
          { stage: write.stage, modelVersion: write.modelVersion, at: ack.at },
        ];
      });
    }
    if (write.awaitDeployment && write.acks.length > 0) this.models.flag(write.modelVersion);
    return { ok: true as const };
  }
}

/** Ground truth on the in-memory decisions, with its correction created in the same step. */
export class MemoryGroundTruth implements GroundTruthStore {
  constructor(
    readonly decisions: MemoryDecisions,
    readonly feed: MemoryFeedbackFeed,
  ) {}
  async get(decisionId: string) {
    const record = this.decisions.items.get(decisionId);
    return record ? (structuredClone(record) as DecisionWithGroundTruth) : undefined;
  }
  async attach(decisionId: string, groundTruth: GroundTruth, feedback?: FeedbackRecord) {
    const record = this.decisions.items.get(decisionId) as DecisionWithGroundTruth | undefined;
    if (!record || record.groundTruth || (feedback && this.feed.records.has(feedback.feedbackId)))
      return "conflict" as const;
    logged(this.decisions.log, "decision", record, () => {
      record.groundTruth = structuredClone(groundTruth);
      record.updatedAt = groundTruth.at;
    });
    if (feedback) await this.feed.put(feedback);
    return "attached" as const;
  }
}

/** Deployment sightings the routing path sent. */
export class MemorySightings implements DeploymentSignal {
  readonly sightings: DeploymentSighting[] = [];
  async sighted(sighting: DeploymentSighting) {
    this.sightings.push(sighting);
  }
}

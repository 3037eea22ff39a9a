import type { DecisionRecord } from "../decisions/record";
import type { FeedbackAck, FeedbackRecord, FeedbackStage } from "./record";
import type { ImplicitSignal } from "./types/signals";

/** Ground truth attached to a decision, kept beside (never instead of) its outcome. */
export interface GroundTruth {
  label: string;
  /** Where it came from, e.g. "chargeback" or "complaint". */
  source: string;
  at: string;
  /** Who attached it (the token's subject). */
  actor: string;
  /** Always 1: a different label for the same decision is refused. */
  revision: number;
  /**
   * What it judged, as it was when attached: the outcome and who settled it, and whether an audit
   * had reviewed the automated decision. Kept so the record's event never changes afterwards.
   */
  judged: {
    outcome: string;
    outcomeSource: "model" | "reviewer" | "fallback";
    audited: boolean;
  };
}

/** A decision as the decisions table keeps it: with its ground truth and implicit signals, once they come. */
export type DecisionWithGroundTruth = DecisionRecord & {
  groundTruth?: GroundTruth;
  signals?: ImplicitSignal[];
  /** Number of `signals`: what the stream filter sees (lib/constructs/metrics-pipeline.ts). */
  signalCount?: number;
};

/**
 * Feedback records in production order (producedAt, then feedbackId) and their acknowledgements.
 * Positions are the order key `<producedAt>#<feedbackId>`.
 */
export interface FeedbackFeed {
  /** Up to `limit` records from `since` (inclusive) and after `after` (exclusive); `more` when others follow. */
  page(query: { since?: string; after?: string; limit: number }): Promise<{
    records: FeedbackRecord[];
    more: boolean;
  }>;
  /** The records that exist among `ids`. */
  get(ids: readonly string[]): Promise<Map<string, FeedbackRecord>>;
  /** Every record produced at or before `until` without an ack for `stage`, in feed order. */
  unacknowledged(until: string, stage: FeedbackStage): Promise<FeedbackRecord[]>;
  /** Every record a model version took in at training or evaluation. */
  takenInBy(modelVersion: string): Promise<FeedbackRecord[]>;
  /**
   * Appends one ack per record (all at one stage), all or none, each only if the record exists and has
   * no ack for that stage. With `awaitDeployment` the model version is flagged in the same write (see
   * {@link ModelVersionRegistry}). At most {@link MAX_ACKS_PER_WRITE} records.
   */
  acknowledge(write: {
    stage: FeedbackStage;
    modelVersion: string;
    acks: readonly { feedbackId: string; at: string }[];
    awaitDeployment: boolean;
  }): Promise<{ ok: true } | { ok: false; refused: string[] }>;
}

/** One DynamoDB transaction holds 100 writes: 99 records and the model version's registry item. */
export const MAX_ACKS_PER_WRITE = 99;

/** What is known about a model version, for confirming its deployment. */
export interface ModelVersionState {
  modelVersion: string;
  /** It took corrections in (training or evaluation) that may still lack a deployed ack. */
  awaitingDeployment: boolean;
  /** Grows with every acknowledgement write that flags the version. */
  revision: number;
  /** When a decision first arrived with this version after it took corrections in. */
  deployedAt?: string;
}

export interface ModelVersionRegistry {
  get(modelVersion: string): Promise<ModelVersionState | undefined>;
  /** Clears the flag unless the version was flagged again after `revision`; false when it was. */
  confirmed(modelVersion: string, revision: number, at: string): Promise<boolean>;
}

/** A decision arrived with a model version that awaits deployment confirmation. */
export interface DeploymentSighting {
  modelVersion: string;
  decisionId: string;
  at: string;
}

export interface DeploymentSignal {
  sighted(sighting: DeploymentSighting): Promise<void>;
}

export interface GroundTruthStore {
  get(decisionId: string): Promise<DecisionWithGroundTruth | undefined>;
  /**
   * Stores the ground truth on the decision and, when given, creates its feedback record, in one
   * write; "conflict" when the decision is gone or already has ground truth (nothing written).
   */
  attach(
    decisionId: string,
    groundTruth: GroundTruth,
    feedback?: FeedbackRecord,
  ): Promise<"attached" | "conflict">;
}

export type { FeedbackAck, FeedbackStage };

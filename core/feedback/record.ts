import type { Action, Candidate, GivenFeedback, Json } from "./types/schema";

/** A human correction of the model, for the ML team's training and evaluation data. */
export interface FeedbackRecord {
  feedbackId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  /** The decision's: copied so the record's metric events need no second read. */
  enrolled: boolean;
  item: Record<string, unknown>;
  prediction: {
    label: string;
    confidence: number;
    modelVersion?: string;
    /** What the model generated, for corrections, rubrics, pairwise and approvals. */
    output?: Json;
    candidates?: Candidate[];
    action?: Action;
  };
  humanLabel: string;
  /** Verdicts the item got (all rounds) and how many gave the settled outcome; absent for ground truth. */
  agreement?: { verdicts: number; agreeing: number };
  /** The settling verdict's typed parts: the corrected output, the preference, the edited call. */
  feedback?: GivenFeedback;
  reviewers: string[];
  source: "review" | "audit" | "ground-truth";
  decidedAt: string;
  producedAt: string;
  /** For source "ground-truth": where it came from (e.g. "chargeback", "complaint"). */
  groundTruthSource?: string;
  /** Model versions and stages that took this correction in (filled by acknowledgements). */
  acks?: FeedbackAck[];
}

export type FeedbackStage = "training" | "evaluation" | "deployed";
export const FEEDBACK_STAGES: readonly FeedbackStage[] = ["training", "evaluation", "deployed"];

/** One model version taking a correction in at one stage; a record has at most one ack per stage. */
export interface FeedbackAck {
  stage: FeedbackStage;
  modelVersion: string;
  at: string;
}

/** What the product system reads from the outcomes queue (documented in docs/api.md). */
export interface OutcomeMessage {
  type: "decision.outcome" | "decision.outcome-changed";
  decisionId: string;
  experimentId: string;
  arm: string;
  outcome: string;
  previousOutcome?: string;
  source: "model" | "reviewer" | "fallback" | "ground-truth";
  reviewId?: string;
  at: string;
  /**
   * Approval: what the reviewer decided about the proposed tool call, and with `approve` or `edit`
   * the call to execute (the edited arguments, or the proposed ones).
   */
  approval?: { action: "approve" | "reject" | "edit"; tool?: string; arguments?: Record<string, Json> };
  /** Correction: the reviewer's corrected output, to use instead of the model's. */
  correctedOutput?: Json;
}

export const feedbackIdFor = (decisionId: string, source: FeedbackRecord["source"]) =>
  `fb-${source}-${decisionId}`;

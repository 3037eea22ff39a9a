/** A human correction of the model, for the ML team's training and evaluation data. */
export interface FeedbackRecord {
  feedbackId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  /** The decision's: copied so the record's metric events need no second read. */
  enrolled: boolean;
  item: Record<string, unknown>;
  prediction: { label: string; confidence: number; modelVersion?: string };
  humanLabel: string;
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
}

export const feedbackIdFor = (decisionId: string, source: FeedbackRecord["source"]) =>
  `fb-${source}-${decisionId}`;

/** A human correction of the model, for the ML team's training and evaluation data. */
export interface FeedbackRecord {
  feedbackId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  item: Record<string, unknown>;
  prediction: { label: string; confidence: number; modelVersion?: string };
  humanLabel: string;
  reviewers: string[];
  source: "review" | "audit" | "ground-truth";
  decidedAt: string;
  producedAt: string;
  /** Model versions and stages that took this correction in (filled by acknowledgements). */
  acks?: { stage: "training" | "evaluation" | "deployed"; modelVersion: string; at: string }[];
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

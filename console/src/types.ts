/**
 * The reviewer API as the browser sees it (JSON over the wire). Kept here rather than imported from
 * core/ so the page depends on the HTTP contract only, not on server internals.
 */

export interface QueueStat {
  queue: string;
  depth: number;
  oldestAgeSeconds: number;
  nearSla: number;
  pastSla: number;
}

export interface Alternative {
  label: string;
  confidence: number;
}

export interface Prediction {
  label: string;
  confidence: number;
  modelVersion?: string;
  alternatives?: Alternative[];
  /** Generated output (correction, rubric), candidates (pairwise), a proposed tool call (approval). */
  output?: unknown;
  /** Pairwise: the two candidates as shown, by position only (the API never says where they came from). */
  candidates?: { position: "A" | "B"; output: unknown }[];
  action?: { tool: string; arguments: Record<string, unknown> };
}

/** One entry of the experiment's feedback schema (docs/feedback.md). */
export interface FeedbackEntry {
  type: "label" | "correction" | "rubric" | "pairwise" | "approval";
  format?: "text" | "json";
  criteria?: {
    name: string;
    description?: string;
    scale?: "pass-fail" | { min?: number; max?: number };
    points?: Record<string, string>;
  }[];
  quality?: string;
  allowEqual?: boolean;
}

export interface Verdict {
  reviewer: string;
  label: string;
  notes?: string;
  at: string;
  tier: string;
  round: number;
  adjudication?: boolean;
}

export interface Review {
  reviewId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  kind: string;
  status: string;
  queue: string;
  tier: string;
  round: number;
  deadline: string;
  enqueuedAt: string;
  leaseSeconds: number;
  leaseUntil?: string;
  claimedAt?: string;
  requiredVerdicts: number;
  verdicts: Verdict[];
  reasons: string[];
  /** Absent when the policy hides the model's prediction from reviewers (`predictionHidden`). */
  context: { item: Record<string, unknown>; prediction?: Prediction; routingReason: string };
  predictionHidden?: boolean;
  labels: string[];
  feedback?: FeedbackEntry[];
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
}

export interface Handoff {
  review: Review;
  /** The labels in this reviewer's own order (ordered labels keep their scale). */
  labelOrder?: string[];
  yours: boolean;
  history: HistoryEntry[];
}

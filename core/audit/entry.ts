/** One line of the append-only audit trail of a decision or review item. */
export interface AuditEntry {
  /** "decision#<id>", "review#<id>", "experiment#<id>", "reviewer#<queue>#<reviewer>" or "gold#<queue>". */
  entity: string;
  at: string;
  actor: string;
  action:
    | "created"
    | "routed"
    | "enqueued"
    | "claimed"
    | "released"
    | "lease-expired"
    | "escalated"
    | "verdict"
    | "fallback"
    | "outcome"
    | "feedback"
    | "experiment-created"
    | "experiment-changed"
    | "arm-paused"
    | "withdrawn"
    | "ground-truth"
    | "signal"
    | "metrics-repaired"
    | "gold-added"
    | "qualification"
    | "re-review";
  detail?: Record<string, unknown>;
}

export const decisionEntity = (decisionId: string) => `decision#${decisionId}`;
export const reviewEntity = (reviewId: string) => `review#${reviewId}`;
export const experimentEntity = (experimentId: string) => `experiment#${experimentId}`;

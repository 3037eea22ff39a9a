/**
 * Every error code the API's functions answer with, by the HTTP status it comes with. The OpenAPI
 * document lists, per route, the codes that route can return; test/core/api/openapi.test.ts checks
 * that each one is a code the source actually throws, with this status.
 */
export const API_ERRORS = {
  malformed_json: { status: 400, meaning: "the body is not valid JSON; the message has the parser's words" },
  missing_body: { status: 400, meaning: "the route needs a JSON body and got none" },
  validation_failed: {
    status: 400,
    meaning: "a field is missing, wrongly typed or out of range; `details` names each field",
  },
  id_mismatch: { status: 400, meaning: "the body's `id` differs from the path's" },
  experiment_required: { status: 400, meaning: "no experiment names this queue: pass ?experimentId=" },
  label_not_allowed: { status: 400, meaning: "the label is not one of the experiment's labels" },
  forbidden: { status: 403, meaning: "the token has none of the route's roles" },
  queue_forbidden: { status: 403, meaning: "the reviewer's `queues` claim does not cover this queue" },
  reviewer_paused: {
    status: 403,
    meaning: "the reviewer is paused for this queue (gold accuracy); the message says what to do",
  },
  held_by_another: { status: 403, meaning: "another reviewer holds the lease on this item" },
  not_found: { status: 404, meaning: "the decision, experiment or review does not exist" },
  feedback_not_found: { status: 404, meaning: "a listed feedback id does not exist" },
  experiment_not_running: { status: 409, meaning: "the experiment is draft, paused or stopped" },
  decision_id_reused: { status: 409, meaning: "the `decisionId` was used before with another body" },
  experiment_exists: { status: 409, meaning: "an experiment with this id exists; change it with PUT" },
  version_conflict: {
    status: 409,
    meaning: "the experiment or standing changed meanwhile; read it again and retry",
  },
  already_paused: { status: 409, meaning: "the reviewer is paused in this queue already" },
  not_paused: { status: 409, meaning: "the reviewer is not paused in this queue: nothing to reinstate" },
  not_held: { status: 409, meaning: "the decision is not held (automated, settled or withdrawn)" },
  no_lease: { status: 409, meaning: "the item is not claimed; claim it first" },
  lease_expired: { status: 409, meaning: "the lease ran out; claim the item again" },
  verdict_exists: { status: 409, meaning: "you already gave this item a verdict with another label" },
  hold_closed: { status: 409, meaning: "the item escalated, timed out or changed meanwhile" },
  decision_not_settled: { status: 409, meaning: "ground truth needs a settled decision" },
  ground_truth_conflict: { status: 409, meaning: "other ground truth is attached already" },
  signal_exists: { status: 409, meaning: "the `signalId` was sent before with another body" },
  too_many_signals: { status: 409, meaning: "the decision has as many signals as it can hold" },
  already_acknowledged: { status: 409, meaning: "those feedback records have this acknowledgement already" },
  payload_too_large: { status: 413, meaning: "the body is over 256,000 bytes" },
  internal: { status: 500, meaning: "an unexpected failure; the `x-request-id` header finds it in the logs" },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** The body of every error the functions answer with. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; details?: { path: string; message: string }[] };
}

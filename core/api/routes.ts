/**
 * The HTTP API's routes as the contract describes them: method, path, roles, the schemas that
 * validate the request (the same ones the use cases parse with) and the error codes each route can
 * answer. The OpenAPI document is built from this list; test/lib/openapi-routes.test.ts checks it
 * against the routes the CDK app synthesizes.
 */
import { z } from "zod";
import { DecisionRequestSchema } from "../decisions/schema";
import { ExperimentInputSchema } from "../experiments/schema";
import { AckSchema } from "../feedback/acknowledge";
import { GroundTruthSchema } from "../feedback/ground-truth";
import { EXPORT_FORMATS } from "../feedback/types/export-formats";
import { SignalInputSchema } from "../feedback/types/signals";
import { ReportQuerySchema } from "../report/get-report";
import { ClaimQuerySchema } from "../review/claim-query";
import { QueueHistoryQuerySchema } from "../review/queue-history-query";
import { VerdictSchema } from "../review/verdict";
import { ScorecardQuerySchema } from "../reviewers/scorecard-query";
import { StandingChangeSchema } from "../reviewers/standing";
import type { Role } from "../roles";
import type { ApiErrorCode } from "./errors";
import { ReportSchema } from "./report-response";
import {
  AckResultSchema,
  DecisionResponseSchema,
  DecisionViewSchema,
  described,
  ExperimentSchema,
  GroundTruthResultSchema,
  QueueHistorySchema,
  QueuesSchema,
} from "./responses";
import {
  AuditEntrySchema,
  AuditTrailSchema,
  ClaimAnswerSchema,
  LeaseSchema,
  ReleasedSchema,
  ReviewHandoffSchema,
  VerdictResultSchema,
  WithdrawalSchema,
} from "./review-responses";
import {
  GoldUploadSchema,
  ScorecardPageSchema,
  SignalResultSchema,
  StandingSchema,
} from "./reviewer-responses";

export interface ApiRoute {
  readonly method: "get" | "post" | "put";
  /** OpenAPI path template, the same as the HTTP API's route path. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** The token needs one of these roles (scope `hitl/<role>`); `public`: no token at all. */
  readonly roles: readonly Role[] | "public";
  readonly body?: { schema: z.ZodType; required: boolean };
  readonly query?: z.ZodObject;
  readonly success: { status: 200 | 201; schema: z.ZodType; contentType?: string; description: string };
  /** Codes the route's own code can answer, beyond what every route with a token or body answers. */
  readonly errors: readonly ApiErrorCode[];
  /** A retry after a 5xx or a lost connection cannot change the result twice. */
  readonly idempotent: boolean;
}

const json = "application/json";
const ok = (schema: z.ZodType, description: string) => ({ status: 200 as const, schema, description });

const WithdrawRequestSchema = z
  .object({ reason: z.string().optional().meta({ description: "kept in the audit trail" }) })
  .meta({ id: "WithdrawRequest" });

/** `GET /v1/feedback`'s query (parsed by core/feedback/export.ts). */
const FeedbackQuerySchema = z.strictObject({
  since: z.string().optional().meta({ description: "ISO 8601 date or date-time with a zone" }),
  limit: z
    .string()
    .regex(/^\d{1,7}$/)
    .optional()
    .meta({ description: "1 to 1000 records (default 100)" }),
  cursor: z.string().optional().meta({ description: "the previous page's `x-next-cursor`" }),
  format: z
    .enum(EXPORT_FORMATS)
    .optional()
    .meta({ description: "records (default), preference, sft or labels: docs/feedback.md" }),
});

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: "post",
    path: "/v1/decisions",
    operationId: "sendDecision",
    summary: "Route a decision: automate it or hold it for a person",
    tag: "decisions",
    roles: ["producer"],
    body: { schema: DecisionRequestSchema, required: true },
    success: ok(
      DecisionResponseSchema,
      "The route. A retry with the same `decisionId` and body gets the first answer (header `x-hitl-replayed: true`).",
    ),
    errors: ["experiment_not_running", "decision_id_reused", "not_found"],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/decisions/{id}",
    operationId: "getDecision",
    summary: "A decision, its route, status and final outcome",
    tag: "decisions",
    roles: ["producer", "analyst", "reviewer", "admin"],
    success: ok(DecisionViewSchema, "The decision"),
    errors: ["not_found"],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/decisions/{id}/audit",
    operationId: "getDecisionAudit",
    summary: "The decision's append-only audit trail (and its review's)",
    tag: "decisions",
    roles: ["analyst", "admin"],
    success: ok(AuditTrailSchema, "The trail, oldest first"),
    errors: ["not_found"],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/decisions/{id}/withdraw",
    operationId: "withdrawDecision",
    summary: "Withdraw a held decision: its review execution stops",
    tag: "decisions",
    roles: ["producer", "admin"],
    body: { schema: WithdrawRequestSchema, required: false },
    success: ok(WithdrawalSchema, "Withdrawn"),
    errors: ["not_found", "not_held"],
    idempotent: false,
  },
  {
    method: "post",
    path: "/v1/decisions/{id}/ground-truth",
    operationId: "attachGroundTruth",
    summary: "Attach later ground truth (a chargeback, a complaint)",
    tag: "feedback",
    roles: ["producer", "ml"],
    body: { schema: GroundTruthSchema, required: true },
    success: ok(
      GroundTruthResultSchema,
      "Attached (the same label again answers as before, with `replayed: true`)",
    ),
    errors: ["not_found", "decision_not_settled", "ground_truth_conflict"],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/feedback",
    operationId: "exportFeedback",
    summary: "Corrections as JSON Lines, in a stable order; the next page's cursor in `x-next-cursor`",
    tag: "feedback",
    roles: ["ml"],
    query: FeedbackQuerySchema,
    success: {
      status: 200,
      schema: z.string(),
      contentType: "application/x-ndjson",
      description: "One feedback record per line",
    },
    errors: [],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/feedback/ack",
    operationId: "acknowledgeFeedback",
    summary: "A model version took corrections in (training, evaluation, deployed)",
    tag: "feedback",
    roles: ["ml"],
    body: { schema: AckSchema, required: true },
    success: ok(AckResultSchema, "Recorded"),
    errors: ["feedback_not_found", "already_acknowledged"],
    idempotent: false,
  },
  {
    method: "get",
    path: "/v1/queues",
    operationId: "listQueues",
    summary: "Depth, oldest age and items near or past their SLA, per queue the reviewer may see",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    success: ok(QueuesSchema, "The queues"),
    errors: [],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/queues/history",
    operationId: "getQueueHistory",
    summary: "Depth, oldest age, near and past SLA per queue and tier over time, from the items' histories",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    query: QueueHistoryQuerySchema,
    success: ok(QueueHistorySchema, "The queues' history"),
    errors: [],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/queues/{queue}/claim",
    operationId: "claimNext",
    summary: "Lease the queue's most urgent item (of one experiment, with `experimentId`)",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    query: ClaimQuerySchema,
    success: ok(
      ClaimAnswerSchema,
      "The claimed item's context handoff, or `{ review: null, message }` when empty",
    ),
    errors: ["not_found", "queue_forbidden", "reviewer_paused"],
    idempotent: false,
  },
  {
    method: "get",
    path: "/v1/reviews/{id}",
    operationId: "getReview",
    summary: "A review's context handoff (never its task token)",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    success: ok(ReviewHandoffSchema, "The review's context handoff"),
    errors: ["not_found", "queue_forbidden"],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/reviews/{id}/verdict",
    operationId: "submitVerdict",
    summary: "The lease holder's verdict; resumes the workflow",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    body: { schema: VerdictSchema, required: true },
    success: ok(VerdictResultSchema, "Recorded (the same label again answers `replayed: true`)"),
    errors: [
      "not_found",
      "queue_forbidden",
      "no_lease",
      "held_by_another",
      "lease_expired",
      "verdict_exists",
      "label_not_allowed",
      "hold_closed",
    ],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/reviews/{id}/release",
    operationId: "releaseReview",
    summary: "Hand the item back to its queue",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    success: ok(ReleasedSchema, "Released"),
    errors: ["not_found", "no_lease", "held_by_another", "lease_expired", "hold_closed"],
    idempotent: false,
  },
  {
    method: "post",
    path: "/v1/reviews/{id}/heartbeat",
    operationId: "extendLease",
    summary: "Extend the lease",
    tag: "reviews",
    roles: ["reviewer", "admin"],
    success: ok(LeaseSchema, "Extended"),
    errors: ["not_found", "no_lease", "held_by_another", "lease_expired", "hold_closed"],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/experiments",
    operationId: "listExperiments",
    summary: "Every experiment's current version",
    tag: "experiments",
    roles: ["admin", "analyst"],
    success: ok(z.object({ experiments: z.array(ExperimentSchema) }), "The experiments"),
    errors: [],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/experiments",
    operationId: "createExperiment",
    summary: "Create an experiment (version 1)",
    tag: "experiments",
    roles: ["admin"],
    body: { schema: ExperimentInputSchema, required: true },
    success: { status: 201, schema: ExperimentSchema, description: "Created, defaults filled in" },
    errors: ["experiment_exists"],
    idempotent: false,
  },
  {
    method: "get",
    path: "/v1/experiments/{id}",
    operationId: "getExperiment",
    summary: "An experiment's current version",
    tag: "experiments",
    roles: ["admin", "analyst"],
    success: ok(ExperimentSchema, "The experiment"),
    errors: ["not_found"],
    idempotent: true,
  },
  {
    method: "put",
    path: "/v1/experiments/{id}",
    operationId: "updateExperiment",
    summary: "Change an experiment: a new config version",
    tag: "experiments",
    roles: ["admin"],
    body: { schema: ExperimentInputSchema, required: true },
    success: ok(ExperimentSchema, "The new version"),
    errors: ["not_found", "id_mismatch", "version_conflict"],
    idempotent: false,
  },
  {
    method: "get",
    path: "/v1/experiments/{id}/versions",
    operationId: "getExperimentVersions",
    summary: "Every config version of an experiment and its audit trail",
    tag: "experiments",
    roles: ["admin", "analyst"],
    success: ok(
      z
        .object({
          experimentId: z.string(),
          currentVersion: z.number().int(),
          versions: z.array(ExperimentSchema),
          audit: z
            .array(AuditEntrySchema)
            .meta({ description: "creations, changes and pauses, oldest first" }),
        })
        .meta({ id: "ExperimentHistory" }),
      "The versions, oldest first",
    ),
    errors: ["not_found"],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/experiments/{id}/report",
    operationId: "getReport",
    summary: "The experiment's report: every metric per arm, comparisons, recommendation (docs/report.md)",
    tag: "experiments",
    roles: ["analyst", "admin"],
    query: ReportQuerySchema,
    success: ok(ReportSchema, "The report"),
    errors: ["not_found"],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/decisions/{id}/signals",
    operationId: "sendSignal",
    summary: "What the product's users did with a settled outcome (an implicit signal), once per `signalId`",
    tag: "feedback",
    roles: ["producer"],
    body: { schema: SignalInputSchema, required: true },
    success: ok(SignalResultSchema, "Recorded"),
    errors: ["not_found", "signal_exists", "decision_not_settled", "too_many_signals"],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/queues/{queue}/gold",
    operationId: "addGold",
    summary: "Upload known-answer (gold) items for a queue as JSON Lines; all or nothing",
    tag: "reviewers",
    roles: ["admin"],
    body: { schema: z.string().meta({ description: "JSON Lines: docs/review.md" }), required: true },
    query: z.strictObject({
      experimentId: z
        .string()
        .optional()
        .meta({ description: "the experiment whose labels check the items" }),
      dryRun: z
        .enum(["true", "1", "false", "0"])
        .optional()
        .meta({ description: "check only, store nothing" }),
    }),
    success: {
      status: 201,
      schema: GoldUploadSchema,
      description: "Stored (a dry run answers 200 with `checked`)",
    },
    errors: ["not_found", "experiment_required", "validation_failed"],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/reviewers",
    operationId: "listScorecards",
    summary: "Every reviewer's scorecard per queue over a period",
    tag: "reviewers",
    roles: ["admin"],
    query: ScorecardQuerySchema,
    success: ok(ScorecardPageSchema, "The scorecards per reviewer and queue (docs/review.md)"),
    errors: [],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/reviewers/me",
    operationId: "myScorecard",
    summary: "The caller's own scorecard per queue",
    tag: "reviewers",
    roles: ["reviewer", "admin"],
    query: ScorecardQuerySchema,
    success: ok(ScorecardPageSchema, "The caller's scorecards per queue (docs/review.md)"),
    errors: ["forbidden"],
    idempotent: true,
  },
  {
    method: "post",
    path: "/v1/reviewers/{reviewer}/pause",
    operationId: "pauseReviewer",
    summary: "Pause a reviewer for a queue (audit-trailed)",
    tag: "reviewers",
    roles: ["admin"],
    body: { schema: StandingChangeSchema, required: true },
    success: ok(StandingSchema, "Paused: the reviewer's new standing in the queue"),
    errors: ["already_paused", "version_conflict"],
    idempotent: false,
  },
  {
    method: "post",
    path: "/v1/reviewers/{reviewer}/reinstate",
    operationId: "reinstateReviewer",
    summary: "Reinstate a paused reviewer for a queue; starts a new evaluation (audit-trailed)",
    tag: "reviewers",
    roles: ["admin"],
    body: { schema: StandingChangeSchema, required: true },
    success: ok(StandingSchema, "Reinstated: the reviewer's new standing in the queue"),
    errors: ["not_paused", "version_conflict"],
    idempotent: false,
  },
  {
    method: "get",
    path: "/console",
    operationId: "getConsole",
    summary: "The reviewer console page (holds no data)",
    tag: "public",
    roles: "public",
    success: { status: 200, schema: z.string(), contentType: "text/html", description: "The page" },
    errors: [],
    idempotent: true,
  },
  {
    method: "get",
    path: "/app",
    operationId: "getApp",
    summary: "The web app page: experiments and their live reports (holds no data)",
    tag: "public",
    roles: "public",
    success: { status: 200, schema: z.string(), contentType: "text/html", description: "The page" },
    errors: [],
    idempotent: true,
  },
  {
    method: "get",
    path: "/v1/openapi.json",
    operationId: "getOpenApi",
    summary: "This document",
    tag: "public",
    roles: "public",
    success: ok(described("OpenApiDocument", "OpenAPI 3.1"), "The document"),
    errors: [],
    idempotent: true,
  },
];

/** Media type of a JSON body. */
export const JSON_TYPE = json;

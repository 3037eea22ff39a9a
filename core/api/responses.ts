/**
 * Schemas of what the API answers, for the OpenAPI document only (requests are validated by the
 * schemas next to their use cases). Each is checked at compile time against the type the code
 * returns, so the document cannot drift from it.
 */
import { z } from "zod";
import type { DecisionRecord, DecisionStatus } from "../decisions/record";
import { DecisionRequestSchema, type DecisionResponse, PredictionSchema } from "../decisions/schema";
import { type Experiment, ExperimentInputSchema } from "../experiments/schema";
import type { AckResult } from "../feedback/acknowledge";
import type { GroundTruthResult } from "../feedback/ground-truth";
import type { QueueStats } from "../review/desk";
import type { QueueHistory } from "../review/queue-history";
import { API_ERRORS } from "./errors";

/** True when A and B are the same type; a `const x: Same<A, B> = true` fails to compile otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const DecisionResponseSchema = z
  .object({
    decisionId: z.string(),
    experimentId: z.string(),
    arm: z.string(),
    enrolled: z.boolean().meta({ description: "false: outside the experiment's coverage (control policy)" }),
    route: z.enum(["auto", "human"]),
    outcome: z.string().optional().meta({ description: "the model's label, when automated" }),
    reviewId: z.string().optional().meta({ description: "the review, when held for a person" }),
    audit: z.boolean().meta({ description: "also sent to the audit queue (does not delay the answer)" }),
    reason: z.string(),
    configVersion: z.number().int(),
  })
  .meta({ id: "DecisionResponse" });

const DECISION_STATUSES = ["automated", "held", "decided", "fallback", "withdrawn"] as const;

export const DecisionViewSchema = z
  .object({
    decisionId: z.string(),
    experimentId: z.string(),
    configVersion: z.number().int(),
    unitId: z.string(),
    arm: z.string(),
    enrolled: z.boolean(),
    route: z.enum(["auto", "human"]),
    audit: z.boolean(),
    auditInclusionProbability: z
      .number()
      .optional()
      .meta({ description: "an uncertainty-weighted audit policy's probability of auditing it" }),
    reason: z.string(),
    status: z.enum(DECISION_STATUSES),
    queue: z.string().optional(),
    reviewId: z.string().optional(),
    hold: z.record(z.string(), z.unknown()).optional().meta({ description: "the review workflow's input" }),
    item: DecisionRequestSchema.shape.item,
    prediction: PredictionSchema,
    outcome: z.string().optional().meta({ description: "the final outcome, once settled" }),
    outcomeSource: z.enum(["model", "reviewer", "fallback", "ground-truth"]).optional(),
    outcomeAt: z.string().optional(),
    receivedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Decision" });

export const ExperimentSchema = ExperimentInputSchema.extend({
  hashSeed: z.string(),
  version: z.number().int().meta({ description: "increases by one on every change" }),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "Experiment" });

export const QueuesSchema = z
  .object({
    queues: z.array(
      z.object({
        queue: z.string(),
        depth: z.number().int(),
        oldestAgeSeconds: z.number(),
        nearSla: z.number().int().meta({ description: "items in the last 20% of their tier's SLA" }),
        pastSla: z.number().int(),
      }),
    ),
  })
  .meta({ id: "Queues" });

export const QueueHistorySchema = z
  .object({
    since: z.string(),
    until: z.string(),
    stepSeconds: z.number().int().meta({ description: "300 for a window up to a day, 3600 beyond" }),
    queues: z.array(
      z.object({
        queue: z.string(),
        tier: z.string(),
        points: z.array(
          z
            .object({
              at: z.string(),
              depth: z.number().int(),
              oldestAgeSeconds: z.number(),
              nearSla: z.number().int(),
              pastSla: z.number().int(),
            })
            .meta({ description: "the queue's state at `at`, as GET /v1/queues counts it" }),
        ),
      }),
    ),
  })
  .meta({ id: "QueueHistory" });

export const GroundTruthResultSchema = z
  .object({
    decisionId: z.string(),
    groundTruth: z.looseObject({ label: z.string(), source: z.string(), at: z.string() }),
    outcome: z.string().meta({ description: "the decision's final outcome, unchanged by ground truth" }),
    outcomeCorrect: z.boolean(),
    modelCorrect: z.boolean(),
    feedbackId: z.string().optional().meta({ description: "the correction, when the model was wrong" }),
    replayed: z.boolean(),
  })
  .meta({ id: "GroundTruthResult" });

export const AckResultSchema = z
  .object({
    stage: z.enum(["training", "evaluation", "deployed"]),
    modelVersion: z.string(),
    at: z.string(),
    acknowledged: z.number().int(),
    feedbackIds: z.array(z.string()),
  })
  .meta({ id: "AckResult" });

/** A response the document describes in words only (its type is exported by the client). */
export const described = (id: string, description: string) => z.looseObject({}).meta({ id, description });

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(API_ERRORS) as [keyof typeof API_ERRORS, ...(keyof typeof API_ERRORS)[]]),
      message: z.string().meta({ description: "names the field and the problem" }),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: "Error" });

/** What API Gateway itself answers (no token, throttled, unknown route): `{ "message": "Unauthorized" }`. */
export const GatewayMessageSchema = z.object({ message: z.string() }).meta({ id: "GatewayMessage" });

// Compile-time checks: the documented shapes are the returned types.
const _response: Same<z.infer<typeof DecisionResponseSchema>, DecisionResponse> = true;
const _status: Same<(typeof DECISION_STATUSES)[number], DecisionStatus> = true;
const _view: Same<
  keyof z.infer<typeof DecisionViewSchema>,
  Exclude<keyof DecisionRecord, "requestHash">
> = true;
const _experiment: Same<keyof z.infer<typeof ExperimentSchema>, keyof Experiment> = true;
const _queues: Same<z.infer<typeof QueuesSchema>["queues"][number], QueueStats> = true;
const _groundTruth: Same<keyof z.infer<typeof GroundTruthResultSchema>, keyof GroundTruthResult> = true;
const _ack: Same<z.infer<typeof AckResultSchema>, AckResult> = true;
const _history: Same<z.infer<typeof QueueHistorySchema>, QueueHistory> = true;
void [_response, _status, _view, _experiment, _queues, _groundTruth, _ack, _history];

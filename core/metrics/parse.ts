import { z } from "zod";
import type { MetricEvent } from "./events";

/**
 * Validates the metric events a record implies (core/metrics/implied): a record with a missing or
 * mistyped field implies no event rather than NaN counters or a stream shard that fails forever.
 */

const Id = z.string().min(1).max(1024);
const Time = z.iso.datetime({ offset: true });
const Label = z.string().min(1).max(1024);
const Seconds = z.number().min(0).max(1e9);
const Confidence = z.number().min(0).max(1);
/** An audit probability: > 0, or its weight 1/π would be infinite. */
const InclusionProbability = z.number().gt(0).max(1);

const base = {
  id: Id,
  at: Time,
  experimentId: Id,
  arm: Id,
  enrolled: z.boolean(),
};
const Route = z.enum(["auto", "human"]);
const Kind = z.enum(["review", "audit"]);

const Schemas = [
  z.object({
    ...base,
    type: z.literal("decision.routed"),
    decisionId: Id,
    unitId: Id,
    route: Route,
    audit: z.boolean(),
    modelCostUsd: z.number().min(0),
    modelVersion: Label.optional(),
    latencyMs: Seconds.optional(),
    confidence: Confidence.optional(),
    inclusionProbability: InclusionProbability.optional(),
  }),
  z.object({
    ...base,
    type: z.literal("review.enqueued"),
    reviewId: Id,
    kind: Kind,
    queue: Label,
    tier: Label,
    round: z.number().int().min(1),
  }),
  z.object({
    ...base,
    type: z.literal("review.escalated"),
    reviewId: Id,
    fromTier: Label,
    toTier: Label,
    reason: z.enum(["sla", "disagreement"]),
  }),
  z.object({
    ...base,
    type: z.literal("review.verdict"),
    reviewId: Id,
    decisionId: Id,
    kind: Kind,
    reviewer: Label,
    label: Label,
    predictedLabel: Label,
    tier: Label,
    handlingSeconds: Seconds,
    queueSeconds: Seconds,
    hourlyRateUsd: z.number().min(0),
    perReviewUsd: z.number().min(0).optional(),
  }),
  z.object({
    ...base,
    type: z.literal("review.fallback"),
    reviewId: Id,
    decisionId: Id,
    action: z.enum(["model", "label", "hold"]),
  }),
  z.object({
    ...base,
    type: z.literal("decision.outcome"),
    decisionId: Id,
    route: Route,
    source: z.enum(["model", "reviewer", "fallback", "ground-truth"]),
    outcome: Label,
    predictedLabel: Label,
    correct: z.boolean(),
    latencyMs: Seconds,
    audited: z.boolean().optional(),
    pair: z.tuple([Label, Label]).optional(),
    confidence: Confidence.optional(),
    inclusionProbability: InclusionProbability.optional(),
    profile: z.record(Label, z.number().int().min(1)).optional(),
    profileQueue: Label.optional(),
  }),
  z.object({
    ...base,
    type: z.literal("feedback.produced"),
    feedbackId: Id,
    decisionId: Id,
  }),
  z.object({
    ...base,
    type: z.literal("ground-truth.attached"),
    decisionId: Id,
    route: Route,
    audited: z.boolean(),
    outcomeSource: z.enum(["model", "reviewer", "fallback"]),
    outcome: Label,
    predictedLabel: Label,
    label: Label,
    source: Label,
    revision: z.number().int().min(1),
    previousLabel: Label.optional(),
  }),
  z.object({
    ...base,
    type: z.literal("feedback.acknowledged"),
    feedbackId: Id,
    decisionId: Id,
    stage: z.enum(["training", "evaluation", "deployed"]),
    modelVersion: Label,
    producedAt: Time,
  }),
  z.object({
    ...base,
    type: z.literal("feedback.given"),
    decisionId: Id,
    kind: Kind,
    correction: z
      .object({
        accepted: z.boolean(),
        editDistance: z.number().min(0).max(1).optional(),
        changedFields: z.number().int().min(0).optional(),
      })
      .optional(),
    rubric: z
      .array(z.object({ criterion: Label, score: z.number().min(0).max(10), pass: z.boolean() }))
      .optional(),
    pairwise: z
      .object({ choice: z.enum(["A", "B", "equal"]), winner: Label, positions: z.tuple([Label, Label]) })
      .optional(),
    approval: z.enum(["approve", "reject", "edit"]).optional(),
    pair: z
      .object({
        correction: z.tuple([z.boolean(), z.boolean()]).optional(),
        rubric: z
          .array(
            z.object({
              criterion: Label,
              scores: z.tuple([z.number().min(0).max(10), z.number().min(0).max(10)]),
            }),
          )
          .optional(),
        pairwise: z.tuple([Label, Label]).optional(),
        approval: z.tuple([Label, Label]).optional(),
      })
      .optional(),
  }),
  z.object({
    ...base,
    type: z.literal("reviewer.counts"),
    queue: Label,
    reviewer: Label,
    counters: z.record(z.string().min(1).max(1024), z.number().int()),
  }),
  z.object({
    ...base,
    type: z.literal("signal.received"),
    decisionId: Id,
    signal: z.enum(["accepted", "edited", "reverted", "complained", "retried", "escalated-by-user"]),
    route: Route,
    outcomeSource: z.enum(["model", "reviewer", "fallback"]),
    audited: z.boolean(),
    first: z.boolean(),
    marksWrong: z.boolean(),
  }),
] as const;

const MetricEventSchema = z.discriminatedUnion("type", Schemas);

// Compile-time check that the schema and the event catalogue describe the same shapes.
type Parsed = z.output<typeof MetricEventSchema>;
const _sameShape: (e: Parsed) => MetricEvent = (e) => e;
void _sameShape;

export type ParseResult = { ok: true; event: MetricEvent } | { ok: false; reason: string };

/** Checks a value is a metric event: a known type, every field present and typed (times ISO, numbers finite). */
export function validateMetricEvent(value: unknown): ParseResult {
  const result = MetricEventSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(event)"}: ${issue.message}`)
    .join("; ");
  return { ok: false, reason: `not a metric event: ${issues}` };
}

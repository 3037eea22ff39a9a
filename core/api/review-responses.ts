/**
 * Schemas of the review routes' answers and of the audit trail, for the OpenAPI document only.
 * Every field the code returns is named with its type; nested records the document describes in
 * words (a verdict's typed feedback, an item's rounds) stay open objects. Compile-time checks tie
 * each schema's fields to the type the code returns, so the document cannot drift from it.
 */
import { z } from "zod";
import type { AuditEntry } from "../audit/entry";
import type { ReviewHandoff, VerdictResult } from "../review/desk";
import type { ReviewStatus, Verdict } from "../review/item";
import type { ReviewerView } from "../review/view";

/** True when A and B are the same type; a `const x: Same<A, B> = true` fails to compile otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const open = (description: string) => z.looseObject({}).meta({ description });

const AUDIT_ACTIONS = [
  "created",
  "routed",
  "enqueued",
  "claimed",
  "released",
  "lease-expired",
  "escalated",
  "verdict",
  "fallback",
  "outcome",
  "feedback",
  "experiment-created",
  "experiment-changed",
  "arm-paused",
  "withdrawn",
  "ground-truth",
  "signal",
  "metrics-repaired",
  "gold-added",
  "qualification",
  "re-review",
] as const;

export const AuditEntrySchema = z
  .object({
    entity: z.string().meta({
      description:
        '"decision#<id>", "review#<id>", "experiment#<id>", "reviewer#<queue>#<reviewer>" or "gold#<queue>"',
    }),
    at: z.string(),
    actor: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "AuditEntry" });

export const AuditTrailSchema = z
  .object({
    decisionId: z.string(),
    entries: z.array(AuditEntrySchema).meta({ description: "oldest first" }),
  })
  .meta({ id: "AuditTrail" });

export const WithdrawalSchema = z
  .object({ decisionId: z.string(), status: z.literal("withdrawn") })
  .meta({ id: "Withdrawal" });

export const RecordedVerdictSchema = z
  .object({
    reviewer: z.string(),
    label: z
      .string()
      .meta({ description: "the outcome label: the reviewer's, or the one a typed verdict implies" }),
    feedback: open("the typed parts (correction, rubric, pairwise, approval): docs/feedback.md").optional(),
    notes: z.string().optional(),
    handlingSeconds: z.number(),
    at: z.string(),
    tier: z.string(),
    round: z.number().int(),
    adjudication: z.boolean().optional().meta({ description: "an adjudicator's verdict on a disagreement" }),
    extra: z.boolean().optional().meta({ description: "an adaptive extra review, left out of agreement" }),
    claimedAt: z.string(),
    price: open("the tier's price when the verdict was given"),
  })
  .meta({ id: "RecordedVerdict" });

export const VerdictResultSchema = z
  .object({
    reviewId: z.string(),
    status: z.enum(["recorded", "waiting-for-second-review"]),
    verdict: RecordedVerdictSchema,
    replayed: z.boolean().meta({ description: "the same verdict was recorded before; nothing changed" }),
  })
  .meta({ id: "VerdictResult" });

const REVIEW_STATUSES = ["pending", "claimed", "escalated", "decided", "fallback", "withdrawn"] as const;

const ShownPredictionSchema = z
  .looseObject({
    label: z.string(),
    confidence: z.number(),
    candidates: z
      .array(z.object({ position: z.enum(["A", "B"]), output: z.unknown() }))
      .optional()
      .meta({ description: "a pairwise item's candidates, blind: by position, never by source" }),
  })
  .meta({ description: "the model's prediction, unless the policy hides it (`predictionHidden`)" });

export const ReviewSchema = z
  .object({
    reviewId: z.string(),
    decisionId: z.string(),
    experimentId: z.string(),
    arm: z.string(),
    kind: z.enum(["review", "audit"]),
    status: z.enum(REVIEW_STATUSES),
    queue: z.string(),
    priority: z.number(),
    tier: z.string(),
    tierIndex: z.number().int(),
    round: z.number().int(),
    deadline: z.string().meta({ description: "this round's SLA deadline" }),
    threshold: z.number(),
    enqueuedAt: z.string(),
    leaseSeconds: z.number(),
    leaseHolder: z.string().optional(),
    leaseUntil: z.string().optional(),
    claimedAt: z.string().optional(),
    requiredVerdicts: z.number().int().meta({ description: "2 for a double review, 1 otherwise" }),
    verdicts: z
      .array(RecordedVerdictSchema)
      .meta({ description: "earlier rounds' (a double review's other stays hidden)" }),
    excludedReviewers: z.array(z.string()),
    extraReview: z.boolean().optional(),
    releasedBy: z.array(z.string()).optional(),
    reasons: z.array(z.string()).meta({ description: "the routing reason, then each escalation's" }),
    context: z.object({
      item: z.record(z.string(), z.unknown()),
      routingReason: z.string(),
      prediction: ShownPredictionSchema.optional(),
    }),
    labels: z.array(z.string()).meta({ description: "labels a verdict may use; empty: any" }),
    feedback: z.array(open("one feedback type: docs/feedback.md")).optional(),
    rounds: z.array(open("a hold round: round, queue, tier, enqueuedAt, deadline")),
    escalations: z.array(open("an escalation: from and to tier, at, reason")),
    breach: open("the SLA breach, when a deadline passed").optional(),
    outcome: open("how the item ended").optional(),
    enrolled: z.boolean(),
    decisionCreatedAt: z.string(),
    auditInclusionProbability: z.number().optional(),
    adjudication: z
      .boolean()
      .optional()
      .meta({ description: "this round adjudicates a disagreeing re-review" }),
    revisions: z
      .array(
        z.object({
          at: z.string(),
          from: z.string(),
          to: z.string(),
          reReviewId: z.string(),
          reviewer: z.string(),
          by: z.array(z.string()),
        }),
      )
      .optional()
      .meta({ description: "outcomes a re-review overturned, oldest first (docs/review.md)" }),
    revisedAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    predictionHidden: z.literal(true).optional(),
  })
  .meta({ id: "Review" });

export const ReviewHandoffSchema = z
  .object({
    review: ReviewSchema,
    labelOrder: z.array(z.string()).meta({ description: "the labels in this reviewer's own order" }),
    yours: z.boolean().meta({ description: "the caller holds the lease now" }),
    history: z.array(AuditEntrySchema),
  })
  .meta({ id: "ReviewHandoff" });

export const ClaimAnswerSchema = z
  .union([
    ReviewHandoffSchema,
    z.object({
      review: z.null(),
      message: z.string().meta({ description: "why there is nothing to claim" }),
    }),
  ])
  .meta({ id: "ClaimAnswer" });

export const ReleasedSchema = z
  .object({ reviewId: z.string(), status: z.literal("pending") })
  .meta({ id: "Released" });

export const LeaseSchema = z.object({ leaseUntil: z.string() }).meta({ id: "Lease" });

// Compile-time checks: the documented shapes are the returned types.
const _entry: Same<z.infer<typeof AuditEntrySchema>, AuditEntry> = true;
const _verdict: Same<keyof z.infer<typeof RecordedVerdictSchema>, keyof Verdict> = true;
const _result: Same<keyof z.infer<typeof VerdictResultSchema>, keyof VerdictResult> = true;
const _statuses: Same<(typeof REVIEW_STATUSES)[number], ReviewStatus> = true;
const _review: Same<keyof z.infer<typeof ReviewSchema>, keyof ReviewerView> = true;
const _handoff: Same<keyof z.infer<typeof ReviewHandoffSchema>, keyof ReviewHandoff> = true;
void [_entry, _verdict, _result, _statuses, _review, _handoff];

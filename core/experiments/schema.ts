import { z } from "zod";
import { FeedbackSpecSchema, SignalSettingsSchema } from "../feedback/types/schema";

/** Where a held item waits: one tier of the SLA escalation chain. */
export const TierSchema = z.strictObject({
  /** Tier name, e.g. "tier-1"; a held item's queue is `<queue>` for the first tier and `<queue>.<tier>` after. */
  name: z.string().min(1).max(64),
  /** Seconds a reviewer in this tier has before the item escalates to the next tier. */
  slaSeconds: z.number().int().min(1).max(31_536_000),
  /** Human cost of one review in this tier, from handling time. */
  hourlyRateUsd: z.number().min(0).default(30),
  /** Optional flat price per review (overrides the hourly rate when set). */
  perReviewUsd: z.number().min(0).optional(),
});

export const FallbackSchema = z.discriminatedUnion("action", [
  /** Accept the model's prediction after the last tier times out. */
  z.strictObject({ action: z.literal("model") }),
  /** Settle with a safe default label. */
  z.strictObject({ action: z.literal("label"), label: z.string().min(1) }),
  /** Keep holding in the last tier's queue until someone decides. */
  z.strictObject({ action: z.literal("hold") }),
]);

export const SlaSchema = z.strictObject({
  tiers: z
    .array(TierSchema)
    .min(1)
    .max(5)
    .default([
      { name: "tier-1", slaSeconds: 3600, hourlyRateUsd: 30 },
      { name: "tier-2", slaSeconds: 14_400, hourlyRateUsd: 60 },
    ]),
  fallback: FallbackSchema.default({ action: "model" }),
  /** A claimed item whose reviewer sends no heartbeat for this long goes back to the queue. */
  heartbeatSeconds: z.number().int().min(10).max(86_400).default(300),
});

const Probability = z.number().min(0).max(1);

/** A rule on an item field; when it matches, the decision goes to a person (optionally to a named queue). */
export const RuleSchema = z.strictObject({
  /** Dot path into `item`, e.g. "amount" or "customer.tier". */
  field: z.string().min(1).max(200),
  op: z.enum(["gt", "gte", "lt", "lte", "eq", "neq", "in", "notIn", "exists"]),
  value: z
    .union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string()]))])
    .optional(),
  /** Queue the item goes to when this rule matches (defaults to the policy's queue). */
  queue: z.string().min(1).max(64).optional(),
  /** Words shown to the reviewer and returned as `reason`. */
  reason: z.string().max(200).optional(),
});

/**
 * Uncertainty-weighted audits of automated decisions (instead of the uniform `auditRate`): audit
 * probability π = min(cap, max(floor, scale · uncertainty)), recorded on the decision so quality is
 * estimated with weights 1/π (core/assignment/uncertainty-audit.ts, docs/statistics.md).
 */
export const AuditPolicySchema = z.strictObject({
  kind: z.literal("uncertainty"),
  /** Smallest audit probability, for the most certain decisions: > 0, so every decision can be audited. */
  floor: z.number().gt(0).max(1),
  /** π = scale · uncertainty before the floor and the cap (`scaleForBudget` finds it for a budget). */
  scale: z.number().min(0).max(1e6),
  /** Largest audit probability; default 1. */
  cap: Probability.optional(),
});

export const PolicySchema = z.strictObject({
  /** Automate when confidence ≥ this and no rule or topic sends the item to a person. */
  autoAcceptAbove: Probability,
  alwaysHumanTopics: z.array(z.string().min(1)).default([]),
  /** Share of automated decisions also sent to a person for an audit (does not delay the answer). */
  auditRate: Probability.default(0),
  /** Uncertainty-weighted audits; when set it replaces `auditRate` (which must then be 0). */
  auditPolicy: AuditPolicySchema.optional(),
  /** Share of held decisions reviewed independently by two reviewers. */
  doubleReviewRate: Probability.default(0),
  /** Independent, blind reviews of each item in the `doubleReviewRate` share. */
  reviewsPerItem: z.number().int().min(2).max(10).default(2),
  /**
   * Adaptive overlap: when those reviews disagree, one more review at a time, up to this many in
   * all, before adjudication. Absent: `reviewsPerItem` (no extra reviews).
   */
  maxReviewsPerItem: z.number().int().min(2).max(10).optional(),
  /** Reviewers of held items see the model's prediction. */
  showPrediction: z.boolean().default(true),
  /** Reviewers of audit samples see it too; hidden by default so the audit measures the item, not the model. */
  showPredictionInAudits: z.boolean().default(false),
  rules: z.array(RuleSchema).max(50).default([]),
  /** Default review queue for held items. */
  queue: z.string().min(1).max(64).default("default"),
  /** Topic → team queue. */
  topicQueues: z.record(z.string(), z.string().min(1).max(64)).default({}),
  sla: SlaSchema.default({
    tiers: [
      { name: "tier-1", slaSeconds: 3600, hourlyRateUsd: 30 },
      { name: "tier-2", slaSeconds: 14_400, hourlyRateUsd: 60 },
    ],
    fallback: { action: "model" },
    heartbeatSeconds: 300,
  }),
});

/** Known-answer (gold) items mixed into one queue, and the accuracy its reviewers must show on them. */
export const GoldSettingsSchema = z.strictObject({
  /** Share of claims in the queue answered with a gold item. */
  rate: Probability.default(0),
  /** A new reviewer's first claims in the queue are all gold items. */
  firstItems: z.number().int().min(0).max(1000).default(0),
  /** Minimum gold accuracy, judged on the lower bound of its 95% Wilson interval; absent: no qualification. */
  minAccuracy: Probability.optional(),
  /** Gold items a reviewer answers before the first judgement. */
  minGoldItems: z.number().int().min(1).max(10_000).default(20),
  /** When a reviewer is paused, their verdicts since their last passing check get a second review. */
  reReviewWhenPaused: z.boolean().default(false),
});

/** Settings of one review queue, by the queue's name. */
export const QueueSettingsSchema = z.strictObject({
  gold: GoldSettingsSchema.optional(),
});

export const ArmSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, "arm id may hold letters, digits, '_', '.', '-'"),
  weight: z.number().min(0).max(1),
  policy: PolicySchema,
  /** Set by the guardrail check: new units that hash here get the control policy. */
  paused: z.boolean().default(false),
});

export const ExperimentStatusSchema = z.enum(["draft", "running", "paused", "stopped"]);

/** An experiment as a user writes it (defaults filled in by parsing). */
export const ExperimentInputSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, "experiment id may hold letters, digits, '_', '.', '-'"),
  hashSeed: z.string().min(1).max(128).optional(),
  coverage: Probability.default(1),
  status: ExperimentStatusSchema.default("draft"),
  control: z.string().min(1),
  description: z.string().max(2000).optional(),
  /** Labels a reviewer may choose; empty means any non-empty label. */
  labels: z.array(z.string().min(1)).default([]),
  /** `labels` are ordered, lowest first: agreement adds ordinal and interval statistics. */
  orderedLabels: z.boolean().default(false),
  /**
   * What reviewers give back: label, correction, rubric, pairwise, approval, or several
   * (docs/feedback.md, "Feedback types"). Absent: a label.
   */
  feedback: FeedbackSpecSchema.optional(),
  /** Implicit signals (`POST /v1/decisions/{id}/signals`): whether some mark an outcome wrong for quality. */
  signals: SignalSettingsSchema.optional(),
  /** Review queue name → its settings (gold items, qualification). */
  queues: z.record(z.string(), QueueSettingsSchema).default({}),
  /** Quality guardrail: a treatment's quality may not fall below control by more than this (absolute). */
  qualityMargin: Probability.default(0.01),
  /**
   * Certified automation: each arm's live certificate (Learn-Then-Test on its audits) at this
   * target error among automated decisions; the guardrail flags an arm whose certificate no longer
   * holds at its own threshold, and pauses it when `pauseWhenBroken`.
   */
  certification: z
    .strictObject({
      targetError: z.number().gt(0).lt(1),
      confidence: z.number().gt(0).lt(1).default(0.95),
      pauseWhenBroken: z.boolean().default(false),
    })
    .optional(),
  /** Model price per decision by model version, when predictions do not carry `costUsd`. */
  modelPriceUsd: z.record(z.string(), z.number().min(0)).default({}),
  arms: z.array(ArmSchema).min(1).max(20),
});

export type Tier = z.infer<typeof TierSchema>;
export type Fallback = z.infer<typeof FallbackSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type GoldSettings = z.infer<typeof GoldSettingsSchema>;
export type QueueSettings = z.infer<typeof QueueSettingsSchema>;
export type Policy = z.infer<typeof PolicySchema>;
export type Arm = z.infer<typeof ArmSchema>;
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;
export type ExperimentInput = z.input<typeof ExperimentInputSchema>;

/** A stored experiment: validated, defaults applied, with its server-assigned config version. */
export interface Experiment extends Omit<z.infer<typeof ExperimentInputSchema>, "hashSeed"> {
  hashSeed: string;
  /** Increases by one on every change; each decision records the version it was routed with. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

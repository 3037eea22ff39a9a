import { z } from "zod";

/**
 * What a reviewer gives back, declared per experiment (`feedback`): one entry per type, in the
 * order the console shows them. Absent: `[{ type: "label" }]`, today's single label.
 */

const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "may hold letters, digits, '_' and '-'");

/** A rubric's scale: whole points from `min` to `max`, or pass/fail. */
export const RubricScaleSchema = z.union([
  z.literal("pass-fail"),
  z.strictObject({
    min: z.number().int().min(0).max(10).default(1),
    max: z.number().int().min(1).max(10).default(5),
  }),
]);

export const RubricCriterionSchema = z.strictObject({
  name: Name,
  description: z.string().max(1000).optional(),
  scale: RubricScaleSchema.default({ min: 1, max: 5 }),
  /** What each point means, shown next to it in the console: `{ "1": "off topic", … }` or `{ pass, fail }`. */
  points: z.record(z.string(), z.string().min(1).max(500)).default({}),
  /** On a numeric scale, a score of at least this passes (default: one below the top). */
  passAt: z.number().int().optional(),
});

export const FeedbackTypeSchema = z.discriminatedUnion("type", [
  /** Today's label, from the experiment's `labels` (ordered with `orderedLabels`). */
  z.strictObject({ type: z.literal("label") }),
  /** The reviewer accepts the model's `prediction.output` as is or writes a corrected one. */
  z.strictObject({ type: z.literal("correction"), format: z.enum(["text", "json"]).default("text") }),
  /** Named criteria scored on a scale; `quality` names the criterion that is the arm's quality. */
  z.strictObject({
    type: z.literal("rubric"),
    criteria: z.array(RubricCriterionSchema).min(1).max(20),
    quality: Name.optional(),
  }),
  /** Two candidate outputs (`prediction.candidates`): A, B or equal, positions randomised per item. */
  z.strictObject({ type: z.literal("pairwise"), allowEqual: z.boolean().default(true) }),
  /** An agent's proposed tool call (`prediction.action`): approve, reject, or approve edited arguments. */
  z.strictObject({ type: z.literal("approval") }),
]);

export const FeedbackSpecSchema = z.array(FeedbackTypeSchema).min(1).max(5);

export type FeedbackType = z.infer<typeof FeedbackTypeSchema>;
export type FeedbackTypeName = FeedbackType["type"];
export type FeedbackSpec = z.infer<typeof FeedbackSpecSchema>;
export type RubricCriterion = z.infer<typeof RubricCriterionSchema>;
export type RubricSpec = Extract<FeedbackType, { type: "rubric" }>;

export const DEFAULT_FEEDBACK: FeedbackSpec = [{ type: "label" }];

export const feedbackOf = (experiment: { feedback?: FeedbackSpec | undefined }): FeedbackSpec =>
  experiment.feedback ?? DEFAULT_FEEDBACK;

export function typeOf<T extends FeedbackTypeName>(
  spec: FeedbackSpec,
  type: T,
): Extract<FeedbackType, { type: T }> | undefined {
  return spec.find((t): t is Extract<FeedbackType, { type: T }> => t.type === type);
}

/** The pass mark of a criterion: pass-fail passes on `true`; a numeric scale at `passAt`. */
export function passMark(criterion: RubricCriterion): number {
  if (criterion.scale === "pass-fail") return 1;
  return criterion.passAt ?? Math.max(criterion.scale.min, criterion.scale.max - 1);
}

/** The rubric's quality criterion: the named one, else the first. */
export const qualityCriterion = (rubric: RubricSpec): RubricCriterion | undefined =>
  rubric.criteria.find((c) => c.name === rubric.quality) ?? rubric.criteria[0];

/** A JSON value as the product sends it (an output or a tool call's arguments). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonSchema),
    z.record(z.string(), JsonSchema),
  ]),
);

/** One of two candidate outputs for a pairwise review, named by where it came from (a model, a prompt). */
export const CandidateSchema = z.strictObject({
  source: z.string().min(1).max(128),
  output: JsonSchema,
});

/** An agent's proposed tool call. */
export const ActionSchema = z.strictObject({
  tool: z.string().min(1).max(128),
  arguments: z.record(z.string(), JsonSchema).default({}),
});

export type Candidate = z.infer<typeof CandidateSchema>;
export type Action = z.infer<typeof ActionSchema>;

/** The typed part of a verdict as a reviewer sends it. */
export const FeedbackInputSchema = {
  correction: z.strictObject({
    /** `true`: the model's output is right as it is; `false` needs `output`. */
    accepted: z.boolean(),
    output: JsonSchema.optional(),
  }),
  /** Criterion name → score (a whole number on its scale, or `true`/`false` for pass-fail). */
  rubric: z.record(z.string(), z.union([z.number(), z.boolean()])),
  pairwise: z.strictObject({ choice: z.enum(["A", "B", "equal"]) }),
  approval: z.strictObject({
    action: z.enum(["approve", "reject", "edit"]),
    /** With `edit`: the arguments to execute instead of the proposed ones. */
    arguments: z.record(z.string(), JsonSchema).optional(),
    reason: z.string().max(2000).optional(),
  }),
};

/** What the verdict stores of each type: the input plus what it measures, computed once when given. */
export interface GivenFeedback {
  correction?: {
    accepted: boolean;
    output?: Json;
    /** Text: Levenshtein distance / length of the longer text (0 = unchanged, 1 = all new). */
    editDistance?: number;
    /** JSON: leaf fields added, removed or changed. */
    changedFields?: number;
  };
  rubric?: Record<string, number | boolean>;
  pairwise?: {
    choice: "A" | "B" | "equal";
    /** The chosen candidate's source, or "equal". */
    winner: string;
    /** The sources shown as A and B. */
    positions: [string, string];
  };
  approval?: { action: "approve" | "reject" | "edit"; arguments?: Record<string, Json>; reason?: string };
}

/** What the product's own users did with an outcome. */
export const SIGNAL_TYPES = [
  "accepted",
  "edited",
  "reverted",
  "complained",
  "retried",
  "escalated-by-user",
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** Signals that say the outcome was wrong, by default (the experiment's `signals.wrong`). */
export const DEFAULT_WRONG: readonly SignalType[] = ["reverted", "complained"];

/** The experiment's `signals` settings. */
export const SignalSettingsSchema = z.strictObject({
  /** A signal of a `wrong` type marks the outcome wrong in the quality estimate (as ground truth would). */
  asGroundTruth: z.boolean().default(false),
  wrong: z
    .array(z.enum(SIGNAL_TYPES))
    .min(1)
    .default([...DEFAULT_WRONG]),
});
export type SignalSettings = z.infer<typeof SignalSettingsSchema>;

import { z } from "zod";
import { FeedbackInputSchema } from "../feedback/types/schema";

/**
 * The body of `POST /v1/reviews/{id}/verdict`. The typed parts are checked against the item's
 * feedback schema in core/feedback/types/verdict.ts.
 */
export const VerdictSchema = z.strictObject({
  label: z.string().min(1).max(200).optional(),
  correction: FeedbackInputSchema.correction.optional(),
  rubric: FeedbackInputSchema.rubric.optional(),
  pairwise: FeedbackInputSchema.pairwise.optional(),
  approval: FeedbackInputSchema.approval.optional(),
  notes: z.string().max(4000).optional(),
  handlingSeconds: z.number().min(0).max(86_400).optional(),
});

export type VerdictRequest = z.input<typeof VerdictSchema>;

import { z } from "zod";
import { ActionSchema, CandidateSchema, JsonSchema } from "../feedback/types/schema";

export const AlternativeSchema = z.strictObject({
  label: z.string().min(1).max(200),
  confidence: z.number().min(0).max(1),
});

export const PredictionSchema = z.strictObject({
  label: z.string().min(1).max(200),
  confidence: z.number().min(0).max(1),
  modelVersion: z.string().min(1).max(128).optional(),
  costUsd: z.number().min(0).optional(),
  /** Other labels the model considered; used for uncertainty-based priority. */
  alternatives: z.array(AlternativeSchema).max(50).optional(),
  /** The generated output (text or JSON) a correction or rubric review judges. */
  output: JsonSchema.optional(),
  /** Two candidate outputs for a pairwise review. */
  candidates: z.array(CandidateSchema).length(2).optional(),
  /** The agent's proposed tool call an approval review approves, edits or rejects. */
  action: ActionSchema.optional(),
});

const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:@-]+$/, "may hold letters, digits and _ . : @ -");

export const DecisionRequestSchema = z.strictObject({
  experimentId: Id,
  unitId: z.string().min(1).max(256),
  decisionId: Id.optional(),
  item: z.looseObject({ topic: z.string().min(1).max(128).optional() }),
  prediction: PredictionSchema,
});

export type Prediction = z.infer<typeof PredictionSchema>;
export type DecisionRequest = z.infer<typeof DecisionRequestSchema>;

export type Route = "auto" | "human";

/** What the product system gets back, synchronously. */
export interface DecisionResponse {
  decisionId: string;
  experimentId: string;
  arm: string;
  enrolled: boolean;
  route: Route;
  outcome?: string;
  reviewId?: string;
  audit: boolean;
  reason: string;
  configVersion: number;
}

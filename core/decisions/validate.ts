import { parseWithSchema, type Validation } from "../experiments/validate";
import { type DecisionRequest, DecisionRequestSchema } from "./schema";

/**
 * Validates a `POST /v1/decisions` body. Errors name the field and what was received, e.g.
 * `prediction.confidence: must be a number between 0 and 1, got "high"`; unknown fields are rejected
 * everywhere except inside `item`, which belongs to the product.
 */
export function parseDecisionRequest(body: unknown): Validation<DecisionRequest> {
  return parseWithSchema(DecisionRequestSchema, body, "request body");
}

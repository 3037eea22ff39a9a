import type { Validation } from "../experiments/validate";
import { BUDGETS, parseStorable } from "../storage/dynamodb-limits";
import { type DecisionRequest, DecisionRequestSchema } from "./schema";

/**
 * Validates a `POST /v1/decisions` body. Errors name the field and what was received, e.g.
 * `prediction.confidence: must be a number between 0 and 1, got "high"`; unknown fields are rejected
 * everywhere except inside `item`, which belongs to the product. What passes must also fit DynamoDB
 * (core/storage/dynamodb-limits.ts): a probability below 1e-130 becomes 0, a number of 1e126 is refused.
 */
export function parseDecisionRequest(body: unknown): Validation<DecisionRequest> {
  return parseStorable(DecisionRequestSchema, body, "request body", BUDGETS.decision);
}

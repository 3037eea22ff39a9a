import { z } from "zod";
import { formatErrors } from "../experiments/validate";
import { DYNAMODB_LIMITS, parseStorable } from "../storage/dynamodb-limits";
import type { IntakeMessage } from "./intake";

const Text = z.string().min(1).max(1024);
const Count = z.number().int().min(0);

/** What the intake needs of a hold round, loosely: the workflow built it; extra fields are kept. */
const HoldSchema = z.looseObject({
  reviewId: Text,
  decisionId: Text,
  experimentId: Text,
  arm: Text,
  kind: z.enum(["review", "audit"]),
  baseQueue: Text,
  queue: Text,
  tierIndex: Count,
  tiers: z.array(z.looseObject({ name: Text, slaSeconds: z.number() })).min(1),
  slaSeconds: z.number(),
  heartbeatSeconds: z.number(),
  deadline: z.iso.datetime({ offset: true }),
  fallback: z.looseObject({ action: z.string() }),
  doubleReview: z.boolean(),
  threshold: z.number(),
  createdAt: z.iso.datetime({ offset: true }),
  round: Count,
  requiredVerdicts: z.number().int().min(1),
});

/** Step Functions task tokens are up to 1024 characters (docs); a little room beyond that. */
const IntakeMessageSchema = z.looseObject({ taskToken: z.string().min(1).max(2048), hold: HoldSchema });

export type IntakeRead = { ok: true; message: IntakeMessage } | { ok: false; code: string; problem: string };

/**
 * Reads one review intake message. A body that is not JSON or not a hold round can never be stored:
 * the intake dead-letters it at once with the problem named (the workflow's SLA timer still runs, so
 * the item escalates or falls back as if nobody had claimed it).
 */
export function readIntakeMessage(body: string): IntakeRead {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      code: "malformed_json",
      problem: `message body is not valid JSON: ${(error as Error).message}`,
    };
  }
  // Its ids become keys and its fields a review item: DynamoDB's limits apply as to any input.
  const parsed = parseStorable(IntakeMessageSchema, value, "message body", {
    depthOffset: 0,
    maxBytes: DYNAMODB_LIMITS.maxItemBytes,
  });
  if (!parsed.ok)
    return {
      ok: false,
      code: "invalid_message",
      problem: formatErrors(parsed.errors).replaceAll("\n", "; "),
    };
  return { ok: true, message: parsed.value as unknown as IntakeMessage };
}

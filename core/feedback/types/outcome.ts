import type { Prediction } from "../../decisions/schema";
import type { FeedbackRecord, OutcomeMessage } from "../record";
import type { GivenFeedback } from "./schema";

/**
 * What the outcome message adds for a typed verdict: the tool call the product executes after an
 * approval (edited arguments replace the proposed ones; a rejection executes nothing) and a
 * correction's output.
 */
export function outcomeExtras(
  prediction: Prediction,
  given: GivenFeedback | undefined,
): Pick<OutcomeMessage, "approval" | "correctedOutput"> {
  const out: Pick<OutcomeMessage, "approval" | "correctedOutput"> = {};
  if (given?.approval) {
    const { action } = given.approval;
    out.approval =
      action === "reject"
        ? { action }
        : {
            action,
            ...(prediction.action ? { tool: prediction.action.tool } : {}),
            arguments: given.approval.arguments ?? prediction.action?.arguments ?? {},
          };
  }
  if (given?.correction && !given.correction.accepted && given.correction.output !== undefined)
    out.correctedOutput = given.correction.output;
  return out;
}

/**
 * Whether a settled verdict is training data although its outcome label matches the model's (the
 * label comes from the schema's first typed entry; another entry may still teach): a preference with
 * a winner, an edited output, an edited or rejected tool call.
 */
export const teachesAnyway = (given: GivenFeedback | undefined): boolean =>
  (given?.pairwise !== undefined && given.pairwise.winner !== "equal") ||
  (given?.correction !== undefined && !given.correction.accepted) ||
  (given?.approval !== undefined && given.approval.action !== "approve");

/** The generated parts of a prediction a feedback record keeps for the export. */
export function generatedParts(prediction: Prediction): Partial<FeedbackRecord["prediction"]> {
  return {
    ...(prediction.output !== undefined ? { output: prediction.output } : {}),
    ...(prediction.candidates ? { candidates: prediction.candidates } : {}),
    ...(prediction.action ? { action: prediction.action } : {}),
  };
}

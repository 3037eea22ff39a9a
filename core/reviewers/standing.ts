import { z } from "zod";
import { conflict, DomainError, validationFailed } from "../errors";
import { parseWithSchema } from "../experiments/validate";
import {
  qualificationSettings,
  queueConfig,
  type ReviewerDeskDeps,
  recordTransition,
  stateFor,
} from "./desk";
import { type Qualification, qualify } from "./qualification";

export const StandingChangeSchema = z.strictObject({
  queue: z.string().min(1).max(200),
  /** Why: kept in the audit trail and shown to the reviewer. */
  note: z.string().min(1).max(2000),
});

export type StandingChange = z.infer<typeof StandingChangeSchema>;

export function parseStandingChange(body: unknown): StandingChange {
  if (body === undefined)
    throw new DomainError(400, "missing_body", 'request body is empty; send { "queue": ..., "note": ... }');
  const parsed = parseWithSchema(StandingChangeSchema, body, "standing change");
  if (!parsed.ok) throw validationFailed("standing change", parsed.errors);
  return parsed.value;
}

/**
 * An admin pauses a reviewer in a queue, or reinstates a paused one (which starts a new
 * evaluation). One audit entry each; a pause with `reReviewWhenPaused` sends the reviewer's
 * verdicts since their last passing check for a second review.
 *
 * @throws DomainError 409 `already_paused` / `not_paused`, 409 `version_conflict` on a concurrent change
 */
export async function changeStanding(
  deps: Pick<ReviewerDeskDeps, "states" | "listExperiments" | "audit" | "now" | "reReview">,
  admin: string,
  reviewer: string,
  change: StandingChange,
  type: "pause" | "reinstate",
): Promise<Qualification> {
  const at = deps.now().toISOString();
  const config = await queueConfig(deps, change.queue);
  const state = await stateFor(deps, change.queue, reviewer, config?.settings.gold, at);
  const step = qualify(
    state.qualification,
    { type, by: admin, note: change.note, at },
    qualificationSettings(config?.settings.gold),
  );
  if (!(await deps.states.commit({ ...state, qualification: step.state, version: state.version + 1 }))) {
    throw conflict(
      "version_conflict",
      `reviewer ${reviewer}'s standing in "${change.queue}" changed meanwhile; try again`,
    );
  }
  if (step.transition) await recordTransition(deps, change.queue, reviewer, step.transition);
  return step.state;
}

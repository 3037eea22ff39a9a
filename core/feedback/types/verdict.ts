import type { z } from "zod";
import type { Prediction } from "../../decisions/schema";
import { changedFields, normalisedEditDistance, sameJson } from "./measure";
import {
  type FeedbackInputSchema,
  type FeedbackSpec,
  type GivenFeedback,
  type Json,
  passMark,
  qualityCriterion,
  type RubricSpec,
  typeOf,
} from "./schema";

/** The typed parts of a verdict, as the verdict API parsed them (shapes only). */
export interface FeedbackInput {
  label?: string;
  correction?: z.infer<typeof FeedbackInputSchema.correction>;
  rubric?: z.infer<typeof FeedbackInputSchema.rubric>;
  pairwise?: z.infer<typeof FeedbackInputSchema.pairwise>;
  approval?: z.infer<typeof FeedbackInputSchema.approval>;
}

/** What a verdict is checked against: the item's feedback schema and what the model produced. */
export interface VerdictContext {
  feedback: FeedbackSpec;
  prediction: Prediction;
  /** Candidate sources shown as A and B (pairwise). */
  positions?: [string, string];
}

interface FieldError {
  path: string;
  message: string;
}

export type CheckedFeedback =
  | { ok: true; label: string | undefined; given: GivenFeedback }
  | { ok: false; errors: FieldError[] };

const PARTS = ["correction", "rubric", "pairwise", "approval"] as const;

/**
 * Checks a verdict's typed parts against the item's feedback schema: each declared type present and
 * valid, nothing undeclared. Returns what the verdict stores, with the edit's size computed once.
 * `label` is the verdict's outcome label (see `outcomeLabel`).
 */
export function checkFeedback(ctx: VerdictContext, input: FeedbackInput): CheckedFeedback {
  const errors: FieldError[] = [];
  const declared = new Set(ctx.feedback.map((t) => t.type));
  if (declared.has("label") && input.label === undefined)
    errors.push({ path: "label", message: "is required: this experiment's feedback has a label" });
  if (!declared.has("label") && input.label !== undefined)
    errors.push({
      path: "label",
      message: `this experiment's feedback takes no label (types: ${[...declared].join(", ")})`,
    });
  for (const part of PARTS) {
    if (declared.has(part) && input[part] === undefined)
      errors.push({ path: part, message: `is required: this experiment's feedback has a ${part} review` });
    if (!declared.has(part) && input[part] !== undefined)
      errors.push({ path: part, message: `this experiment's feedback has no ${part} review` });
  }
  if (errors.length > 0) return { ok: false, errors };

  const given: GivenFeedback = {};
  const prediction = ctx.prediction;
  const correctionSpec = typeOf(ctx.feedback, "correction");
  if (correctionSpec && input.correction) {
    const { accepted, output } = input.correction;
    if (!accepted && output === undefined)
      errors.push({
        path: "correction.output",
        message: "is required when accepted is false: the corrected output",
      });
    else if (accepted && output !== undefined)
      errors.push({
        path: "correction.output",
        message: "must be absent when accepted is true (the output is kept as is)",
      });
    else if (output !== undefined) {
      const text = correctionSpec.format === "text";
      if (text && typeof output !== "string")
        errors.push({
          path: "correction.output",
          message: `must be text (the correction format is text), got ${kind(output)}`,
        });
      else if (!text && (typeof output !== "object" || output === null))
        errors.push({
          path: "correction.output",
          message: `must be a JSON object or array (the correction format is json), got ${kind(output)}`,
        });
      else given.correction = measuredCorrection(prediction.output, output, text);
    } else
      given.correction = {
        accepted: true,
        ...(correctionSpec.format === "text" ? { editDistance: 0 } : { changedFields: 0 }),
      };
  }
  const rubricSpec = typeOf(ctx.feedback, "rubric");
  if (rubricSpec && input.rubric) errors.push(...rubricErrors(rubricSpec, input.rubric));
  if (rubricSpec && input.rubric && errors.length === 0) given.rubric = input.rubric;
  const pairwiseSpec = typeOf(ctx.feedback, "pairwise");
  if (pairwiseSpec && input.pairwise) {
    const { choice } = input.pairwise;
    if (!ctx.positions) errors.push({ path: "pairwise", message: "this item has no candidates to compare" });
    else if (choice === "equal" && !pairwiseSpec.allowEqual)
      errors.push({
        path: "pairwise.choice",
        message: 'must be "A" or "B": this experiment allows no "equal"',
      });
    else {
      const winner = choice === "A" ? ctx.positions[0] : choice === "B" ? ctx.positions[1] : "equal";
      given.pairwise = { choice, winner, positions: ctx.positions };
    }
  }
  if (typeOf(ctx.feedback, "approval") && input.approval) {
    const { action, arguments: args, reason } = input.approval;
    if (action === "edit" && args === undefined)
      errors.push({
        path: "approval.arguments",
        message: 'is required with "edit": the arguments to execute',
      });
    else if (action !== "edit" && args !== undefined)
      errors.push({
        path: "approval.arguments",
        message: `must be absent with "${action}"; send action "edit" to change them`,
      });
    else {
      // Edited arguments equal to the proposed ones are an approval as proposed.
      const unchanged = action === "edit" && sameJson(args, prediction.action?.arguments ?? {});
      given.approval = {
        action: unchanged ? "approve" : action,
        ...(args && !unchanged ? { arguments: args } : {}),
        ...(reason ? { reason } : {}),
      };
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, label: input.label ?? outcomeLabel(ctx.feedback, prediction, given), given };
}

/** An unchanged "correction" is an acceptance: what the editor submits when nothing was edited. */
function measuredCorrection(
  before: Json | undefined,
  after: Json,
  text: boolean,
): NonNullable<GivenFeedback["correction"]> {
  if (text) {
    const editDistance = normalisedEditDistance(
      typeof before === "string" ? before : JSON.stringify(before ?? ""),
      after as string,
    );
    return editDistance === 0
      ? { accepted: true, editDistance }
      : { accepted: false, output: after, editDistance };
  }
  const fields = changedFields(before, after);
  return fields === 0
    ? { accepted: true, changedFields: 0 }
    : { accepted: false, output: after, changedFields: fields };
}

function rubricErrors(spec: RubricSpec, scores: Record<string, number | boolean>): FieldError[] {
  const errors: FieldError[] = [];
  for (const criterion of spec.criteria) {
    const score = scores[criterion.name];
    const path = `rubric.${criterion.name}`;
    if (score === undefined)
      errors.push({ path, message: "is required: score every criterion of the rubric" });
    else if (criterion.scale === "pass-fail") {
      if (typeof score !== "boolean")
        errors.push({ path, message: `must be true (pass) or false (fail), got ${kind(score)}` });
    } else if (
      typeof score !== "number" ||
      !Number.isInteger(score) ||
      score < criterion.scale.min ||
      score > criterion.scale.max
    )
      errors.push({
        path,
        message: `must be a whole number from ${criterion.scale.min} to ${criterion.scale.max}, got ${JSON.stringify(score)}`,
      });
  }
  const known = new Set(spec.criteria.map((c) => c.name));
  for (const name of Object.keys(scores))
    if (!known.has(name))
      errors.push({
        path: `rubric.${name}`,
        message: `names no criterion (criteria: ${[...known].join(", ")})`,
      });
  return errors;
}

/** Whether a rubric score passes its criterion. */
export function passes(score: number | boolean, criterion: Parameters<typeof passMark>[0]): boolean {
  return typeof score === "boolean" ? score : score >= passMark(criterion);
}

/**
 * The outcome label of a verdict without a label type, from the first typed part in the schema's
 * order: what keeps the model's work keeps the model's label (so "correct" still means the model was
 * right, and audits and ground truth work as for labels); otherwise what the reviewer did.
 * Pairwise: the winning candidate's source ("equal" keeps the model's label).
 */
export function outcomeLabel(spec: FeedbackSpec, prediction: Prediction, given: GivenFeedback): string {
  for (const entry of spec) {
    switch (entry.type) {
      case "correction":
        if (given.correction) return given.correction.accepted ? prediction.label : "corrected";
        break;
      case "approval":
        if (given.approval)
          return given.approval.action === "approve"
            ? prediction.label
            : given.approval.action === "reject"
              ? "rejected"
              : "edited";
        break;
      case "rubric": {
        const criterion = qualityCriterion(entry);
        const score = criterion ? given.rubric?.[criterion.name] : undefined;
        if (criterion && score !== undefined) return passes(score, criterion) ? prediction.label : "failed";
        break;
      }
      case "pairwise":
        if (given.pairwise)
          return given.pairwise.winner === "equal" ? prediction.label : given.pairwise.winner;
        break;
    }
  }
  return prediction.label;
}

const kind = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "an array" : typeof value);

import type { Prediction } from "../../decisions/schema";
import { type FeedbackSpec, feedbackOf, typeOf } from "./schema";

/** One problem, as `core/experiments/validate.ts` reports them: the field and what is wrong. */
interface FieldError {
  path: string;
  message: string;
}

/**
 * Rules of a feedback schema that span fields: each type once, rubric criteria unique with points
 * and pass marks on their scale, the quality criterion named among them, a label type with labels
 * when it is the only type and the fallback needs one.
 */
export function feedbackSpecErrors(spec: FeedbackSpec | undefined): FieldError[] {
  if (!spec) return [];
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  spec.forEach((entry, i) => {
    const first = seen.get(entry.type);
    if (first !== undefined) {
      errors.push({
        path: `feedback[${i}].type`,
        message: `"${entry.type}" is already feedback[${first}]; each type may appear once`,
      });
    } else seen.set(entry.type, i);
    if (entry.type !== "rubric") return;
    const names = new Map<string, number>();
    entry.criteria.forEach((criterion, j) => {
      const at = `feedback[${i}].criteria[${j}]`;
      const earlier = names.get(criterion.name);
      if (earlier !== undefined)
        errors.push({
          path: `${at}.name`,
          message: `"${criterion.name}" is already criteria[${earlier}].name`,
        });
      else names.set(criterion.name, j);
      const points = criterion.scale === "pass-fail" ? ["pass", "fail"] : range(criterion.scale);
      if (criterion.scale !== "pass-fail" && criterion.scale.min >= criterion.scale.max) {
        errors.push({
          path: `${at}.scale.max`,
          message: `must be above scale.min (${criterion.scale.min}), got ${criterion.scale.max}`,
        });
      }
      for (const key of Object.keys(criterion.points)) {
        if (!points.includes(key))
          errors.push({
            path: `${at}.points["${key}"]`,
            message: `"${key}" is not a point of the scale (${points.join(", ")})`,
          });
      }
      if (criterion.passAt !== undefined) {
        if (criterion.scale === "pass-fail")
          errors.push({
            path: `${at}.passAt`,
            message: "a pass-fail criterion passes on pass; remove passAt",
          });
        else if (criterion.passAt < criterion.scale.min || criterion.passAt > criterion.scale.max)
          errors.push({
            path: `${at}.passAt`,
            message: `must be a point of the scale (${criterion.scale.min} to ${criterion.scale.max}), got ${criterion.passAt}`,
          });
      }
    });
    if (entry.quality !== undefined && !names.has(entry.quality)) {
      errors.push({
        path: `feedback[${i}].quality`,
        message: `"${entry.quality}" names no criterion (criteria: ${[...names.keys()].join(", ")})`,
      });
    }
  });
  return errors;
}

function range(scale: { min: number; max: number }): string[] {
  const out: string[] = [];
  for (let p = scale.min; p <= scale.max; p++) out.push(String(p));
  return out;
}

/** The prediction fields a decision needs for its experiment's feedback types (named when missing). */
export function predictionErrors(
  experiment: { feedback?: FeedbackSpec },
  prediction: Prediction,
): FieldError[] {
  const spec = feedbackOf(experiment);
  const errors: FieldError[] = [];
  const needs = (type: string, field: keyof Prediction, what: string) => {
    if (prediction[field] === undefined)
      errors.push({
        path: `prediction.${field}`,
        message: `is required: the experiment's feedback has a ${type} review, which needs ${what}`,
      });
  };
  const correction = typeOf(spec, "correction");
  if (correction) {
    needs("correction", "output", "the model's output to correct");
    if (
      correction.format === "json" &&
      prediction.output !== undefined &&
      typeof prediction.output !== "object"
    )
      errors.push({
        path: "prediction.output",
        message: `must be a JSON object or array (the correction format is json), got ${typeof prediction.output}`,
      });
  }
  if (typeOf(spec, "rubric")) needs("rubric", "output", "the model's output to score");
  if (typeOf(spec, "pairwise")) {
    needs("pairwise", "candidates", "two candidate outputs");
    const [a, b] = prediction.candidates ?? [];
    if (a && b && a.source === b.source)
      errors.push({
        path: "prediction.candidates[1].source",
        message: `"${b.source}" is also candidates[0].source; the two candidates need different sources`,
      });
  }
  if (typeOf(spec, "approval")) needs("approval", "action", "the proposed tool call");
  return errors;
}

/**
 * One historical decision of a replay log (one JSON Lines record) and its validation.
 */

/** A predicted or true label; both sides of a decision must use the same type to be comparable. */
export type Label = string | number | boolean;

export interface HistoricalDecision {
  /** The model's confidence in `label`, in [0, 1]. */
  confidence: number;
  /** The label the model predicted. */
  label: Label;
  /** The correct label (from a reviewer or a later outcome). */
  truth: Label;
  topic?: string;
  /** Model cost of this decision in USD; the replay's default model cost when absent. */
  costUsd?: number;
  /** Time a reviewer spent on this item; the replay's default handling time when absent. */
  handlingSeconds?: number;
}

export type LineResult = { ok: true; value: HistoricalDecision } | { ok: false; reason: string };

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return String(value);
}

function isLabel(value: unknown): value is Label {
  return (
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

/** Optional numbers accept `null` as absent: exporters commonly write null for a missing measurement. */
function optionalNonNegative(
  record: Record<string, unknown>,
  field: string,
  problems: string[],
): number | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    problems.push(`${field}: must be a number >= 0, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/**
 * Parses and validates one line of a replay log. Every problem of the line is named, so a user
 * fixing an export sees all of them at once, e.g. `confidence: must be a number between 0 and 1,
 * got "0.93"; truth: missing`. Unknown fields are ignored (exports carry ids, timestamps, …).
 */
export function parseDecisionLine(text: string): LineResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not valid JSON" };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return { ok: false, reason: `expected a JSON object, got ${describe(json)}` };
  }
  const record = json as Record<string, unknown>;
  const problems: string[] = [];

  const confidence = record.confidence;
  if (confidence === undefined) problems.push("confidence: missing");
  else if (typeof confidence !== "number" || !(confidence >= 0 && confidence <= 1)) {
    problems.push(`confidence: must be a number between 0 and 1, got ${describe(confidence)}`);
  }

  for (const field of ["label", "truth"] as const) {
    const value = record[field];
    if (value === undefined) problems.push(`${field}: missing`);
    else if (!isLabel(value))
      problems.push(`${field}: must be a string, number or boolean, got ${describe(value)}`);
  }
  const { label, truth } = record;
  if (isLabel(label) && isLabel(truth) && typeof label !== typeof truth) {
    // "1" vs 1 would count as an error although it is probably the same label.
    problems.push(`label and truth have different types (${typeof label} vs ${typeof truth})`);
  }

  let topic: string | undefined;
  if (record.topic !== undefined && record.topic !== null) {
    if (typeof record.topic === "string") topic = record.topic;
    else problems.push(`topic: must be a string, got ${describe(record.topic)}`);
  }
  const costUsd = optionalNonNegative(record, "costUsd", problems);
  const handlingSeconds = optionalNonNegative(record, "handlingSeconds", problems);

  if (problems.length > 0) return { ok: false, reason: problems.join("; ") };
  const value: HistoricalDecision = {
    confidence: confidence as number,
    label: label as Label,
    truth: truth as Label,
  };
  if (topic !== undefined) value.topic = topic;
  if (costUsd !== undefined) value.costUsd = costUsd;
  if (handlingSeconds !== undefined) value.handlingSeconds = handlingSeconds;
  return { ok: true, value };
}

/**
 * Gold items: known-answer items an admin uploads for a queue as JSON Lines, one item per line,
 * each as a product would send it plus the right label. Parsing is all or nothing: one bad line
 * rejects the upload, and every bad line is named with its number so it can be fixed at once.
 */

import { z } from "zod";
import { DecisionRequestSchema, type Prediction, PredictionSchema } from "../decisions/schema";
import { BUDGETS, parseStorable } from "../storage/dynamodb-limits";
import { fingerprint } from "../util/fingerprint";

/** One line of a gold upload. */
export const GoldLineSchema = z.strictObject({
  /** Optional; derived from the content when absent, so uploading the same file twice changes nothing. */
  goldId: DecisionRequestSchema.shape.decisionId,
  /** The item as a product would send it in `POST /v1/decisions`. */
  item: DecisionRequestSchema.shape.item,
  /** The prediction as a product would send it (what a reviewer sees when the queue shows predictions). */
  prediction: PredictionSchema,
  /** The right label. */
  label: z.string().min(1).max(200),
  /** Shown to the reviewer after their verdict. */
  explanation: z.string().min(1).max(2000).optional(),
});

export interface GoldItem {
  goldId: string;
  queue: string;
  item: Record<string, unknown>;
  prediction: Prediction;
  label: string;
  explanation?: string;
}

export interface GoldLineError {
  /** 1-based line number in the upload. */
  line: number;
  /** The field, e.g. `prediction.confidence`; empty when the whole line is wrong. */
  path: string;
  message: string;
}

export type GoldParse = { ok: true; items: GoldItem[] } | { ok: false; errors: GoldLineError[] };

export interface GoldParseOptions {
  queue: string;
  /** The experiment's labels; when not empty, every gold label must be one of them. */
  labels?: readonly string[];
  /** Most items in one upload (default 10,000). */
  maxItems?: number;
  /** Longest line in characters (default 100,000; a stored item must fit a 400 KB DynamoDB item). */
  maxLineLength?: number;
}

/** Errors listed per upload; the rest are counted in one last line. */
const MAX_ERRORS = 50;

function parseLine(text: string, line: number, options: GoldParseOptions): GoldItem | GoldLineError[] {
  const maxLength = options.maxLineLength ?? 100_000;
  if (text.length > maxLength) {
    return [
      {
        line,
        path: "",
        message: `is ${text.length} characters long; a gold item may have at most ${maxLength}`,
      },
    ];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [{ line, path: "", message: "is not valid JSON (one gold item per line)" }];
  }
  const parsed = parseStorable(GoldLineSchema, json, "gold item", BUDGETS.decision);
  if (!parsed.ok)
    return parsed.errors.map((e) => ({
      line,
      path: e.path === "gold item" ? "" : e.path,
      message: e.message,
    }));
  const { goldId, item, prediction, label, explanation } = parsed.value;
  const labels = options.labels ?? [];
  if (labels.length > 0 && !labels.includes(label)) {
    return [{ line, path: "label", message: `"${label}" is not one of the labels (${labels.join(", ")})` }];
  }
  return {
    goldId: goldId ?? `g-${fingerprint({ item, prediction, label }, 24)}`,
    queue: options.queue,
    item,
    prediction,
    label,
    ...(explanation !== undefined ? { explanation } : {}),
  };
}

/**
 * Parses and validates a gold upload. Blank lines are skipped; a byte-order mark and Windows line
 * ends are accepted. Every line must be a gold item with a prediction the decisions API would
 * accept and, when the experiment has labels, a label among them; no two lines may have the same
 * `goldId` (given or derived).
 *
 * @example
 * ```ts
 * parseGoldLines('{"item":{"amount":120},"prediction":{"label":"approve","confidence":0.91},"label":"deny"}', {
 *   queue: "claims",
 * });
 * ```
 */
export function parseGoldLines(text: string, options: GoldParseOptions): GoldParse {
  const maxItems = options.maxItems ?? 10_000;
  const errors: GoldLineError[] = [];
  const items: GoldItem[] = [];
  const lineOf = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === "") return;
    const line = i + 1;
    const result = parseLine(raw, line, options);
    if (Array.isArray(result)) {
      errors.push(...result);
      return;
    }
    const first = lineOf.get(result.goldId);
    if (first !== undefined) {
      errors.push({
        line,
        path: "goldId",
        message: `"${result.goldId}" is already the gold item of line ${first}`,
      });
      return;
    }
    lineOf.set(result.goldId, line);
    items.push(result);
  });
  if (items.length + errors.length === 0) {
    return { ok: false, errors: [{ line: 0, path: "", message: "the upload holds no gold items" }] };
  }
  if (items.length > maxItems) {
    errors.push({
      line: 0,
      path: "",
      message: `holds ${items.length} gold items; one upload may hold at most ${maxItems}`,
    });
  }
  if (errors.length === 0) return { ok: true, items };
  if (errors.length <= MAX_ERRORS) return { ok: false, errors };
  const shown = errors.slice(0, MAX_ERRORS);
  shown.push({ line: 0, path: "", message: `and ${errors.length - MAX_ERRORS} more problems` });
  return { ok: false, errors: shown };
}

/** Lines of `line 3: prediction.confidence: …`, for a terminal or a 400 body. */
export function formatGoldErrors(errors: readonly GoldLineError[]): string {
  return errors
    .map((e) =>
      [e.line > 0 ? `line ${e.line}` : "upload", e.path, e.message].filter((part) => part !== "").join(": "),
    )
    .join("\n");
}

/**
 * Priority of a held item in a review queue: higher is reviewed first.
 *
 * ## Formula
 *
 * Three factors, each in [0, 1]:
 *
 * - **Urgency** `U = 1 / (1 + e^(t / s))`, where `t` is the seconds until the item's SLA deadline
 *   (negative when overdue) and `s` the urgency scale (default 1800 s). `U` is 0.5 at the deadline,
 *   about 0.27 half an hour before, 0.12 an hour before, tends to 1 once overdue and to 0 far ahead.
 * - **Value at stake** `V = min(1, log10(1 + x) / log10(1 + cap))`, where `x` is `item.amount`, or
 *   `item.risk` when there is no amount (numbers or numeric strings; anything else counts as 0), and
 *   `cap` the value that already counts as maximal (default 1,000,000). Logarithmic, so 10,000 vs
 *   100 matters as much as 1,000,000 vs 10,000.
 * - **Model uncertainty** `C` (active learning: the items the model is least sure about teach it the
 *   most):
 *   - when the prediction lists `alternatives`, the normalized entropy `H(p) / ln(k)` of the
 *     distribution `p` = the predicted label's confidence, the alternatives' confidences and, if they
 *     sum below 1, the remainder as one "other" outcome (renormalized when they sum above 1), `k`
 *     outcomes;
 *   - otherwise the closeness to the arm's threshold `T`: `1 − |c − T| / w`, with `w = T` below the
 *     threshold and `w = 1 − T` above it, so 1 at the threshold and 0 at confidence 0 or 1;
 *   - for generated outputs with two `candidates` (pairwise), the larger of that and the candidates'
 *     disagreement, their normalised edit distance (0 identical, 1 nothing shared): two outputs that
 *     differ a lot are where a preference teaches most. The model's own score is its `confidence`.
 *
 * `base = 0.5·U + 0.3·V + 0.2·C` (see {@link PRIORITY_WEIGHTS}); the score is `1000 + 1000·base` for
 * items a product is waiting on (range [1000, 2000]) and `999·base` for audit items (range [0, 999]):
 * an audit never delays a product decision, so every audit item ranks below every held item and audit
 * items are ordered among themselves by the same formula.
 *
 * The score rises with urgency, value and uncertainty and falls with the time left, each with the
 * others held fixed.
 */

import { normalisedEditDistance } from "../feedback/types/measure";

/** How much each factor counts; they sum to 1. */
export const PRIORITY_WEIGHTS = { urgency: 0.5, value: 0.3, uncertainty: 0.2 } as const;

export const DEFAULT_URGENCY_SCALE_SECONDS = 1800;
export const DEFAULT_VALUE_CAP = 1_000_000;

export interface PriorityInput {
  /** Seconds until the item's current SLA deadline; negative when overdue. */
  secondsToDeadline: number;
  /** The decision's item; `amount` (else `risk`) gives the value at stake. */
  item?: Record<string, unknown>;
  prediction: {
    confidence: number;
    alternatives?: readonly { confidence: number }[];
    candidates?: readonly { output: unknown }[];
  };
  /** The arm's `autoAcceptAbove`. */
  threshold: number;
  /** Audit of an automated decision: nobody is waiting on it. */
  audit?: boolean;
}

export interface PriorityOptions {
  urgencyScaleSeconds?: number;
  valueCap?: number;
}

const clamp01 = (x: number) => (Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x)));

/** `1 / (1 + e^(t / s))`: 0.5 at the deadline, towards 1 when overdue, towards 0 far ahead. */
export function urgencyScore(
  secondsToDeadline: number,
  scaleSeconds = DEFAULT_URGENCY_SCALE_SECONDS,
): number {
  const t = Number.isNaN(secondsToDeadline) ? 0 : secondsToDeadline;
  return 1 / (1 + Math.exp(t / scaleSeconds));
}

function numeric(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** `min(1, log10(1 + x) / log10(1 + cap))` with `x` = `item.amount`, else `item.risk`, else 0. */
export function valueScore(item: Record<string, unknown> | undefined, cap = DEFAULT_VALUE_CAP): number {
  const x = numeric(item?.amount) ?? numeric(item?.risk) ?? 0;
  if (x <= 0) return 0;
  return clamp01(Math.log10(1 + x) / Math.log10(1 + cap));
}

/** Normalized entropy of the prediction and its alternatives, else closeness of confidence to the threshold. */
export function uncertaintyScore(prediction: PriorityInput["prediction"], threshold: number): number {
  const alternatives = prediction.alternatives ?? [];
  if (alternatives.length > 0) {
    const p = [prediction.confidence, ...alternatives.map((a) => a.confidence)].map(clamp01);
    const sum = p.reduce((s, x) => s + x, 0);
    if (sum < 1) p.push(1 - sum);
    const total = Math.max(sum, 1);
    const entropy = p.reduce((h, x) => (x > 0 ? h - (x / total) * Math.log(x / total) : h), 0);
    return clamp01(entropy / Math.log(p.length));
  }
  const c = clamp01(prediction.confidence);
  const t = clamp01(threshold);
  const width = c < t ? t : 1 - t;
  if (width === 0) return 1;
  const closeness = clamp01(1 - Math.abs(c - t) / width);
  const [a, b] = prediction.candidates ?? [];
  if (!a || !b) return closeness;
  const text = (output: unknown) => (typeof output === "string" ? output : JSON.stringify(output ?? null));
  return Math.max(closeness, clamp01(normalisedEditDistance(text(a.output), text(b.output))));
}

/** The priority score of a held item; see the module documentation for the formula. */
export function priorityScore(input: PriorityInput, options: PriorityOptions = {}): number {
  const u = urgencyScore(input.secondsToDeadline, options.urgencyScaleSeconds);
  const v = valueScore(input.item, options.valueCap);
  const c = uncertaintyScore(input.prediction, input.threshold);
  const base = PRIORITY_WEIGHTS.urgency * u + PRIORITY_WEIGHTS.value * v + PRIORITY_WEIGHTS.uncertainty * c;
  return input.audit ? 999 * base : 1000 + 1000 * base;
}

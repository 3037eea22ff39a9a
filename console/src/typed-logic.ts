/**
 * The console's pure parts for typed feedback (correction, rubric, pairwise, approval): what the
 * reviewer is asked, the keys that answer it, and the verdict body the API takes. No DOM.
 */
import type { FeedbackEntry, Review } from "./types";

/** What a reviewer has entered so far, per type. */
export interface TypedState {
  /** The editor's text (the model's output, maybe edited). */
  correction?: string;
  /** Criterion → score (a point, or "pass"/"fail"). */
  rubric: Record<string, string>;
  pairwise?: "A" | "B" | "equal";
  approval?: "approve" | "reject" | "edit";
  /** The arguments editor's text (the proposed arguments, maybe edited). */
  arguments?: string;
}

export const typedEntries = (review: Pick<Review, "feedback">): FeedbackEntry[] =>
  (review.feedback ?? []).filter((e) => e.type !== "label");

/** Whether the item asks for a label too (no schema: a label only). */
export const wantsLabel = (review: Pick<Review, "feedback">): boolean =>
  review.feedback === undefined || review.feedback.some((e) => e.type === "label");

/** A criterion's points, lowest first: `["1", …, "5"]` or `["pass", "fail"]`. */
export function pointsOf(criterion: NonNullable<FeedbackEntry["criteria"]>[number]): string[] {
  const scale = criterion.scale ?? { min: 1, max: 5 };
  if (scale === "pass-fail") return ["pass", "fail"];
  const out: string[] = [];
  for (let p = scale.min ?? 1; p <= (scale.max ?? 5); p++) out.push(String(p));
  return out;
}

/** JSON shown in an editor: text as is, anything else pretty-printed. */
export const editorText = (value: unknown): string =>
  typeof value === "string" ? value : JSON.stringify(value ?? null, null, 2);

export type TypedKey =
  | { type: "pairwise"; choice: "A" | "B" | "equal" }
  | { type: "rubric"; criterion: string; score: string }
  | { type: "approval"; action: "approve" | "reject" };

/**
 * A plain key's meaning for a typed item: `a`/`b`/`e` pick A, B or equal; a digit scores the first
 * rubric criterion not yet scored (`1`/`2` are pass/fail on a pass-fail scale) when the item takes no
 * label (with a label, digits keep picking labels); `y`/`n` approve or reject a tool call.
 * Modified keys and keys typed in a text field mean nothing here.
 */
export function typedKey(
  key: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; inTextField: boolean },
  review: Pick<Review, "feedback">,
  state: TypedState,
): TypedKey | undefined {
  if (key.ctrlKey || key.metaKey || key.altKey || key.inTextField) return undefined;
  const entries = typedEntries(review);
  const k = key.key.toLowerCase();
  const pairwise = entries.find((e) => e.type === "pairwise");
  if (pairwise) {
    if (k === "a") return { type: "pairwise", choice: "A" };
    if (k === "b") return { type: "pairwise", choice: "B" };
    if (k === "e" && pairwise.allowEqual !== false) return { type: "pairwise", choice: "equal" };
  }
  if (entries.some((e) => e.type === "approval")) {
    if (k === "y") return { type: "approval", action: "approve" };
    if (k === "n") return { type: "approval", action: "reject" };
  }
  const rubric = entries.find((e) => e.type === "rubric");
  if (rubric && !wantsLabel(review) && /^[0-9]$/.test(k)) {
    const next = (rubric.criteria ?? []).find((c) => state.rubric[c.name] === undefined);
    if (!next) return undefined;
    const points = pointsOf(next);
    const score = points[0] === "pass" ? points[Number(k) - 1] : points.find((p) => p === k);
    if (score) return { type: "rubric", criterion: next.name, score };
  }
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The typed parts of the verdict body, or what is still missing (in words for the reviewer). */
export function typedVerdict(
  review: Pick<Review, "feedback" | "context">,
  state: TypedState,
): { ok: true; body: Record<string, unknown> } | { ok: false; message: string } {
  const body: Record<string, unknown> = {};
  const prediction = review.context.prediction;
  for (const entry of typedEntries(review)) {
    if (entry.type === "correction") {
      const original = editorText(prediction?.output);
      const text = state.correction ?? original;
      if (text === original) body.correction = { accepted: true };
      else if (entry.format === "json") {
        const parsed = parseJson(text);
        if (!parsed.ok) return { ok: false, message: "The corrected output is not valid JSON." };
        body.correction = { accepted: false, output: parsed.value };
      } else body.correction = { accepted: false, output: text };
    } else if (entry.type === "rubric") {
      const scores: Record<string, number | boolean> = {};
      for (const criterion of entry.criteria ?? []) {
        const score = state.rubric[criterion.name];
        if (score === undefined) return { ok: false, message: `Score “${criterion.name}” before deciding.` };
        scores[criterion.name] = score === "pass" ? true : score === "fail" ? false : Number(score);
      }
      body.rubric = scores;
    } else if (entry.type === "pairwise") {
      if (!state.pairwise)
        return { ok: false, message: "Pick A, B or equal before deciding (keys a, b, e)." };
      body.pairwise = { choice: state.pairwise };
    } else if (entry.type === "approval") {
      const proposed = editorText(prediction?.action?.arguments ?? {});
      const text = state.arguments ?? proposed;
      const action = state.approval ?? (text !== proposed ? "edit" : undefined);
      if (!action)
        return { ok: false, message: "Approve, edit or reject the tool call before deciding (keys y, n)." };
      if (action === "edit" || (action === "approve" && text !== proposed)) {
        const parsed = parseJson(text);
        if (
          !parsed.ok ||
          typeof parsed.value !== "object" ||
          parsed.value === null ||
          Array.isArray(parsed.value)
        )
          return { ok: false, message: "The edited arguments must be a JSON object." };
        body.approval = { action: "edit", arguments: parsed.value };
      } else body.approval = { action };
    }
  }
  return { ok: true, body };
}

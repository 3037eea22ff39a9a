/** `hitl review decide` flags → the verdict body: a label and/or the typed parts (docs/feedback.md). */

export interface DecideFlags {
  label?: string;
  notes?: string;
  handlingSeconds?: string;
  /** Correction: keep the model's output as is. */
  accept?: boolean;
  /** Correction: the corrected output (text, or JSON for a JSON correction). */
  correct?: string;
  /** Rubric: `criterion=score,…`, a score a whole number or pass/fail. */
  rubric?: string;
  /** Pairwise: A, B or equal. */
  prefer?: string;
  approve?: boolean;
  reject?: boolean;
  /** Approval: the edited arguments as a JSON object. */
  editArgs?: string;
}

function json(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${flag}: not valid JSON: ${text}`);
  }
}

/** The verdict body; throws with the flag's name when a flag cannot be read. The API checks the rest. */
export function verdictBody(o: DecideFlags): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (o.label !== undefined) body.label = o.label;
  if (o.accept && o.correct !== undefined) throw new Error("--accept and --correct exclude each other");
  if (o.accept) body.correction = { accepted: true };
  if (o.correct !== undefined) {
    const trimmed = o.correct.trim();
    const output =
      trimmed.startsWith("{") || trimmed.startsWith("[") ? json(trimmed, "--correct") : o.correct;
    body.correction = { accepted: false, output };
  }
  if (o.rubric !== undefined) {
    const scores: Record<string, number | boolean> = {};
    for (const part of o.rubric.split(",")) {
      const [name, value] = part.split("=").map((s) => s.trim());
      if (!name || value === undefined || value === "")
        throw new Error(`--rubric: "${part}" is not criterion=score (e.g. faithful=pass,tone=4)`);
      scores[name] = value === "pass" ? true : value === "fail" ? false : Number(value);
      if (Number.isNaN(scores[name]))
        throw new Error(`--rubric: ${name}'s score "${value}" is not a number, pass or fail`);
    }
    body.rubric = scores;
  }
  if (o.prefer !== undefined) {
    const choice = o.prefer === "equal" ? "equal" : o.prefer.toUpperCase();
    if (!["A", "B", "equal"].includes(choice))
      throw new Error(`--prefer: must be A, B or equal, got "${o.prefer}"`);
    body.pairwise = { choice };
  }
  const actions = [o.approve && "approve", o.reject && "reject", o.editArgs !== undefined && "edit"].filter(
    Boolean,
  );
  if (actions.length > 1) throw new Error("--approve, --reject and --edit-args exclude each other");
  if (o.approve) body.approval = { action: "approve" };
  if (o.reject) body.approval = { action: "reject" };
  if (o.editArgs !== undefined)
    body.approval = { action: "edit", arguments: json(o.editArgs, "--edit-args") };
  if (o.notes) body.notes = o.notes;
  if (o.handlingSeconds) body.handlingSeconds = Number(o.handlingSeconds);
  return body;
}

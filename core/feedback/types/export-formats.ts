import type { FeedbackRecord } from "../record";
import type { Json } from "./schema";

/** `GET /v1/feedback?format=`: the stored records as they are, or lines in the shapes training libraries take. */
export const EXPORT_FORMATS = ["records", "preference", "sft", "labels"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What every training line carries besides its data: where it came from and how sure the reviewers were. */
interface LineBase {
  feedbackId: string;
  decisionId: string;
  experimentId: string;
  arm: string;
  modelVersion: string | null;
  reviewers: string[];
  /** Verdicts on the item and how many of them gave the settled outcome. */
  agreement: { verdicts: number; agreeing: number } | null;
  producedAt: string;
}

/** Preference tuning (DPO, reward models): `prompt`, `chosen`, `rejected`. */
export interface PreferenceLine extends LineBase {
  kind: "pairwise" | "correction" | "approval";
  prompt: string;
  chosen: string;
  rejected: string;
  /** Pairwise: the chosen and rejected candidates' sources. */
  sources?: { chosen: string; rejected: string };
}

/** Supervised fine-tuning: `prompt` and the corrected `completion`. */
export interface SftLine extends LineBase {
  kind: "correction" | "approval";
  prompt: string;
  completion: string;
}

/** Classifier training: the item, the human label and the model's. */
export interface LabelLine extends LineBase {
  input: Record<string, unknown>;
  label: string;
  predicted: string;
}

export type TrainingLine = PreferenceLine | SftLine | LabelLine;

/** The prompt of a decision: `item.prompt` when it is text, else the item as JSON. */
export function promptOf(item: Record<string, unknown>): string {
  return typeof item.prompt === "string" ? item.prompt : JSON.stringify(item);
}

const text = (value: Json | undefined): string =>
  typeof value === "string" ? value : JSON.stringify(value ?? null);

const base = (r: FeedbackRecord): LineBase => ({
  feedbackId: r.feedbackId,
  decisionId: r.decisionId,
  experimentId: r.experimentId,
  arm: r.arm,
  modelVersion: r.prediction.modelVersion ?? null,
  reviewers: r.reviewers,
  agreement: r.agreement ?? null,
  producedAt: r.producedAt,
});

/** The tool call an approval line shows: `{ tool, arguments }` as JSON. */
const call = (tool: string | undefined, args: Json | undefined) =>
  JSON.stringify({ tool: tool ?? null, arguments: args ?? {} });

/**
 * The line a record gives in a format, or undefined when it has none there (a label correction has
 * no preference line). Preference: a pairwise winner over the other candidate, a correction over
 * the model's output, an edited tool call over the proposed one. SFT: the corrected output or the
 * edited call as the completion. Labels: every record with a label the model did not give.
 */
export function trainingLine(
  record: FeedbackRecord,
  format: Exclude<ExportFormat, "records">,
): TrainingLine | undefined {
  const f = record.feedback;
  const p = record.prediction;
  const prompt = promptOf(record.item);
  const corrected =
    f?.correction && !f.correction.accepted && f.correction.output !== undefined
      ? f.correction.output
      : undefined;
  const edited = f?.approval?.action === "edit" ? f.approval.arguments : undefined;
  if (format === "preference") {
    const pw = f?.pairwise;
    if (pw && pw.winner !== "equal") {
      const chosen = p.candidates?.find((c) => c.source === pw.winner);
      const rejected = p.candidates?.find((c) => c.source !== pw.winner);
      if (chosen && rejected)
        return {
          ...base(record),
          kind: "pairwise",
          prompt,
          chosen: text(chosen.output),
          rejected: text(rejected.output),
          sources: { chosen: chosen.source, rejected: rejected.source },
        };
    }
    if (corrected !== undefined)
      return {
        ...base(record),
        kind: "correction",
        prompt,
        chosen: text(corrected),
        rejected: text(p.output),
      };
    if (edited)
      return {
        ...base(record),
        kind: "approval",
        prompt,
        chosen: call(p.action?.tool, edited),
        rejected: call(p.action?.tool, p.action?.arguments),
      };
    return undefined;
  }
  if (format === "sft") {
    if (corrected !== undefined)
      return { ...base(record), kind: "correction", prompt, completion: text(corrected) };
    if (edited)
      return { ...base(record), kind: "approval", prompt, completion: call(p.action?.tool, edited) };
    return undefined;
  }
  // A pairwise preference whose winner is the model's pick teaches no label.
  if (record.humanLabel === p.label) return undefined;
  return { ...base(record), input: record.item, label: record.humanLabel, predicted: p.label };
}

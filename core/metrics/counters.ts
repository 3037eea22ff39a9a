import type { FeedbackStage } from "./events";

/**
 * Counter names: the one vocabulary the stream counter writes, the reader folds and the rebuild
 * recomputes. Every counter is an integer (money in nano-dollars, time in milliseconds) so sums are
 * exact and do not depend on the order in which shards, hours or writers add them.
 */
export type Counters = Record<string, number>;

export const C = {
  /** Metric events counted (infrastructure cost of aggregation). */
  events: "events",
  decisions: "decisions",
  enrolledDecisions: "enrolledDecisions",
  /** Distinct enrolled units first seen in this hour (summed over a run: distinct units). */
  units: "units",
  auto: "auto",
  human: "human",
  /** Automated decisions sampled for an audit. */
  audit: "audit",
  modelCostNanoUsd: "modelCostNanoUsd",
  enqueued: "enqueued",
  auditEnqueued: "auditEnqueued",
  escalations: "escalations",
  disagreements: "disagreements",
  verdicts: "verdicts",
  overrides: "overrides",
  auditVerdicts: "auditVerdicts",
  handlingMs: "handlingMs",
  queueMs: "queueMs",
  auditQueueMs: "auditQueueMs",
  humanCostNanoUsd: "humanCostNanoUsd",
  slaBreaches: "slaBreaches",
  auditBreaches: "auditBreaches",
  auditedCount: "auditedCount",
  auditedCorrect: "auditedCorrect",
  humanOutcomes: "humanOutcomes",
  humanModelCorrect: "humanModelCorrect",
  fallbackOutcomes: "fallbackOutcomes",
  fallbackModelCorrect: "fallbackModelCorrect",
  modelOutcomes: "modelOutcomes",
  /**
   * Ground-truthed audited automated decisions whose *model* answer equals the ground truth: what
   * decision-time quality counts for them (`gtCorrect:audited` judges the corrected outcome).
   */
  gtAuditedModelCorrect: "gtAuditedModelCorrect",
  /** Milliseconds from decision to outcome, summed over audits that corrected the model (verdict ≠ prediction). */
  correctionMs: "correctionMs",
  pairTotal: "pairTotal",
  pairAgree: "pairAgree",
  feedbackProduced: "feedbackProduced",
} as const;

/** Families of counters whose name carries a value. */
export const P = {
  autoLatency: "lat:auto:",
  humanLatency: "lat:human:",
  /** Decision → corrected outcome of audits whose verdict differs from the model's answer. */
  correctionLatency: "lat:correction:",
  /** `unpriced:<modelVersion>`: decisions without `costUsd`, priced from the experiment at read time. */
  unpriced: "unpriced:",
  pair: "pair:",
  gt: "gt:",
  gtCorrect: "gtCorrect:",
  feedbackAcked: "feedbackAcked:",
  closureMs: "closureMs:",
  closure: "closure:",
} as const;

export const FEEDBACK_STAGES: readonly FeedbackStage[] = ["training", "evaluation", "deployed"];

/** Outcome classes that ground truth is counted against (see docs/metrics.md, quality). */
export const GT_CLASSES = ["auto", "audited", "human", "fallback"] as const;
export type GroundTruthClass = (typeof GT_CLASSES)[number];

/** Histogram prefix of closure times for a stage: `closure:<stage>:`. */
export const closurePrefix = (stage: FeedbackStage) => `${P.closure}${stage}:`;

/** Labels are free text: encoded so `|` and `:` inside a label cannot confuse the name. */
export const encodePart = (text: string) => encodeURIComponent(text);

export function pairCounter(a: string, b: string): string {
  return `${P.pair}${encodePart(a)}|${encodePart(b)}`;
}

export function parsePairCounter(name: string): [string, string] | undefined {
  if (!name.startsWith(P.pair)) return undefined;
  const parts = name.slice(P.pair.length).split("|");
  if (parts.length !== 2) return undefined;
  return [decodeURIComponent(parts[0] ?? ""), decodeURIComponent(parts[1] ?? "")];
}

/** "2026-11-25T12:34:56.789Z" → "2026-11-25T12" (UTC). */
export function hourOf(at: string): string {
  return new Date(at).toISOString().slice(0, 13);
}

/** Adds `from` into `into` (and returns it); zero sums are removed to keep items small. */
export function addCounters(into: Counters, from: Readonly<Counters>): Counters {
  for (const [name, value] of Object.entries(from)) {
    const sum = (into[name] ?? 0) + value;
    if (sum === 0) delete into[name];
    else into[name] = sum;
  }
  return into;
}

export const toNano = (usd: number) => Math.round(usd * 1e9);
export const toMs = (seconds: number) => Math.round(seconds * 1000);

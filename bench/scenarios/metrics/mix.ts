/**
 * A realistic stream of record writes (pure): what the use cases write for a run of decisions, so
 * the metrics counter can be measured on the records tables' streams exactly as it runs in the app.
 */
import { toItem } from "../../../adapters/dynamodb/decision-store";
import { feedbackItem } from "../../../adapters/dynamodb/feedback-store";
import { REVIEW_SK } from "../../../adapters/dynamodb/review-store";
import type { DecisionRecord } from "../../../core/decisions/record";
import type { Route } from "../../../core/decisions/schema";
import type { FeedbackRecord } from "../../../core/feedback/record";
import type { RebuildInput } from "../../../core/metrics/rebuild";
import type { ReviewItem, Verdict } from "../../../core/review/item";

/** Decisions written (`--quick`: QUICK_DECISIONS); BENCH_METRIC_DECISIONS overrides both. */
export const DEFAULT_DECISIONS = 10_000;
export const QUICK_DECISIONS = 1_500;
export const DECISIONS_ENV = "BENCH_METRIC_DECISIONS";

/** How many decisions the mix holds. */
export function decisionCount(options: { quick?: boolean }, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[DECISIONS_ENV];
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`${DECISIONS_ENV} must be an integer ≥ 1, got ${raw}`);
    return n;
  }
  return options.quick ? QUICK_DECISIONS : DEFAULT_DECISIONS;
}

export interface MixOptions {
  experimentId: string;
  arms: readonly string[];
  /** Makes decision, review and feedback ids unique across runs and experiments. */
  prefix: string;
  /** Distinct units the decisions come from; each stays in one arm. Fewer than decisions: units repeat. */
  units: number;
  random: () => number;
  /** Each record's times (fresh by default: the current time). */
  now?: () => Date;
}

/** One write of an item, in the order the app makes them (an item's writes keep their order). */
export interface RecordWrite {
  table: "decisions" | "reviews";
  item: Record<string, unknown>;
}

export interface RecordMix {
  writes: RecordWrite[];
  /** The final records, which `hitl metrics rebuild` would read. */
  records: RebuildInput;
}

const other = (label: string) => (label === "approve" ? "deny" : "approve");
const reviewItem = (item: ReviewItem) => ({ pk: item.reviewId, sk: REVIEW_SK, ...item });

/**
 * The writes of `count` decisions: every decision is routed (30% held on the first arm, 15% on the
 * others; 5% of automated ones audited); a held or audited one adds its review item three times
 * (stored by intake, the verdict, settled with its outcome); an override adds a correction, a third
 * of which the ML team acknowledges (a second write). About 1.8 events per decision.
 */
export function recordMix(count: number, o: MixOptions): RecordMix {
  const now = o.now ?? (() => new Date());
  const writes: RecordWrite[] = [];
  const records: { decisions: DecisionRecord[]; reviews: ReviewItem[]; feedback: FeedbackRecord[] } = {
    decisions: [],
    reviews: [],
    feedback: [],
  };
  for (let d = 0; d < count; d++) {
    const unit = Math.floor(o.random() * o.units);
    const arm = o.arms[unit % o.arms.length] ?? "control";
    const decisionId = `${o.prefix}-d${d}`;
    const route: Route = o.random() < (arm === o.arms[0] ? 0.3 : 0.15) ? "human" : "auto";
    const audit = route === "auto" && o.random() < 0.05;
    const predicted = o.random() < 0.7 ? "approve" : "deny";
    const created = now();
    const at = created.toISOString();
    const decision: DecisionRecord = {
      decisionId,
      experimentId: o.experimentId,
      configVersion: 1,
      unitId: `unit-${unit}`,
      arm,
      enrolled: o.random() < 0.95,
      route,
      audit,
      reason: route === "auto" ? "confident" : "below threshold",
      status: route === "auto" ? "automated" : "held",
      item: { topic: "billing" },
      prediction: {
        label: predicted,
        confidence: 0.5 + o.random() / 2,
        modelVersion: "bench-1",
        costUsd: 0.0004,
      },
      ...(route === "auto" ? { outcome: predicted, outcomeSource: "model" as const, outcomeAt: at } : {}),
      requestHash: "bench",
      // Automated answers take 20 ms to a few hundred: tens of histogram buckets per counter item.
      receivedAt: new Date(created.getTime() - Math.round(20 * Math.exp(o.random() * 2.8))).toISOString(),
      createdAt: at,
      updatedAt: at,
    };
    records.decisions.push(decision);
    writes.push({ table: "decisions", item: toItem(decision) });
    if (route === "auto" && !audit) continue;

    const kind = audit ? "audit" : "review";
    const tier = audit ? "audit" : "t1";
    const base: ReviewItem = {
      reviewId: `${audit ? "au-" : "rv-"}${decisionId}`,
      decisionId,
      experimentId: o.experimentId,
      arm,
      kind,
      status: "pending",
      queue: "bench",
      pendingQueue: "bench",
      priority: 1500,
      priorityKey: `00500000#${at}#${decisionId}`,
      tier,
      tierIndex: 0,
      round: 1,
      deadline: at,
      taskToken: "bench",
      threshold: 0.9,
      enqueuedAt: at,
      leaseSeconds: 300,
      requiredVerdicts: 1,
      verdicts: [],
      excludedReviewers: [],
      reasons: [decision.reason],
      context: { item: decision.item, prediction: decision.prediction, routingReason: decision.reason },
      labels: [],
      rounds: [{ round: 1, queue: "bench", tier, enqueuedAt: at }],
      escalations: [],
      enrolled: decision.enrolled,
      decisionCreatedAt: at,
      createdAt: at,
      updatedAt: at,
    };
    const label = o.random() < 0.82 ? predicted : other(predicted);
    const decidedAt = now().toISOString();
    const verdict: Verdict = {
      reviewer: `reviewer-${Math.floor(o.random() * 12)}`,
      label,
      handlingSeconds: 20 + Math.round(o.random() * 100),
      at: decidedAt,
      tier,
      round: 1,
      claimedAt: decidedAt,
      price: { hourlyRateUsd: 30 },
    };
    const { pendingQueue: _q, ...claimed } = base;
    const verdictGiven: ReviewItem = {
      ...claimed,
      status: "claimed",
      verdicts: [verdict],
      updatedAt: decidedAt,
    };
    const settled: ReviewItem = {
      ...verdictGiven,
      status: "decided",
      outcome: { label, source: "reviewer", at: decidedAt },
    };
    records.reviews.push(settled);
    for (const stage of [base, verdictGiven, settled])
      writes.push({ table: "reviews", item: reviewItem(stage) });
    if (label === predicted) continue;

    const feedback: FeedbackRecord = {
      feedbackId: `fb-${kind}-${decisionId}`,
      decisionId,
      experimentId: o.experimentId,
      arm,
      enrolled: decision.enrolled,
      item: decision.item,
      prediction: { label: predicted, confidence: decision.prediction.confidence, modelVersion: "bench-1" },
      humanLabel: label,
      reviewers: [verdict.reviewer],
      source: kind,
      decidedAt,
      producedAt: decidedAt,
    };
    writes.push({ table: "decisions", item: feedbackItem(feedback) });
    if (o.random() < 1 / 3) {
      const acked: FeedbackRecord = {
        ...feedback,
        acks: [{ stage: "training", modelVersion: "bench-2", at: now().toISOString() }],
      };
      writes.push({ table: "decisions", item: feedbackItem(acked) });
      records.feedback.push(acked);
    } else records.feedback.push(feedback);
  }
  return { writes, records };
}

/**
 * The sequence a retrying writer makes: every write once, and round(share × n) of them again,
 * unchanged, right after the item's last write (a retried step writing what it wrote before). Such
 * a write changes nothing, so DynamoDB puts nothing on the stream. Pure for a given `random`.
 */
export function withRepeats(
  writes: readonly RecordWrite[],
  share: number,
  random: () => number,
): RecordWrite[] {
  const lastOf = new Map<string, number>();
  writes.forEach((w, i) => {
    lastOf.set(`${w.table}#${String(w.item.pk)}#${String(w.item.sk)}`, i);
  });
  const finals = [...lastOf.values()];
  const chosen = new Set<number>();
  const copies = Math.min(Math.round(share * finals.length), finals.length);
  while (chosen.size < copies) chosen.add(finals[Math.floor(random() * finals.length)] ?? 0);
  return writes.flatMap((w, i) => (chosen.has(i) ? [w, w] : [w]));
}

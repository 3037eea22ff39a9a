import { describe, expect, it } from "vitest";
import type { DecisionWithGroundTruth } from "../../../core/feedback/ports";
import { aggregate } from "../../../core/metrics/aggregate";
import { addCounters, type Counters } from "../../../core/metrics/counters";
import { checkedEventsOf } from "../../../core/metrics/implied";
import { armMetrics } from "../../../core/metrics/read";
import type { ReviewItem } from "../../../core/review/item";
import { wilson } from "../../../core/stats";
import { fixed } from "../../support/clock";
import { decision, item, verdict } from "./records";

/** One decision of the simulated stream, with the truth the counters never see directly. */
interface Truth {
  id: string;
  arm: string;
  predicted: string;
  truth: string;
  auto: boolean;
  audited: boolean;
  groundTruth: boolean;
  /** Seconds from the decision to its reviewer's (or auditor's) outcome. */
  reviewSeconds: number;
}

/** A small LCG so the stream is the same on every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LABELS = ["benign", "malignant"] as const;
const at = (base: string, seconds: number) => new Date(Date.parse(base) + seconds * 1000).toISOString();
const CREATED = fixed("2026-11-25T12:00:00.000Z");

/**
 * Arms "a" (threshold 0.9, 20 % audits) and "b" (threshold 0.8, every automated decision audited);
 * the model is right with probability equal to its confidence, reviewers answer the truth, and some
 * of arm a's automated decisions later get ground truth (the truth), audited ones among them.
 */
function stream(n: number): Truth[] {
  const rand = random(16);
  const out: Truth[] = [];
  for (let i = 0; i < n; i++) {
    const arm = i % 2 === 0 ? "a" : "b";
    const confidence = 0.6 + 0.4 * rand();
    const truth = LABELS[rand() < 0.4 ? 1 : 0] as string;
    const right = rand() < confidence;
    const predicted = right ? truth : (LABELS.find((l) => l !== truth) as string);
    const auto = confidence >= (arm === "a" ? 0.9 : 0.8);
    const audited = auto && (arm === "b" || i % 10 === 0);
    out.push({
      id: `d${i}`,
      arm,
      predicted,
      truth,
      auto,
      audited,
      groundTruth: arm === "a" && auto && i % 7 === 0,
      reviewSeconds: 60 + Math.floor(rand() * 3000),
    });
  }
  return out;
}

/** The committed records of one decision: the decision (with its ground truth) and its review item. */
function recordsOf(t: Truth): { decision: DecisionWithGroundTruth; item?: ReviewItem } {
  const outcomeAt = at(CREATED, t.reviewSeconds);
  const final = t.audited || !t.auto ? t.truth : t.predicted;
  const base = decision({
    decisionId: t.id,
    unitId: `u-${t.id}`,
    arm: t.arm,
    route: t.auto ? "auto" : "human",
    audit: t.audited,
    status: t.auto ? "automated" : "decided",
    prediction: { label: t.predicted, confidence: 0.9 },
    outcome: final,
    outcomeSource: t.auto && !t.audited ? "model" : "reviewer",
  });
  const withTruth: DecisionWithGroundTruth = t.groundTruth
    ? {
        ...base,
        groundTruth: {
          label: t.truth,
          source: "biopsy",
          at: at(CREATED, 86_400),
          actor: "lab",
          revision: 1,
          judged: { outcome: final, outcomeSource: t.audited ? "reviewer" : "model", audited: t.audited },
        },
      }
    : base;
  if (t.auto && !t.audited) return { decision: withTruth };
  const review = item({
    reviewId: `${t.audited ? "au" : "rv"}-${t.id}`,
    decisionId: t.id,
    arm: t.arm,
    kind: t.audited ? "audit" : "review",
    status: "decided",
    context: { item: {}, prediction: { label: t.predicted, confidence: 0.9 }, routingReason: "r" },
    verdicts: [verdict("alice", t.truth, 1, { at: outcomeAt, claimedAt: at(CREATED, 30) })],
    outcome: { label: t.truth, source: "reviewer", at: outcomeAt },
    decisionCreatedAt: CREATED,
  });
  return { decision: withTruth, item: review };
}

/** Counters per arm, the way the stream counter and the rebuild count them. */
function countersByArm(truths: readonly Truth[]): Map<string, Counters> {
  const events = truths.flatMap((t) => {
    const r = recordsOf(t);
    return [
      ...checkedEventsOf({ kind: "decision", record: r.decision }).events,
      ...(r.item ? checkedEventsOf({ kind: "review", record: r.item }).events : []),
    ];
  });
  const out = new Map<string, Counters>();
  for (const delta of aggregate(events, () => 0, 1)) {
    const into = out.get(delta.key.arm) ?? {};
    addCounters(into, delta.counters);
    out.set(delta.key.arm, into);
  }
  return out;
}

/**
 * The two qualities straight from the per-decision truth and what the product saw, without counters:
 * automated answers neither audited nor ground-truthed are estimated at the audits' accuracy (the only
 * thing the system can know about them); everything else is judged by its known correctness.
 */
function recompute(truths: readonly Truth[]) {
  const audits = truths.filter((t) => t.audited);
  const p = audits.filter((t) => t.predicted === t.truth).length / audits.length;
  let decisionCorrect = 0;
  let finalCorrect = 0;
  for (const t of truths) {
    if (!t.auto) {
      decisionCorrect += 1; // the reviewer's answer, the truth here
      finalCorrect += 1;
      continue;
    }
    // At decision time the product got the model's answer, audited or not.
    decisionCorrect += t.groundTruth ? Number(t.predicted === t.truth) : p;
    // After corrections an audited answer is the reviewer's; an unaudited one is still the model's.
    finalCorrect += t.audited ? 1 : t.groundTruth ? Number(t.predicted === t.truth) : p;
  }
  const corrected = audits.filter((t) => t.predicted !== t.truth);
  return {
    decisionQuality: decisionCorrect / truths.length,
    quality: finalCorrect / truths.length,
    p,
    audits: audits.length,
    corrected: corrected.length,
    meanCorrectionSeconds: corrected.reduce((s, t) => s + t.reviewSeconds, 0) / corrected.length,
    /** Share of answers that were right when given, from the truth itself. */
    trueDecisionQuality:
      truths.filter((t) => (t.auto ? t.predicted : t.truth) === t.truth).length / truths.length,
  };
}

describe("quality at decision time beside quality after corrections", () => {
  const truths = stream(4000);
  const counters = countersByArm(truths);

  for (const arm of ["a", "b"]) {
    it(`arm ${arm}: both qualities from the counters equal an independent recomputation from the stream`, () => {
      // Arrange
      const mine = truths.filter((t) => t.arm === arm);
      const expected = recompute(mine);

      // Act
      const m = armMetrics(arm, "run", counters.get(arm) ?? {});

      // Assert
      expect(m.decisions).toBe(mine.length);
      expect(m.decisionQuality.estimate).toBeCloseTo(expected.decisionQuality, 12);
      expect(m.quality.estimate).toBeCloseTo(expected.quality, 12);
      expect(m.decisionQuality.estimate).toBeLessThan(m.quality.estimate);
      expect(m.corrections.corrected).toBe(expected.corrected);
      expect(m.corrections.audited).toBe(expected.audits);
      expect(m.corrections.qualityAdded).toBeCloseTo(expected.quality - expected.decisionQuality, 12);
      expect(m.corrections.meanSeconds).toBeCloseTo(expected.meanCorrectionSeconds, 6);
      // The interval puts the audit accuracy at its Wilson bounds: c + w·[lo, hi].
      const [lo, hi] = wilson(Math.round(expected.p * expected.audits), expected.audits, 0.95);
      const estimated = m.decisionQuality.estimated;
      const c = m.decisionQuality.estimate - (estimated / mine.length) * expected.p;
      expect(m.decisionQuality.interval[0]).toBeCloseTo(c + (estimated / mine.length) * lo, 12);
      expect(m.decisionQuality.interval[1]).toBeCloseTo(c + (estimated / mine.length) * hi, 12);
    });
  }

  it("with every automated decision audited, decision-time quality is the true share of right answers, and quality after corrections is 1", () => {
    // Arrange: arm b audits all of its automated decisions; reviewers answer the truth.
    const mine = truths.filter((t) => t.arm === "b");
    const expected = recompute(mine);

    // Act
    const m = armMetrics("b", "run", counters.get("b") ?? {});

    // Assert
    expect(m.decisionQuality.estimate).toBeCloseTo(expected.trueDecisionQuality, 12);
    expect(m.quality.estimate).toBe(1);
    expect(m.corrections.corrected).toBe(mine.filter((t) => t.auto && t.predicted !== t.truth).length);
  });

  it("counts one wrongly automated decision that its audit caught as wrong at decision time and right after correction", () => {
    // Arrange: 10 decisions, 8 held and reviewed, 2 automated and audited, one of them wrong.
    const ten: Truth[] = Array.from({ length: 10 }, (_, i) => ({
      id: `x${i}`,
      arm: "x",
      predicted: i === 0 ? "malignant" : "benign",
      truth: "benign",
      auto: i < 2,
      audited: i < 2,
      groundTruth: false,
      reviewSeconds: 120,
    }));

    // Act
    const m = armMetrics("x", "run", countersByArm(ten).get("x") ?? {});

    // Assert
    expect(m.quality.estimate).toBe(1);
    expect(m.decisionQuality.estimate).toBeCloseTo(0.9, 12);
    expect(m.corrections).toMatchObject({
      corrected: 1,
      audited: 2,
      shareOfAudits: 0.5,
      shareOfAutomated: 0.5,
    });
    expect(m.corrections.meanSeconds).toBe(120);
    expect(m.corrections.latency.p50Ms / 1000).toBeCloseTo(120, -1);
  });
});

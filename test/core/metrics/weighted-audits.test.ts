import { describe, expect, it } from "vitest";
import type { Policy } from "../../../core/experiments/schema";
import type { DecisionWithGroundTruth } from "../../../core/feedback/ports";
import { aggregate } from "../../../core/metrics/aggregate";
import { calibrationFromCounters } from "../../../core/metrics/audit-counters";
import { addCounters, type Counters } from "../../../core/metrics/counters";
import { checkedEventsOf } from "../../../core/metrics/implied";
import { armMetrics } from "../../../core/metrics/read";
import { evaluatePolicy } from "../../../core/policy/evaluate";
import type { ReviewItem } from "../../../core/review/item";
import {
  type AuditedDecision,
  auditSums,
  automatedQuality,
  calibrationSums,
  certifyThresholds,
} from "../../../core/stats";
import { fixed } from "../../support/clock";
import { decision, item, verdict } from "./records";

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const policy = {
  autoAcceptAbove: 0.8,
  auditRate: 0,
  auditPolicy: { kind: "uncertainty", floor: 0.05, scale: 0.6 },
} as unknown as Policy;

interface Sent {
  record: DecisionWithGroundTruth;
  review?: ReviewItem;
  confidence: number;
  correct: boolean;
  pi?: number;
}

/** 3,000 decisions; the model is right with probability = its confidence; reviewers answer the truth. */
function stream(): Sent[] {
  const rand = random(7);
  return Array.from({ length: 3000 }, (_, i) => {
    const confidence = Math.round((0.6 + 0.4 * rand()) * 1000) / 1000;
    const correct = rand() < confidence;
    const decisionId = `w${i}`;
    const routed = evaluatePolicy(
      { ...policy, alwaysHumanTopics: [], rules: [], topicQueues: {} } as Policy,
      {
        decisionId,
        item: {},
        prediction: { confidence },
      },
    );
    const auto = routed.route === "auto";
    const record = decision({
      decisionId,
      unitId: `u${i}`,
      route: routed.route,
      audit: routed.audit,
      status: auto ? "automated" : "decided",
      prediction: { label: "approve", confidence },
      ...(routed.auditInclusionProbability !== undefined
        ? { auditInclusionProbability: routed.auditInclusionProbability }
        : {}),
    });
    const truth = correct ? "approve" : "deny";
    const reviewed = !auto || routed.audit;
    const review = reviewed
      ? item({
          reviewId: `${auto ? "au" : "rv"}-${decisionId}`,
          decisionId,
          kind: auto ? "audit" : "review",
          status: "decided",
          context: { item: {}, prediction: { label: "approve", confidence }, routingReason: "r" },
          verdicts: [verdict("alice", truth, 1)],
          outcome: { label: truth, source: "reviewer", at: fixed("2026-11-25T12:30:00.000Z") },
          ...(auto && routed.auditInclusionProbability !== undefined
            ? { auditInclusionProbability: routed.auditInclusionProbability }
            : {}),
        })
      : undefined;
    return {
      record,
      ...(review ? { review } : {}),
      confidence,
      correct,
      ...(auto ? { pi: routed.auditInclusionProbability } : {}),
    };
  });
}

function counted(sent: readonly Sent[]): Counters {
  const events = sent.flatMap((s) => [
    ...checkedEventsOf({ kind: "decision", record: s.record }).events,
    ...(s.review ? checkedEventsOf({ kind: "review", record: s.review }).events : []),
  ]);
  const out: Counters = {};
  for (const delta of aggregate(events, () => 0, 1)) addCounters(out, delta.counters);
  return out;
}

describe("uncertainty-weighted audits through the counters", () => {
  const sent = stream();
  const counters = counted(sent);
  const automated = sent.filter((s) => s.record.route === "auto");

  it("records π on every automated decision and audits uncertain ones more often", () => {
    const audited = automated.filter((s) => s.record.audit);
    const meanPi = (xs: readonly Sent[]) => xs.reduce((t, s) => t + (s.pi ?? 0), 0) / xs.length;
    expect(automated.every((s) => s.pi !== undefined && s.pi >= 0.05)).toBe(true);
    expect(meanPi(audited)).toBeGreaterThan(meanPi(automated));
  });

  it("estimates the automated accuracy from the counters as the stats module does from the decisions themselves", () => {
    // Arrange: the independent path: per-decision records into hitl-lab/stats.
    const decisions: AuditedDecision[] = automated.map((s) => ({
      inclusionProbability: s.pi as number,
      audited: s.record.audit,
      ...(s.record.audit ? { correct: s.correct } : {}),
      prediction: s.confidence,
    }));
    const expected = automatedQuality(auditSums(decisions));

    // Act
    const m = armMetrics("a", "run", counters);

    // Assert
    const p = m.decisionQuality.automated;
    expect(p.estimator).toBe(expected.estimator);
    expect(p.estimate).toBeCloseTo(expected.estimate, 5);
    expect(p.interval[0]).toBeCloseTo(expected.interval[0], 4);
    expect(p.interval[1]).toBeCloseTo(expected.interval[1], 4);
    expect(p.reason).toMatch(/prediction-powered|Hájek/);
    // The estimate is near the truth, where the plain ratio of the uncertain audits is not.
    const truth = automated.filter((s) => s.correct).length / automated.length;
    const naive = p.correct / p.audited;
    expect(Math.abs(p.estimate - truth)).toBeLessThan(Math.abs(naive - truth));
  });

  it("gives the live certificate the same calibration sums as the labelled outcomes themselves", () => {
    // Arrange
    const thresholds = [0.95, 0.9, 0.85, 0.8];
    const outcomes = automated
      .filter((s) => s.record.audit)
      .map((s) => ({ confidence: s.confidence, correct: s.correct, weight: 1 / (s.pi as number) }));
    const raw = calibrationSums(outcomes, thresholds, 20);
    const expected = certifyThresholds(raw, { targetError: 0.1 });

    // Act
    const sums = calibrationFromCounters(counters, { thresholds, includeHeld: false, weights: { max: 20 } });
    const certificate = certifyThresholds(sums, { targetError: 0.1 });

    // Assert
    const byThreshold = (t: number) => raw.thresholds.find((x) => x.threshold === t);
    for (const row of sums.thresholds) {
      const want = byThreshold(row.threshold);
      expect([row.n, row.errors]).toEqual([want?.n, want?.errors]);
      expect(row.weights?.sum).toBeCloseTo(want?.weights?.sum ?? Number.NaN, 3);
      expect(row.weights?.errors).toBeCloseTo(want?.weights?.errors ?? Number.NaN, 3);
    }
    expect(certificate.threshold).toBe(expected.threshold);
    certificate.tested.forEach((t, i) => {
      expect(t.pValue).toBeCloseTo(expected.tested[i]?.pValue ?? Number.NaN, 6);
    });
  });
});

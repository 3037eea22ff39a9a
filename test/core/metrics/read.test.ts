import { describe, expect, it } from "vitest";
import { infrastructureCost } from "../../../core/cost/model";
import { LogHistogram } from "../../../core/metrics/histogram";
import { armMetrics, type CounterRow, experimentMetrics } from "../../../core/metrics/read";
import { wilson } from "../../../core/stats/proportions";
import { fixed } from "../../support/clock";

/** One arm: 100 decisions, 80 automated (10 audited, 9 right), 20 held (18 decided, 2 fallbacks). */
function armCounters(): Record<string, number> {
  return {
    events: 300,
    decisions: 100,
    enrolledDecisions: 100,
    units: 60,
    auto: 80,
    human: 20,
    audit: 10,
    auditedCount: 10,
    auditedCorrect: 9,
    humanOutcomes: 18,
    humanModelCorrect: 12,
    fallbackOutcomes: 2,
    verdicts: 20,
    overrides: 6,
    queueMs: 20 * 600_000,
    escalations: 4,
    slaBreaches: 2,
    enqueued: 24,
    modelCostNanoUsd: 20_000_000,
    "unpriced:m2": 10,
    humanCostNanoUsd: 15_000_000_000,
    pairTotal: 50,
    pairAgree: 35,
    "pair:approve|approve": 20,
    "pair:approve|reject": 5,
    "pair:reject|approve": 10,
    "pair:reject|reject": 15,
    feedbackProduced: 10,
    "feedbackAcked:training": 4,
    "closureMs:training": 4 * 86_400_000,
    ...new LogHistogram().add(86_400_000, 4).toCounters("closure:training:"),
  };
}

describe("armMetrics", () => {
  it("derives the automation, override, escalation, breach rates and the mean time in queue", () => {
    // Act
    const m = armMetrics("a", "run", armCounters());

    // Assert
    expect(m.automationRate).toBe(0.8);
    expect(m.overrideRate).toBe(0.3);
    expect(m.escalationRate).toBe(0.2);
    expect(m.slaBreachRate).toBe(0.1);
    expect(m.meanQueueSeconds).toBe(600);
    expect(m.units).toBe(60);
  });

  it("estimates automated accuracy from the audit sample with a Wilson interval", () => {
    const m = armMetrics("a", "run", armCounters());

    expect(m.quality.automated.estimate).toBe(0.9);
    expect(m.quality.automated.interval).toEqual(wilson(9, 10));
  });

  it("weighs quality over final outcomes: unaudited automated at the audit estimate, verified ones as correct", () => {
    // Arrange: 70 unaudited automated × 0.9 + 10 audited + 18 human-decided = 91 of 98 (fallbacks unverified)
    const [low, high] = wilson(9, 10);

    // Act
    const m = armMetrics("a", "run", armCounters());

    // Assert
    expect(m.quality.outcomes).toBe(98);
    expect(m.quality.estimate).toBeCloseTo(91 / 98, 12);
    expect(m.quality.interval[0]).toBeCloseTo((70 * low + 28) / 98, 12);
    expect(m.quality.interval[1]).toBeCloseTo((70 * high + 28) / 98, 12);
    expect(m.quality.unverifiedFallbacks).toBe(2);
    expect(m.quality.modelAccuracyOnHeld).toBeCloseTo(2 / 3, 12);
  });

  it("lets ground truth override the estimate for the decisions it covers", () => {
    // Arrange: 5 automated decisions got ground truth, 3 were right; a fallback was checked and right.
    const counters = {
      ...armCounters(),
      "gt:auto": 5,
      "gtCorrect:auto": 3,
      "gt:fallback": 1,
      "gtCorrect:fallback": 1,
    };

    // Act
    const m = armMetrics("a", "run", counters);

    // Assert: (3 + 0.9 × 65 + 10 + 18 + 1) / 99
    expect(m.quality.estimate).toBeCloseTo((3 + 0.9 * 65 + 29) / 99, 12);
    expect(m.quality.unverifiedFallbacks).toBe(1);
  });

  it("says quality is unknown, bounded by 0 and 1 for the unaudited share, when nothing was audited", () => {
    const m = armMetrics("a", "run", { decisions: 10, auto: 10 });

    expect(m.quality.estimate).toBeNaN();
    expect(m.quality.interval).toEqual([0, 1]);
  });

  it("computes Cohen's kappa from the pair cells and flags it below 0.6", () => {
    const m = armMetrics("a", "run", armCounters());

    expect(m.agreement.pairs).toBe(50);
    expect(m.agreement.observedAgreement).toBe(0.7);
    expect(m.agreement.kappa).toBeCloseTo(0.4, 12);
    expect(m.agreement.belowThreshold).toBe(true);
  });

  it("reports feedback closure per stage with its mean and median time", () => {
    const m = armMetrics("a", "run", armCounters());

    expect(m.feedback.stages.training.closureRate).toBe(0.4);
    expect(m.feedback.stages.training.meanSeconds).toBe(86_400);
    expect(Math.abs(m.feedback.stages.training.medianSeconds / 86_400 - 1)).toBeLessThanOrEqual(0.01);
    expect(m.feedback.stages.deployed.closureRate).toBe(0);
  });

  it("reports latency percentiles per path from the histogram counters", () => {
    const counters = {
      ...new LogHistogram().add(50, 90).add(400, 10).toCounters("lat:auto:"),
    };

    const m = armMetrics("a", "run", counters);

    expect(m.latency.auto.count).toBe(100);
    expect(Math.abs(m.latency.auto.p50Ms / 50 - 1)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m.latency.auto.p99Ms / 400 - 1)).toBeLessThanOrEqual(0.01);
    expect(m.latency.human.count).toBe(0);
  });

  it("splits cost per decision into model (costUsd and per-version prices), human and infrastructure", () => {
    // Arrange
    const counters = armCounters();

    // Act
    const m = armMetrics("a", "run", counters, { modelPriceUsd: { m2: 0.001 } });

    // Assert: model $0.02 + 10 × $0.001; human $15; infrastructure from the operation model, the 100
    // routed decisions and the other 200 events counted from the records streams
    const infra = infrastructureCost({
      route: 100,
      routedCount: 100,
      metricEvent: 200,
      holdRound: 24,
      verdict: 20,
      settle: 28,
      escalate: 4,
      fallback: 2,
      feedback: 10,
    }).total;
    expect(m.cost.modelUsd).toBeCloseTo(0.03, 12);
    expect(m.cost.humanUsd).toBe(15);
    expect(m.cost.infrastructureUsd).toBeCloseTo(infra, 15);
    expect(m.cost.perDecision.total).toBeCloseTo((0.03 + 15 + infra) / 100, 15);
    expect(m.cost.unpricedDecisions).toBe(0);
  });

  it("counts decisions whose model version has no price as unpriced", () => {
    const m = armMetrics("a", "run", armCounters());

    expect(m.cost.unpricedDecisions).toBe(10);
    expect(m.cost.modelUsd).toBeCloseTo(0.02, 12);
  });
});

describe("experimentMetrics", () => {
  it("folds hours into the whole run and into UTC days per arm", () => {
    // Arrange
    const rows: CounterRow[] = [
      { arm: "a", hour: fixed("2026-11-25T23"), counters: { decisions: 2, auto: 1 } },
      { arm: "a", hour: fixed("2026-11-26T00"), counters: { decisions: 3, auto: 3 } },
      { arm: "b", hour: fixed("2026-11-26T00"), counters: { decisions: 1, human: 1 } },
    ];

    // Act
    const report = experimentMetrics("exp", rows);

    // Assert
    expect(report.arms.map((m) => [m.arm, m.decisions, m.automationRate])).toEqual([
      ["a", 5, 0.8],
      ["b", 1, 0],
    ]);
    expect(report.daily.map((m) => [m.period, m.arm, m.decisions])).toEqual([
      [fixed("2026-11-25"), "a", 2],
      [fixed("2026-11-26"), "a", 3],
      [fixed("2026-11-26"), "b", 1],
    ]);
  });

  it("projects a month from the spend rate of the hours observed", () => {
    // Arrange: $1 then $3 of model cost in two consecutive hours → $2/h → $48/day → $1,440 a month
    const rows = [
      { arm: "a", hour: fixed("2026-11-25T10"), counters: { modelCostNanoUsd: 1e9 } },
      { arm: "a", hour: fixed("2026-11-25T11"), counters: { modelCostNanoUsd: 3e9 } },
    ];

    // Act
    const { spend } = experimentMetrics("exp", rows);

    // Assert
    expect(spend.totalUsd).toBe(4);
    expect(spend.windowHours).toBe(2);
    expect(spend.dailyRunRateUsd).toBe(48);
    expect(spend.monthlyProjectionUsd).toBe(1440);
  });

  it("measures the run rate over the last week only", () => {
    const rows = [
      { arm: "a", hour: fixed("2026-11-01T00"), counters: { modelCostNanoUsd: 1000e9 } },
      { arm: "a", hour: fixed("2026-11-20T00"), counters: { modelCostNanoUsd: 168e9 } },
    ];

    const { spend } = experimentMetrics("exp", rows);

    expect(spend.windowHours).toBe(168);
    expect(spend.dailyRunRateUsd).toBeCloseTo(24, 12);
  });
});

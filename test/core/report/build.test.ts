import { describe, expect, it } from "vitest";
import { buildReport } from "../../../core/report";
import { benjaminiHochberg, holm, wilson } from "../../../core/stats";
import { fixed, fixedDate } from "../../support/clock";
import { clearWinner, experiment, rows } from "./fixtures";

const NOW = fixedDate("2026-11-02T00:00:00Z");

describe("the experiment report", () => {
  it("recommends shipping a clear winner, with the automation gain, the quality margin and the cost saving in words", () => {
    // Arrange: 1,000 decisions per arm; automation 50 % vs 70 %.
    const input = { experiment: experiment(), rows: clearWinner(), now: NOW };

    // Act
    const report = buildReport(input);

    // Assert: Welch with p(1 − p): var = 0.7·0.3/1000 + 0.5·0.5/1000 = 0.00046, df ≈ 1,990 (t ≈ 1.9612).
    const automation = report.comparisons[0]?.metrics.find((m) => m.metric === "automationRate");
    const half = 1.9612 * Math.sqrt(0.00046);
    expect(automation?.difference).toBeCloseTo(0.2, 12);
    expect(automation?.fixedHorizon.ci[0]).toBeCloseTo(0.2 - half, 4);
    expect(automation?.fixedHorizon.ci[1]).toBeCloseTo(0.2 + half, 4);
    expect(automation?.relativeLift).toBeCloseTo(0.4, 12);
    expect(report.recommendation.decision).toBe("ship");
    expect(report.recommendation.arm).toBe("aggressive");
    // Reviews cost $0.1045 on average: 60 vs 40 reviews per 100 decisions is −$0.0209 of human cost.
    expect(report.recommendation.headline).toMatch(
      /^Ship aggressive: automation \+20\.0 pp \(95% CI 15\.8–24\.2\), decision-time quality non-inferior at a 1 pp margin, cost per decision −\$0\.021 \(−3\d%\)$/,
    );
    expect(report.recommendation.reasons[0]).toBe(
      "aggressive: automation +20.0 pp (95% CI 15.8–24.2), adjusted p < 0.0001; also significant on the sequential test (safe to read every day)",
    );
    expect(report.recommendation.reasons[1]).toMatch(
      /^aggressive: decision-time quality non-inferior at a 1 pp margin \(0\.00 pp, one-sided lower bound −\d\.\d\d pp, p = 0\.0\d+\)$/,
    );
    expect(report.warnings).toEqual([]);
  });

  it("reports each arm's automation rate with its Wilson interval and quality with where it comes from", () => {
    // Act
    const report = buildReport({ experiment: experiment(), rows: clearWinner(), now: NOW });

    // Assert
    const [control, aggressive] = report.arms;
    expect(control).toMatchObject({
      arm: "conservative",
      control: true,
      decisions: 1000,
      automated: 500,
      held: 500,
    });
    expect(aggressive?.automationRate.value).toBe(0.7);
    expect(aggressive?.automationRate.interval).toEqual(wilson(700, 1000));
    expect(aggressive?.quality).toMatchObject({
      value: 1,
      source: "audit-sample",
      outcomes: { total: 1000, estimated: 600, audited: 100, reviewed: 300, groundTruth: 0 },
      automatedAccuracy: { value: 1, audits: 100, correct: 100 },
    });
    expect(aggressive?.quality.description).toBe(
      "600 automated outcomes estimated at the accuracy of 100 audits (100.0%); counted: 300 reviewer verdicts, 100 audited outcomes",
    );
    expect(aggressive?.cost.perDecision.model).toBeCloseTo(0.001, 15);
    expect(aggressive?.cost.perDecision.human).toBeCloseTo((40 * 0.1045) / 100, 9);
  });

  it("tests cost per decision as a ratio metric over hours, and says why when there is only one hour", () => {
    // Arrange
    const oneHour = [
      ...rows("conservative", 1, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
      ...rows("aggressive", 1, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10 }),
    ];

    // Act
    const tenHours = buildReport({ experiment: experiment(), rows: clearWinner(), now: NOW });
    const single = buildReport({ experiment: experiment(), rows: oneHour, now: NOW });

    // Assert
    const cost = (r: typeof tenHours) =>
      r.comparisons[0]?.metrics.find((m) => m.metric === "costPerDecision");
    expect(cost(tenHours)?.kind).toBe("ratio");
    expect(cost(tenHours)?.fixedHorizon.significant).toBe(true);
    expect(cost(tenHours)?.difference).toBeLessThan(0);
    expect(cost(single)?.fixedHorizon.pValue).toBeNull();
    expect(cost(single)?.unavailable).toMatch(/needs at least 2 hours with data per arm .* this arm has 1/);
  });

  it("adjusts every fixed-horizon p-value as one family, with Holm by default or Benjamini–Hochberg on request", () => {
    // Act
    const byHolm = buildReport({ experiment: experiment(), rows: clearWinner(), now: NOW });
    const byBh = buildReport({
      experiment: experiment(),
      rows: clearWinner(),
      now: NOW,
      options: { correction: "benjamini-hochberg" },
    });

    // Assert
    const tested = (r: typeof byHolm) =>
      r.comparisons.flatMap((c) => c.metrics).filter((m) => m.fixedHorizon.pValue !== null);
    const raw = tested(byHolm).map((m) => m.fixedHorizon.pValue as number);
    expect(raw.length).toBeGreaterThan(2);
    expect(tested(byHolm).map((m) => m.fixedHorizon.adjustedPValue)).toEqual(holm(raw));
    expect(tested(byBh).map((m) => m.fixedHorizon.adjustedPValue)).toEqual(benjaminiHochberg(raw));
  });

  it("flags a clear sample ratio mismatch and asks to investigate instead of recommending", () => {
    // Arrange: 5,000 vs 4,500 units at 50/50: χ² = 2 × 250² / 4,750 = 26.32.
    const mismatched = [
      ...rows("conservative", 10, { decisions: 500, auto: 250, audits: 50, auditsCorrect: 50 }),
      ...rows("aggressive", 10, { decisions: 450, auto: 315, audits: 45, auditsCorrect: 45 }),
    ];

    // Act
    const report = buildReport({ experiment: experiment(), rows: mismatched, now: NOW });

    // Assert
    expect(report.srm.chiSquare).toBeCloseTo(26.3158, 4);
    expect(report.srm.mismatch).toBe(true);
    expect(report.warnings.map((w) => w.code)).toContain("srm");
    expect(report.recommendation.decision).toBe("investigate");
    expect(report.recommendation.headline).toMatch(/^Investigate before deciding: sample ratio mismatch/);
  });

  it("flags reviewer agreement below 0.6 as a broken task definition (kappa 0.4 on the textbook table)", () => {
    // Arrange: pairs yes-yes 20, A-yes B-no 5, A-no B-yes 10, no-no 15 (Cohen's kappa 0.4).
    const pairs = {
      pairTotal: 50,
      pairAgree: 35,
      "pair:approve|approve": 20,
      "pair:approve|deny": 5,
      "pair:deny|approve": 10,
      "pair:deny|deny": 15,
    };
    const data = [
      ...rows("conservative", 1, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10, extra: pairs }),
      ...rows("aggressive", 1, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10 }),
    ];

    // Act
    const report = buildReport({ experiment: experiment(), rows: data, now: NOW });

    // Assert
    expect(report.agreement.overall.kappa).toBeCloseTo(0.4, 12);
    expect(report.agreement.overall.belowThreshold).toBe(true);
    expect(report.arms[0]?.agreement).toMatchObject({ pairs: 50, belowThreshold: true });
    const warning = report.warnings.find((w) => w.code === "low-agreement");
    expect(warning?.message).toMatch(
      /^reviewers agree with Cohen's kappa 0\.40 on 50 double-reviewed items \(below 0\.6\)/,
    );
  });

  it("warns that too few audits cannot judge quality, and does not ship on it", () => {
    // Arrange: the aggressive arm automates 700 decisions but only 5 were audited.
    const data = [
      ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
      ...rows("aggressive", 5, { decisions: 100, auto: 70, audits: 1, auditsCorrect: 1 }),
      ...rows("aggressive", 5, { decisions: 100, auto: 70, audits: 0, auditsCorrect: 0 }, 5),
    ];

    // Act
    const report = buildReport({ experiment: experiment(), rows: data, now: NOW });

    // Assert
    const warning = report.warnings.find((w) => w.code === "too-few-audits");
    expect(warning).toMatchObject({ arm: "aggressive" });
    expect(warning?.message).toMatch(/5 audits for 700 automated outcomes \(at least 30 needed\)/);
    expect(report.recommendation.decision).toBe("keep-running");
    expect(report.recommendation.headline).toBe(
      "Keep running: decision-time quality of aggressive is not yet shown non-inferior at the 1 pp margin",
    );
  });

  it("keeps control when the treatment's quality is worse by more than the margin, and says the guardrail will pause it", () => {
    // Arrange: half of the aggressive arm's audits find the model wrong.
    const data = [
      ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
      ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 5 }),
    ];

    // Act
    const report = buildReport({ experiment: experiment(), rows: data, now: NOW });

    // Assert: aggressive's decision-time quality = (700 × 0.5 + 300) / 1000 = 0.65 (after corrections,
    // the 100 audited outcomes would count as correct: 0.7).
    const guardrail = report.comparisons[0]?.qualityGuardrail;
    expect(guardrail?.treatment).toBeCloseTo(0.65, 12);
    expect(report.arms[1]?.quality.value).toBeCloseTo(0.7, 12);
    expect(guardrail?.difference).toBeCloseTo(-0.35, 12);
    expect(guardrail?.sequential.worseThanMargin).toBe(true);
    expect(guardrail?.guardrail).toBe("pause");
    expect(report.warnings.map((w) => w.code)).toContain("guardrail-breach");
    expect(report.recommendation).toMatchObject({
      decision: "keep-control",
      arm: "conservative",
      headline:
        "Keep conservative: aggressive's decision-time quality is worse than control's by more than the 1 pp margin",
    });
  });

  it("shows an arm the guardrail paused and never recommends it", () => {
    // Arrange
    const paused = experiment({
      version: 2,
      arms: experiment().arms.map((a) => (a.id === "aggressive" ? { ...a, paused: true } : a)),
    });

    // Act
    const report = buildReport({ experiment: paused, rows: clearWinner(), now: NOW });

    // Assert
    expect(report.arms[1]).toMatchObject({ arm: "aggressive", paused: true });
    expect(report.comparisons[0]?.qualityGuardrail.guardrail).toBe("paused");
    expect(report.warnings.find((w) => w.code === "arm-paused")?.message).toMatch(
      /^aggressive was paused by the quality guardrail/,
    );
    expect(report.recommendation).toMatchObject({
      decision: "keep-control",
      headline: "Keep conservative: aggressive is paused by the quality guardrail",
    });
    expect(report.srm.until).toBe(fixed("2026-11-01T09"));
  });

  it("calls an arm with fewer than 100 decisions underpowered", () => {
    // Arrange
    const small = [
      ...rows("conservative", 2, { decisions: 20, auto: 10, audits: 2, auditsCorrect: 2 }),
      ...rows("aggressive", 2, { decisions: 20, auto: 14, audits: 2, auditsCorrect: 2 }),
    ];

    // Act
    const report = buildReport({ experiment: experiment(), rows: small, now: NOW });

    // Assert
    const underpowered = report.warnings.filter((w) => w.code === "underpowered").map((w) => w.arm);
    expect(underpowered).toEqual(expect.arrayContaining(["conservative", "aggressive"]));
  });

  it("projects monthly cost from the last week at the current volume, per arm and in total", () => {
    // Act
    const report = buildReport({ experiment: experiment(), rows: clearWinner(), now: NOW });

    // Assert: 100 decisions an hour per arm = 2,400 decisions a day.
    expect(report.finance.windowHours).toBe(10);
    expect(report.finance.arms[0]?.projection.decisionsPerDay).toBeCloseTo(2400, 9);
    expect(report.finance.total.projection.decisionsPerMonth).toBeCloseTo(2 * 2400 * 30, 9);
    expect(report.finance.total.totalUsd).toBeCloseTo(
      (report.arms[0]?.cost.totalUsd ?? 0) + (report.arms[1]?.cost.totalUsd ?? 0),
      12,
    );
    expect(report.daily.map((d) => `${d.day} ${d.arm}`)).toEqual([
      `${fixed("2026-11-01")} aggressive`,
      `${fixed("2026-11-01")} conservative`,
    ]);
  });

  it("survives a JSON round trip unchanged: undefined numbers are null, never NaN", () => {
    // Arrange: control has no data at all.
    const onlyTreatment = rows("aggressive", 1, { decisions: 1, auto: 1, audits: 0, auditsCorrect: 0 });

    // Act
    const report = buildReport({ experiment: experiment(), rows: onlyTreatment, now: NOW });

    // Assert
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report.arms[0]?.automationRate.value).toBeNull();
  });

  it("says there is nothing to recommend before the first decision", () => {
    // Act
    const report = buildReport({ experiment: experiment(), rows: [], now: NOW });

    // Assert
    expect(report.recommendation.headline).toBe("Keep running: no decisions counted yet");
    expect(report.warnings.map((w) => w.code)).toEqual(["no-data"]);
    expect(report.period).toEqual({ from: null, to: null, hours: 0, days: 0 });
  });

  it("refuses an alpha outside (0, 0.5)", () => {
    // Act / Assert
    expect(() =>
      buildReport({ experiment: experiment(), rows: [], now: NOW, options: { alpha: 0.7 } }),
    ).toThrow(/alpha must be in \(0, 0\.5\)/);
  });
});

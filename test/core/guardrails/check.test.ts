import { describe, expect, it } from "vitest";
import { checkGuardrails } from "../../../core/guardrails";
import { armMetrics } from "../../../core/metrics/read";
import { sequentialTest } from "../../../core/stats";
import { experiment, hourCounters } from "../report/fixtures";

const arm = (id: string, auditsCorrect: number, audits = 100, auto = 700) =>
  armMetrics(id, "run", hourCounters({ decisions: 1000, auto, audits, auditsCorrect }, 0));

describe("the quality guardrail decision", () => {
  it("pauses a treatment whose quality is worse than control's by more than the margin with sequential confidence", () => {
    // Arrange: control's audits all agree (quality 1); aggressive's half disagree: at decision time
    // every automated answer is the model's, (700 × 0.5 + 300) / 1000 = 0.65.
    const metrics = [arm("conservative", 100, 100, 500), arm("aggressive", 50)];

    // Act
    const check = checkGuardrails(experiment(), metrics);

    // Assert
    expect(check.pause).toEqual(["aggressive"]);
    const [aggressive] = check.arms;
    expect(aggressive).toMatchObject({ arm: "aggressive", action: "pause", margin: 0.01 });
    expect(aggressive?.difference).toBeCloseTo(-0.35, 12);
    expect(aggressive?.ci[1]).toBeLessThan(-0.01);
    expect(aggressive?.reason).toMatch(
      /^decision-time quality 65\.00% vs control 100\.00% \(−35\.00 pp; 95% confidence sequence .* is worse than control by more than the 1\.00 pp margin$/,
    );
  });

  it("keeps an arm whose drop could still be within the margin, and uses the sequential interval to decide", () => {
    // Arrange: 99 of 100 audits right vs all right: a drop of 0.6 pp, far from certain.
    const metrics = [arm("conservative", 100, 100, 500), arm("aggressive", 99)];

    // Act
    const check = checkGuardrails(experiment(), metrics);

    // Assert
    expect(check.pause).toEqual([]);
    expect(check.arms[0]?.action).toBe("keep");
    expect(check.arms[0]?.ci[1]).toBeGreaterThan(-0.01);
  });

  it("never pauses control, and leaves an arm that is already paused alone (idempotent)", () => {
    // Arrange: the control is the bad one; aggressive is already paused.
    const paused = experiment({
      arms: experiment().arms.map((a) => (a.id === "aggressive" ? { ...a, paused: true } : a)),
    });
    const metrics = [arm("conservative", 10), arm("aggressive", 10)];

    // Act
    const check = checkGuardrails(paused, metrics);

    // Assert
    expect(check.arms.map((a) => [a.arm, a.action])).toEqual([["aggressive", "paused"]]);
    expect(check.pause).toEqual([]);
  });

  it("does not judge an arm on fewer than 10 audits or without counters", () => {
    // Arrange
    const few = [arm("conservative", 100, 100, 500), arm("aggressive", 0, 9)];

    // Act
    const fewAudits = checkGuardrails(experiment(), few);
    const noCounters = checkGuardrails(experiment(), [arm("conservative", 100)]);

    // Assert
    expect(fewAudits.arms[0]).toMatchObject({ action: "insufficient-data" });
    expect(fewAudits.arms[0]?.reason).toBe(
      "arm aggressive's quality rests on 9 audits; the check needs at least 10",
    );
    expect(noCounters.arms[0]).toMatchObject({
      action: "insufficient-data",
      reason: "no counters yet for arm aggressive",
    });
  });

  it("computes the same confidence sequence as core/stats on the quality sums", () => {
    // Arrange
    const metrics = [arm("conservative", 95, 100, 500), arm("aggressive", 80)];

    // Act
    const check = checkGuardrails(experiment(), metrics, { alpha: 0.1, tuning: 1000 });

    // Assert: decision-time q = (auto·p + held)/1000: control (500·0.95 + 500)/1000 with per-audit
    // variance 0.25·p̃(1 − p̃); aggressive (700·0.8 + 300)/1000 with 0.49·p̃(1 − p̃).
    const sums = (q: number, w: number, correct: number) => {
      const p = (correct + 0.5) / 101;
      const variance = w * w * p * (1 - p);
      return { n: 100, sum: 100 * q, sumSquares: 99 * variance + 100 * q * q };
    };
    const expected = sequentialTest(sums(0.975, 0.5, 95), sums(0.86, 0.7, 80), { alpha: 0.1, tuning: 1000 });
    expect(check.arms[0]?.ci[0]).toBeCloseTo(expected.ci[0], 9);
    expect(check.arms[0]?.ci[1]).toBeCloseTo(expected.ci[1], 9);
  });
});

describe("the guardrail's interval", () => {
  it("stays inside ±100 pp on a handful of audits and says it was cut (it printed −854.74 to +798.87 pp)", () => {
    // Arrange: 2 and 3 audits per arm pass a minimum of 2 audits.
    const few = (id: string, audits: number, correct: number) =>
      armMetrics(id, "run", hourCounters({ decisions: 30, auto: 25, audits, auditsCorrect: correct }, 0));

    // Act
    const check = checkGuardrails(experiment(), [few("conservative", 2, 2), few("aggressive", 3, 2)], {
      minAudits: 2,
    });

    // Assert
    const [aggressive] = check.arms;
    expect(aggressive?.ci[0]).toBeGreaterThanOrEqual(-1);
    expect(aggressive?.ci[1]).toBeLessThanOrEqual(1);
    expect(aggressive?.reason).toMatch(/confidence sequence −100\.00 pp to \+100\.00 pp, cut at ±100 pp\)/);
  });
});

import { describe, expect, it } from "vitest";
import { checkGuardrails } from "../../../core/guardrails";
import { calCounter } from "../../../core/metrics/audit-counters";
import type { Counters } from "../../../core/metrics/counters";
import { armMetrics } from "../../../core/metrics/read";
import { buildReport } from "../../../core/report";
import { binomialLowerTailPValue } from "../../../core/stats";
import { fixedDate } from "../../support/clock";
import { experiment, rows } from "./fixtures";

const NOW = fixedDate("2026-11-02T00:00:00Z");
const certified = (pauseWhenBroken = false) =>
  experiment({ certification: { targetError: 0.05, confidence: 0.95, pauseWhenBroken } });

/**
 * Calibration counters of one hour: `audits` per confidence bucket 80–99 (of which `auditErrors`
 * in bucket 85) and, for buckets 60–79, `held` reviewed held items per bucket with `heldErrors` each.
 */
function calibration(audits: number, auditErrors: number, held: number, heldErrors: number): Counters {
  const out: Counters = {};
  for (let b = 80; b <= 99; b++) out[calCounter("a", "n", b)] = audits;
  out[calCounter("a", "e", 85)] = auditErrors;
  for (let b = 60; b <= 79; b++) {
    out[calCounter("h", "n", b)] = held;
    if (heldErrors > 0) out[calCounter("h", "e", b)] = heldErrors;
  }
  return out;
}

/** 10 hours of 100 decisions; aggressive automates 70 and audits 10 per hour (20 per bucket over the run). */
function data(auditErrors: number, heldErrors = 0) {
  return [
    ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
    ...rows("aggressive", 10, {
      decisions: 100,
      auto: 70,
      audits: 10,
      auditsCorrect: 10 - auditErrors,
      extra: calibration(1, auditErrors, 1, heldErrors),
    }),
  ];
}

describe("each arm's live certificate in the report", () => {
  it("certifies the arm's own threshold from its audits with the exact binomial, and proposes a lower one from its held verdicts", () => {
    // Arrange: aggressive (threshold 0.8): 200 audits, none wrong; 200 held verdicts in 0.60–0.79, none wrong.
    const report = buildReport({ experiment: certified(), rows: data(0), now: NOW });

    // Act
    const c = report.arms[1]?.certificate;

    // Assert: every tested threshold from the top to 0.8 is certified; 0.8's p = P(Bin(200, 0.05) ≤ 0).
    expect(c).toMatchObject({ targetError: 0.05, threshold: 0.8, holds: true, broken: false });
    const atOwn = c?.own.tested.find((t) => t.threshold === 0.8);
    expect(atOwn).toMatchObject({ n: 200, errors: 0, certified: true });
    expect(atOwn?.pValue).toBeCloseTo(binomialLowerTailPValue(200, 0, 0.05), 12);
    // Below 0.8, errors in held items are counted, the automated region tested at q₀ = α(n_h + N)/N.
    expect(c?.next).not.toBeNull();
    expect(c?.next ?? 1).toBeLessThan(0.8);
    const below = c?.proposal.tested.find((t) => t.threshold === 0.79);
    const q0 = (0.05 * (10 + 700)) / 700;
    expect(below?.pValue).toBeCloseTo(binomialLowerTailPValue(200, 0, q0), 12);
    expect(report.recommendation.proposed).toMatchObject({ arm: "aggressive", from: 0.8 });
    expect(report.recommendation.reasons.at(-1)).toMatch(
      /^Proposed next level for aggressive: automate above 0\.\d+: error among automated ≤ 5\.0% certified at 95% on [\d,]+ labelled outcomes; expected automation \d+% \(\d+–\d+%\); cost per decision −\$0\.\d+$/,
    );
  });

  it("says the certificate no longer holds when the audits' error rate reaches the target, and the guardrail flags it", () => {
    // Arrange: 2 of 10 audits wrong per hour: 10 % errors among automated, target 5 %.
    const broken = data(2);

    // Act
    const report = buildReport({ experiment: certified(), rows: broken, now: NOW });
    const run = ["conservative", "aggressive"].map((arm) =>
      armMetrics(
        arm,
        "run",
        broken
          .filter((r) => r.arm === arm)
          .reduce<Counters>((s, r) => {
            for (const [k, v] of Object.entries(r.counters)) s[k] = (s[k] ?? 0) + v;
            return s;
          }, {}),
      ),
    );
    const flag = checkGuardrails(certified(false), run);
    const pause = checkGuardrails(certified(true), run);

    // Assert
    expect(report.arms[1]?.certificate).toMatchObject({ holds: false, broken: true, next: null });
    expect(
      report.recommendation.reasons.some((r) => r.includes("no longer holds at its threshold 0.8")),
    ).toBe(true);
    expect(flag.arms[0]?.certificate).toMatchObject({ holds: false, broken: true });
    expect(flag.arms[0]?.reason).toMatch(
      /the live certificate no longer holds at arm aggressive's threshold 0\.8/,
    );
    expect(pause.pause).toEqual(["aggressive"]);
    expect(pause.arms[0]?.action).toBe("pause");
  });

  it("gives no certificate without a target, and takes the report's targetError over the experiment's", () => {
    const none = buildReport({ experiment: experiment(), rows: data(0), now: NOW });
    const asked = buildReport({
      experiment: certified(),
      rows: data(0),
      now: NOW,
      options: { targetError: 0.2 },
    });

    expect(none.arms.map((a) => a.certificate)).toEqual([null, null]);
    expect(asked.arms[1]?.certificate?.targetError).toBe(0.2);
    expect(() =>
      buildReport({ experiment: experiment(), rows: [], now: NOW, options: { targetError: 1.5 } }),
    ).toThrow("targetError must be in (0, 1)");
  });
});

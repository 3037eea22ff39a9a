import { describe, expect, it } from "vitest";
import { renderReportText } from "../../../cli/render/report-text";
import { buildReport } from "../../../core/report";
import { newcombe } from "../../../core/stats";
import { fixedDate } from "../../support/clock";
import { clearWinner, experiment, rows } from "./fixtures";

const NOW = fixedDate("2026-11-02T00:00:00Z");

/** A demo after a few minutes: 30 decisions per arm, 2 audits in control (both right), 3 in treatment (2 right). */
function fewAudits() {
  return buildReport({
    experiment: experiment(),
    rows: [
      ...rows("conservative", 1, { decisions: 30, auto: 20, audits: 2, auditsCorrect: 2 }),
      ...rows("aggressive", 1, { decisions: 30, auto: 25, audits: 3, auditsCorrect: 2 }),
    ],
    now: NOW,
  });
}

const inside = ([lower, upper]: readonly [number | null, number | null]) =>
  lower !== null && upper !== null && lower >= -1 && upper <= 1;

describe("comparisons of rates with small samples", () => {
  it("keep a quality difference from 2 and 3 audits per arm inside ±100 pp (Welch gave −107 to +58 pp)", () => {
    const quality = fewAudits().comparisons[0]?.metrics.find((m) => m.metric === "decisionQuality");

    expect(quality?.scoreInterval).toBe("mover-wilson");
    expect(inside(quality?.fixedHorizon.ci ?? [null, null])).toBe(true);
    expect(quality?.fixedHorizon.ci[0]).toBeLessThan(quality?.difference ?? 0);
    expect(quality?.fixedHorizon.ci[1]).toBeGreaterThan(quality?.difference ?? 0);
  });

  it("cut the sequential interval at ±100 pp and say so (it ran from −739 to +690 pp)", () => {
    const report = fewAudits();
    const quality = report.comparisons[0]?.metrics.find((m) => m.metric === "decisionQuality");
    const guardrail = report.comparisons[0]?.qualityGuardrail;

    expect(quality?.sequential).toMatchObject({ ci: [-1, 1], bounded: true });
    expect(guardrail?.sequential).toMatchObject({ ci: [-1, 1], bounded: true });
    expect(guardrail?.fixedHorizon.lowerBound).toBeGreaterThanOrEqual(-1);
  });

  it("use Newcombe's interval, with the p-value that goes with it, for a rate over few units", () => {
    // 10 held decisions in control with 2 overrides; 5 in treatment with 1.
    const override = fewAudits().comparisons[0]?.metrics.find((m) => m.metric === "overrideRate");

    expect(override?.scoreInterval).toBe("newcombe");
    const [lower, upper] = newcombe(2, 10, 1, 5);
    expect(override?.fixedHorizon.ci[0]).toBeCloseTo(lower, 12);
    expect(override?.fixedHorizon.ci[1]).toBeCloseTo(upper, 12);
    expect(override?.fixedHorizon.pValue).toBe(1);
  });

  it("keep Welch's interval (gbstats) when the sample is large", () => {
    const metrics = buildReport({ experiment: experiment(), rows: clearWinner(), now: NOW }).comparisons[0]
      ?.metrics;

    expect(metrics?.find((m) => m.metric === "automationRate")?.scoreInterval).toBeUndefined();
    expect(metrics?.some((m) => m.sequential.bounded)).toBe(false);
  });

  it("mark both in the printed report, with what the marks mean", () => {
    const text = renderReportText(fewAudits());

    expect(text).toMatch(/quality .*\) † /);
    expect(text).toContain("−100.00 to 100.00 pp ‡");
    expect(text).toContain("† small sample: Newcombe's score interval");
    expect(text).toContain("‡ sequential interval cut at ±100 pp");
    expect(text).toContain("(cut at ±100 pp)");
  });
});

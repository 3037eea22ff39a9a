import { describe, expect, it } from "vitest";
import { renderFinanceText } from "../../cli/render/finance";
import { renderReportCsv } from "../../cli/render/report-csv";
import { renderReportHtml } from "../../cli/render/report-html";
import { renderReportText } from "../../cli/render/report-text";
import { calCounter } from "../../core/metrics/audit-counters";
import { P } from "../../core/metrics/counters";
import { bucketCounter } from "../../core/metrics/histogram";
import { buildReport } from "../../core/report";
import { experiment, rows } from "../core/report/fixtures";
import { fixedDate } from "../support/clock";

/**
 * 10 hours × 100 decisions per arm; aggressive automates 70 and audits 10 per hour, of which 1 is
 * wrong; each correction took 90 s (1.5 min) (correctionMs and its histogram bucket as the counter writes them).
 */
function report() {
  const corrected = { correctionMs: 90_000, [bucketCounter(P.correctionLatency, 90_000)]: 1 };
  return buildReport({
    experiment: experiment(),
    rows: [
      ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
      ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 9, extra: corrected }),
    ],
    now: fixedDate("2026-11-02T00:00:00Z"),
  });
}

describe("the two qualities in every format", () => {
  it("shows quality at decision time, quality after corrections and the corrections per arm, with both definitions", () => {
    // Arrange: aggressive at decision time (700 × 0.9 + 300)/1000 = 93.00%; after corrections
    // (600 × 0.9 + 100 + 300)/1000 = 94.00%; 10 of 100 audits corrected, +1.00 pp.
    const r = report();

    // Act
    const text = renderReportText(r);

    // Assert
    expect(r.arms[1]?.decisionQuality.value).toBeCloseTo(0.93, 12);
    expect(r.arms[1]?.quality.value).toBeCloseTo(0.94, 12);
    expect(text).toMatch(/quality at decision time +│? *100\.00% .* 93\.00% \(/);
    expect(text).toMatch(/quality after corrections +│? *100\.00% .* 94\.00% \(/);
    expect(text).toContain("10 of 100 audits (10.0%), +1.00 pp, median 1.5 min");
    expect(text).toContain(
      "Quality at decision time = the share of answers that were correct when they were given; an audited automated decision counts as the model's answer, right or wrong.",
    );
    expect(text).toContain("Quality after corrections = the share of final outcomes that are correct;");
    expect(text).toContain(
      "aggressive: audits corrected 10 of 100 audited answers (10.00%), a median 1.5 min after the answer; quality after corrections 94.00%, at decision time 93.00% (+1.00 pp added by corrections)",
    );
    expect(text).toMatch(/aggressive: decision-time quality −7\.00 pp vs control/);
  });

  it("carries each quality once in the CSV, the finance view and the HTML page", () => {
    // Arrange
    const r = report();

    // Act
    const csv = renderReportCsv(r).split("\n");
    const finance = renderFinanceText(r);
    const html = renderReportHtml(r);

    // Assert
    const rowsOf = (metric: string) => csv.filter((line) => line.startsWith(`arm,aggressive,${metric},`));
    expect(rowsOf("decision_quality")).toHaveLength(1);
    expect(rowsOf("decision_quality")[0]).toMatch(/^arm,aggressive,decision_quality,0\.93,/);
    expect(rowsOf("quality")).toHaveLength(1);
    expect(rowsOf("quality")[0]).toMatch(/^arm,aggressive,quality,0\.94,/);
    expect(rowsOf("corrected_errors")[0]).toMatch(/^arm,aggressive,corrected_errors,10,/);
    expect(csv.filter((l) => l.startsWith("comparison,aggressive,decisionQuality,"))).toHaveLength(1);
    expect(finance).toContain("quality at decision time");
    expect(finance).toMatch(/aggressive .*93\.00%/);
    expect(r.finance.arms.map((a) => a.decisionQuality)).toEqual([
      r.arms[0]?.decisionQuality.value,
      r.arms[1]?.decisionQuality.value,
    ]);
    // The charts draw from the embedded report (both qualities); the tables say them in words.
    expect(html).toContain('"decisionQuality":{"value":0.93');
    expect(html).toMatch(/quality at decision time<\/td><td>[^<]*<\/td><td>93\.00%/);
    expect(html).toMatch(/quality after corrections<\/td><td>[^<]*<\/td><td>94\.00%/);
    expect(html).toContain("Quality at decision time = the share of answers");
  });
});

describe("the live certificates in the text report", () => {
  it("says per arm whether its threshold holds and what is certified below it", () => {
    // Arrange: aggressive (threshold 0.8) with 10 audits per hour in buckets 0.90–0.99, none wrong.
    const cal = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [calCounter("a", "n", 90 + i), 1]));
    const r = buildReport({
      experiment: experiment({
        certification: { targetError: 0.05, confidence: 0.95, pauseWhenBroken: false },
      }),
      rows: [
        ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }),
        ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10, extra: cal }),
      ],
      now: fixedDate("2026-11-02T00:00:00Z"),
    });

    // Act
    const text = renderReportText(r);

    // Assert: 100 audits without an error certify 5 % at 95 % (P(Bin(100, 0.05) = 0) = 0.0059).
    expect(text).toContain("Live certificates");
    expect(text).toMatch(
      / {2}aggressive: threshold 0\.8 holds at 5\.0% error, 95% confidence: Certified: automate at confidence ≥ 0\.8;/,
    );
  });
});

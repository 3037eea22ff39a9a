import { describe, expect, it } from "vitest";
import { renderReplayHtml } from "../../../cli/render/replay-html";
import {
  formatThreshold,
  renderReplayCsv,
  renderReplayJson,
  renderReplayMarkdown,
  renderReplayText,
  replayCharts,
} from "../../../cli/render/replay-report";
import { replayLines } from "../../../core/replay/replay";

/** 100 decisions at 0.85 with 30 errors, 200 at 0.95 without any, and one bad line. */
const lines = [
  ...Array.from({ length: 100 }, (_, i) =>
    JSON.stringify({ confidence: 0.85, label: "a", truth: i < 30 ? "b" : "a", handlingSeconds: 120 }),
  ),
  ...Array.from({ length: 200 }, () => JSON.stringify({ confidence: 0.95, label: "a", truth: "a" })),
  "{broken",
];
const result = replayLines(lines, { thresholds: [0.8, 0.9, 0.99], targetError: 0.02 });

describe("formatThreshold", () => {
  it("shows two decimals at least and more only when the threshold has them", () => {
    expect(formatThreshold(0.9)).toBe("0.90");
    expect(formatThreshold(0.955)).toBe("0.955");
    expect(formatThreshold(1)).toBe("1.00");
  });
});

describe("the text report", () => {
  it("has the facts, a row per threshold with the recommended one marked, both charts and the answer", () => {
    // Act
    const text = renderReplayText(result, { source: "log.jsonl" });

    // Assert
    expect(text).toContain("301 lines read from log.jsonl: 300 decisions, 1 bad line skipped");
    expect(text).toContain("Cost per decision: model cost $0.0000 per decision (no line has costUsd)");
    expect(text).toMatch(/ 0\.80 +100\.0% \(98\.7–100\.0\) +10\.00% /);
    expect(text).toMatch(/ 0\.90 .* yes ◀ recommended\n/);
    expect(text).toMatch(/ 0\.99 +0\.0% .* – \(0\.00–100\.00\) .* no\n/);
    expect(text).toContain("Automation rate by threshold");
    expect(text).toContain("Error rate by threshold");
    expect(text).toContain("│ recommended 0.90");
    expect(text).toContain("╌ target 2.00%");
    expect(text).toContain("Skipped 1 bad line:\n  line 301: not valid JSON\n");
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^Recommended threshold 0\.9: automates 66\.7%/);
  });
});

describe("the Markdown report", () => {
  it("puts the answer first, a table, the charts in a text block and the assumptions", () => {
    // Act
    const md = renderReplayMarkdown(result, { source: "log.jsonl" });

    // Assert
    expect(md).toMatch(
      /^## Replay: which confidence threshold\?\n\n\*\*Recommendation:\*\* Recommended threshold 0\.9/,
    );
    expect(md).toContain("| threshold | automated | error, automated |");
    expect(md).toContain("```text\nAutomation rate by threshold");
    expect(md).toContain("### Skipped lines (1)\n\n- line 301: not valid JSON");
    expect(md).toContain("assumes a person reviewing a held item gets it right");
  });
});

describe("the CSV report", () => {
  it("has one row per threshold with raw numbers, and empty fields for undefined rates", () => {
    // Act
    const [header, ...rows] = renderReplayCsv(result).trimEnd().split("\n");

    // Assert
    expect(header?.split(",")).toHaveLength(21);
    expect(header).toMatch(/,meets_target,recommended,certificate_p_value,certified$/);
    expect(header).toMatch(/^threshold,decisions,automated,human_reviews,automation_rate,/);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^0\.8,300,300,0,1,[\d.]+,1,30,0\.1,/);
    // 0.99 automates nothing, so the certificate stops there: 0.9 is never tested.
    expect(rows[1]).toMatch(/,true,true,,false$/);
    expect(rows[2]).toMatch(/,false,false,1,false$/);
    // Nothing automated at 0.99: the error rate among automated decisions is undefined
    expect(rows[2]?.split(",").slice(8, 11)).toEqual(["", "0", "1"]);
  });
});

describe("the JSON report", () => {
  it("carries the whole result, with null for undefined rates", () => {
    // Act
    const json = JSON.parse(renderReplayJson(result, "log.jsonl"));

    // Assert
    expect(json.source).toBe("log.jsonl");
    expect(json.badLines).toEqual([{ line: 301, reason: "not valid JSON" }]);
    expect(json.rows[2].errorRateAutomated).toBeNull();
    expect(json.recommendation.threshold).toBe(0.9);
    expect(json.assumptions).toHaveLength(5);
    expect(json.certificate).toMatchObject({
      threshold: null,
      stop: { reason: "not-rejected", threshold: 0.99 },
    });
  });
});

describe("the charts", () => {
  it("mark the recommended threshold and the target and keep the error axis above the target", () => {
    // Act
    const charts = replayCharts(result);

    // Assert
    expect(charts.automation.vertical).toEqual([{ at: 0.9, label: "recommended 0.90" }]);
    expect(charts.errors.horizontal?.[0]).toMatchObject({ at: 0.02, label: "target 2.00%" });
    expect(charts.errors.y.max).toBeGreaterThan(0.1);
    expect(charts.automation.x.ticks).toEqual([0.8, 0.9, 0.99]);
  });
});

describe("the HTML page", () => {
  it("is one self-contained document with three inline charts and no external references", () => {
    // Act
    const html = renderReplayHtml(result, { source: "log<1>.jsonl" });

    // Assert
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('<tr class="recommended"><td>0.90</td>');
    expect(html).toContain("log&lt;1&gt;.jsonl");
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|\ssrc=/);
  });
});

describe("the certificate in the report", () => {
  // Same log with thresholds 0.8 and 0.9: 0 errors in 200 at 0.9 (p = 0.98^200 = 0.018), 30 in 300 at 0.8.
  const certified = replayLines(lines, { thresholds: [0.8, 0.9], targetError: 0.02 });

  it("prints each tested threshold's p-value in the table and the certificate in words beside it", () => {
    const text = renderReplayText(certified, { source: "log.jsonl" });

    expect(text).toMatch(/ 0\.90 .* p=0\.018 ✓ ◀ certified +yes ◀ recommended\n/);
    expect(text).toMatch(/ 0\.80 .* p=1 ✗ stop +no\n/);
    expect(text).toContain(
      "Certificate (Learn-Then-Test, exact binomial p-values, tested from 0.90 down, each at δ = 0.05):\n" +
        "  Certified: automate at confidence ≥ 0.9; error among automated decisions ≤ 2.00% with 95% confidence " +
        "(0 errors in 200 labelled outcomes, p = 0.018). The sequence stopped at 0.8 (p = 1).\n" +
        "  At 0.90 it automates 66.7% (95% CI 61.2–71.8%).\n" +
        "  The recommended threshold 0.90 is certified too.",
    );
  });

  it("says why nothing is certified and how many more outcomes would be needed", () => {
    const text = renderReplayText(result, { source: "log.jsonl" });

    expect(text).toMatch(/ 0\.90 .* not tested +yes ◀ recommended\n/);
    expect(text).toContain(
      "No threshold certified at 2.00% with 95% confidence: the strictest, 0.99, is not certified " +
        "(no labelled outcome has confidence ≥ 0.99). About 149 more labelled outcomes at or above 0.99 at the same " +
        "error rate would certify it.",
    );
    expect(text).toContain("The recommended threshold 0.90 is not certified");
  });

  it("marks one line on the charts when the recommended threshold is the certified one, two otherwise", () => {
    // The digits case of issue 13: 0.79 passes the Wilson check while 0.80 fails it.
    const band = (confidence: number, n: number, wrong: number) =>
      Array.from({ length: n }, (_, i) => JSON.stringify({ confidence, label: 1, truth: i < wrong ? 0 : 1 }));
    const digits = replayLines([...band(0.85, 600, 3), ...band(0.805, 60, 9), ...band(0.795, 1000, 2)], {
      thresholds: [0.79, 0.8, 0.81],
      targetError: 0.02,
    });

    expect(replayCharts(certified).automation.vertical).toEqual([
      { at: 0.9, label: "recommended = certified 0.90" },
    ]);
    expect(replayCharts(digits).errors.vertical).toEqual([
      { at: 0.79, label: "recommended 0.79" },
      { at: 0.81, label: "certified 0.81", color: "#15803d", mark: "┆" },
    ]);
    expect(renderReplayText(digits, { source: "digits.jsonl" })).toContain("┆ certified 0.81");
  });

  it("puts the certificate under the answer in Markdown and HTML, and highlights the certified row", () => {
    const md = renderReplayMarkdown(certified, { source: "log.jsonl" });
    const html = renderReplayHtml(certified, { source: "log.jsonl" });

    expect(md).toMatch(
      /\*\*Recommendation:\*\* .*\n\n\*\*Certificate:\*\* Certified: automate at confidence ≥ 0\.9;/,
    );
    expect(html).toContain('<tr class="recommended certified"><td>0.90</td>');
    expect(html).toContain('<div class="certificate">');
  });
});

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
    expect(header?.split(",")).toHaveLength(19);
    expect(header).toMatch(/^threshold,decisions,automated,human_reviews,automation_rate,/);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^0\.8,300,300,0,1,[\d.]+,1,30,0\.1,/);
    expect(rows[1]).toMatch(/,true,true$/);
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
    expect(json.assumptions).toHaveLength(4);
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

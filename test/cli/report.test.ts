import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportFileScriptSync, sha256 } from "../../app/build";
import { EXIT_FAILED, type ReportCommandDeps, registerReport } from "../../cli/commands/report";
import { FINANCE_CSV_HEADER } from "../../cli/render/finance";
import { REPORT_CSV_HEADER } from "../../cli/render/report-csv";
import { renderReportHtml } from "../../cli/render/report-html";
import { buildReport, type ExperimentReport } from "../../core/report";
import { clearWinner, experiment, rows } from "../core/report/fixtures";
import { type CliRun, runCli } from "../support/cli";
import { fixed, fixedDate } from "../support/clock";

/** The report the HTML file embeds for its charts. */
const embeddedReport = (html: string): ExperimentReport =>
  JSON.parse(/<script type="application\/json" id="report">([^<]*)<\/script>/.exec(html)?.[1] ?? "null");
/** The file's executable inline scripts (not the JSON data block). */
const inlineScripts = (html: string) =>
  [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
const csp = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];

const dir = mkdtempSync(path.join(tmpdir(), "hitl-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two days of the clear winner: 10 hours on 1 November, 10 on 2 November. */
function twoDays(): ExperimentReport {
  const data = [
    ...clearWinner(),
    ...rows("conservative", 10, { decisions: 100, auto: 50, audits: 10, auditsCorrect: 10 }, 24),
    ...rows("aggressive", 10, { decisions: 100, auto: 70, audits: 10, auditsCorrect: 10 }, 24),
  ];
  return buildReport({ experiment: experiment(), rows: data, now: fixedDate("2026-11-03T00:00:00Z") });
}

interface Run extends CliRun {
  paths: { id: string; query: Record<string, unknown> }[];
}

async function runReport(args: string[], deps: Partial<ReportCommandDeps> = {}): Promise<Run> {
  const paths: Run["paths"] = [];
  const report = twoDays();
  const run = await runCli(
    (program) =>
      registerReport(program, {
        fetchReport: async (id, query) => {
          paths.push({ id, query });
          return report;
        },
        now: () => fixedDate("2026-11-03T00:00:00Z"),
        ...deps,
      }),
    ["report", ...args],
  );
  return { ...run, paths };
}

describe("hitl report", () => {
  it("prints the recommendation, the per-arm table and the comparisons as a terminal table by default", async () => {
    // Act
    const run = await runReport(["claims"]);

    // Assert
    expect(run.exitCode).toBeUndefined();
    expect(run.paths).toEqual([{ id: "claims", query: {} }]);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Experiment claims · config v1 · running · ${fixed("2026-11-01T00:00")} → ${fixed("2026-11-02T09:59")} UTC \\(2 days\\)`,
      ),
    );
    expect(run.stdout).toContain("Recommendation: Ship aggressive: automation +20.0 pp");
    expect(run.stdout).toMatch(/automation rate\s+50\.0% \(47\.8–52\.2%\)\s+70\.0% \(68\.0–72\.0%\)/);
    expect(run.stdout).toContain("Against control (adj. p: Holm across every comparison; * = significant)");
    expect(run.stdout).toContain("Sample ratio: conservative 2,000 / aggressive 2,000 enrolled units");
  });

  it("passes the correction and alpha to the API and prints the report as JSON", async () => {
    // Act
    const run = await runReport(["claims", "--format", "json", "--correction", "none", "--alpha", "0.1"]);

    // Assert
    expect(run.paths).toEqual([{ id: "claims", query: { correction: "none", alpha: "0.1" } }]);
    expect(JSON.parse(run.stdout)).toEqual(twoDays());
  });

  it("writes CSV with raw numbers: one row per arm metric and per comparison", async () => {
    // Act
    const run = await runReport(["claims", "--format", "csv"]);

    // Assert
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(REPORT_CSV_HEADER.join(","));
    expect(lines).toContain("arm,aggressive,decisions,2000,,,,,,,,,,,,,,");
    const automation = lines.find((l) => l.startsWith("comparison,aggressive,automationRate,"))?.split(",");
    expect(automation?.slice(3, 8)).toEqual(["0.7", "", "", "0.5", "0.2"]);
  });

  it("writes Markdown with the headline in bold and the tables", async () => {
    // Act
    const run = await runReport(["claims", "--format", "md"]);

    // Assert
    expect(run.stdout).toMatch(/^# Experiment claims\n/);
    expect(run.stdout).toContain("**Ship aggressive: automation +20.0 pp");
    expect(run.stdout).toContain("| metric | conservative (control) | aggressive |");
  });

  it("writes an HTML page that works offline: the report embedded as JSON, the app's chart bundle inlined under a hash CSP, no external reference", async () => {
    // Arrange
    const out = path.join(dir, "report.html");

    // Act
    const run = await runReport(["claims", "--format", "html", "--out", out]);

    // Assert
    const html = readFileSync(out, "utf8");
    expect(run.stderr).toBe(`wrote ${out}\n`);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/https?:|<link|<img|<iframe|\s(src|href)=/i);
    expect(embeddedReport(html)).toEqual(twoDays());
    const scripts = inlineScripts(html);
    expect(scripts).toHaveLength(1);
    const { code, hash } = reportFileScriptSync();
    expect(scripts[0]).toBe(code);
    // The bundle is the app's: its chart functions and canvas ids, Chart.js inside.
    expect(code).toContain("chart-quality");
    expect(code).toMatch(/ResizeObserver/);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? "");
    expect(styles).toHaveLength(1);
    expect(styles[0]).not.toMatch(/@import|url\(/);
    expect(csp(html)).toBe(
      `default-src 'none'; script-src '${hash}'; style-src '${sha256(styles[0] ?? "")}'; base-uri 'none'; form-action 'none'`,
    );
    expect(hash).toBe(sha256(code));
    expect(html).not.toMatch(/<svg/);
    expect(html).toContain('<section class="charts" id="charts"');
    expect(html).toContain('class="answer ship"');
  });

  it("escapes the embedded report so no text in it can end its script element", () => {
    // Arrange: an arm and a warning whose text would close the element or open a comment.
    const report = twoDays();
    const hostile = "</script><script>alert(1)</script><!--";
    report.warnings.push({ code: "no-data", message: hostile });

    // Act
    const html = renderReportHtml(report);

    // Assert
    expect(embeddedReport(html).warnings.at(-1)?.message).toBe(hostile);
    expect(inlineScripts(html)).toHaveLength(1);
    expect(html).not.toContain("<script>alert(1)");
  });

  it("gives finance a CSV of daily cost per decision per arm and component, totals and the monthly projection", async () => {
    // Act
    const run = await runReport(["claims", "--finance", "--format", "csv"]);

    // Assert
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(FINANCE_CSV_HEADER.join(","));
    expect(lines.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual([
      `${fixed("2026-11-01")},aggressive,1000`,
      `${fixed("2026-11-01")},conservative,1000`,
      `${fixed("2026-11-02")},aggressive,1000`,
      `${fixed("2026-11-02")},conservative,1000`,
      "total,conservative,2000",
      "total,aggressive,2000",
      "total,all,4000",
      // The window is 34 hours (1 Nov 00:00 to 2 Nov 09:00): 2,000 decisions → 1,411.76 a day.
      "projection_30_days,conservative,42353",
      "projection_30_days,aggressive,42353",
      "projection_30_days,all,84706",
    ]);
    const day = lines[1]?.split(",") ?? [];
    // 100 decisions × $0.001 of model cost per hour, 10 hours.
    expect(day.slice(3, 4)).toEqual(["1"]);
    expect(Number(day[7])).toBeCloseTo(0.001, 12);
  });

  it("exits 2 with the API's message when the report cannot be fetched", async () => {
    // Act
    const run = await runReport(["nope"], {
      fetchReport: async () => {
        throw new Error('HTTP 404: experiment "nope" does not exist');
      },
    });

    // Assert
    expect(run.exitCode).toBe(EXIT_FAILED);
    expect(run.stderr).toBe('report: HTTP 404: experiment "nope" does not exist\n');
    expect(run.stdout).toBe("");
  });

  it("refuses an unknown format and an alpha outside (0, 0.5)", async () => {
    // Act
    const format = await runReport(["claims", "--format", "pdf"]);
    const alpha = await runReport(["claims", "--alpha", "0.9"]);

    // Assert
    expect(format.exitCode).toBe(1);
    expect(format.stderr).toMatch(/Allowed choices are table, json, csv, md, html/);
    expect(alpha.exitCode).toBe(1);
    expect(alpha.stderr).toMatch(/must be a number in \(0, 0\.5\)/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_INVALID_INPUT, registerReplay } from "../../cli/commands/replay";
import { runCli } from "../support/cli";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = mkdtempSync(path.join(tmpdir(), "hitl-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/**
 * 100 decisions at 0.85 (30 wrong), 200 at 0.95 (all right), 10 legal ones at 0.99 (all wrong) and a
 * bad line at line 2. Every decision costs $0.002 and a review takes 120 s.
 */
function history(): string[] {
  const decision = (confidence: number, wrong: boolean, topic = "motor") =>
    JSON.stringify({
      confidence,
      label: "a",
      truth: wrong ? "b" : "a",
      topic,
      costUsd: 0.002,
      handlingSeconds: 120,
    });
  return [
    decision(0.85, true),
    '{"confidence":0.9,"label":"a"}',
    ...Array.from({ length: 99 }, (_, i) => decision(0.85, i < 29)),
    ...Array.from({ length: 200 }, () => decision(0.95, false)),
    ...Array.from({ length: 10 }, () => decision(0.99, true, "legal")),
  ];
}

/** Runs `hitl replay ...` in-process through commander, capturing output and the exit code. */
const runReplay = (args: string[]) => runCli(registerReplay, ["replay", ...args]);

describe("hitl replay", () => {
  it("prints JSON with a row per threshold, the bad lines and the cheapest threshold that meets the target", async () => {
    // Arrange
    const log = logFile("history.jsonl", history());

    // Act
    const run = await runReplay([
      "--log",
      log,
      "--thresholds",
      "0.9,0.8",
      "--always-human-topics",
      "legal",
      "--format",
      "json",
    ]);

    // Assert
    expect(run.exitCode).toBeUndefined();
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ linesRead: 311, decisions: 310, badLineCount: 1, alwaysHumanDecisions: 10 });
    expect(json.badLines).toEqual([{ line: 2, reason: "truth: missing" }]);
    expect(json.rows.map((row: { threshold: number }) => row.threshold)).toEqual([0.8, 0.9]);
    expect(json.rows[0]).toMatchObject({ automated: 300, automatedErrors: 30, humanReviews: 10 });
    expect(json.rows[1]).toMatchObject({ automated: 200, automatedErrors: 0, meetsTarget: true });
    // At 0.9, 110 of 310 are held at 120 s × $30/h = $1 each, on top of $0.002 for every decision
    expect(json.rows[1].costPerDecisionUsd).toBeCloseTo(0.002 + 110 / 310, 12);
    expect(json.recommendation).toMatchObject({ met: true, threshold: 0.9 });
    expect(run.stderr).toContain("warning: skipped 1 bad line:\n  line 2: truth: missing\n");
  });

  it("shows the certificate at the confidence asked for, next to today's table", async () => {
    // Arrange: 0 errors in 200 at 0.9: p = 0.98^200 = 0.018, certified at 95% but not at 99%.
    const log = logFile("certificate.jsonl", history());
    const base = ["--log", log, "--thresholds", "0.8,0.9", "--always-human-topics", "legal"];

    // Act
    const at95 = await runReplay([...base, "--target-error", "0.02", "--confidence", "0.95"]);
    const at99 = await runReplay([
      ...base,
      "--target-error",
      "0.02",
      "--confidence",
      "0.99",
      "--format",
      "json",
    ]);

    // Assert
    expect(at95.stdout).toMatch(/ 0\.90 .* p=0\.018 ✓ ◀ certified +yes ◀ recommended\n/);
    expect(at95.stdout).toContain("Certified: automate at confidence ≥ 0.9;");
    const json = JSON.parse(at99.stdout);
    expect(json.confidence).toBe(0.99);
    expect(json.certificate).toMatchObject({ threshold: null, confidence: 0.99, stop: { threshold: 0.9 } });
    expect(json.certificate.tested[0].pValue).toBeCloseTo(0.98 ** 200, 12);
  });

  it("prints a table and charts by default, and says when no threshold meets the target", async () => {
    // Arrange
    const log = logFile("strict.jsonl", history());

    // Act
    const run = await runReplay([
      "--log",
      log,
      "--from",
      "0.8",
      "--to",
      "0.96",
      "--step",
      "0.02",
      "--target-error",
      "0.001",
    ]);

    // Assert
    expect(run.exitCode).toBeUndefined();
    expect(run.stdout).toContain("threshold");
    expect(run.stdout).toMatch(/^ {5}0\.96 /m);
    expect(run.stdout).toContain("Automation rate by threshold");
    expect(run.stdout).toContain("confidence threshold");
    expect(run.stdout).toContain("line 2: truth: missing");
    expect(run.stdout).toContain(
      "No threshold from 0.8 to 0.96 keeps the error rate among automated decisions at or below 0.10% with 95% confidence.",
    );
    expect(run.stdout).not.toContain("◀ recommended");
  });

  it("writes CSV and Markdown on request", async () => {
    // Arrange
    const log = logFile("formats.jsonl", history());

    // Act
    const csv = await runReplay(["--log", log, "--thresholds", "0.9", "--format", "csv"]);
    const md = await runReplay([
      "--log",
      log,
      "--thresholds",
      "0.9",
      "--format",
      "md",
      "--per-review-usd",
      "2",
    ]);

    // Assert
    expect(csv.stdout.split("\n")[0]).toMatch(/^threshold,decisions,automated,/);
    expect(csv.stdout.split("\n")[1]).toMatch(/^0\.9,310,210,100,/);
    expect(md.stdout).toContain("| threshold | automated |");
    expect(md.stdout).toContain("$2.00 per human review of a held item");
  });

  it("writes a self-contained HTML page with inline SVG charts that works offline", async () => {
    // Arrange
    const log = logFile("html.jsonl", history());
    const html = path.join(dir, "replay.html");

    // Act
    const run = await runReplay(["--log", log, "--format", "json", "--html", html]);

    // Assert
    expect(run.exitCode).toBeUndefined();
    expect(run.stderr).toContain(`wrote ${html}`);
    const page = readFileSync(html, "utf8");
    expect(page).toContain("<svg");
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain("Cost per decision by threshold");
  });

  it("fails with exit code 2 when the log cannot be read or holds no valid decision", async () => {
    // Arrange
    const missing = path.join(dir, "missing.jsonl");
    const garbage = logFile("garbage.jsonl", ["nope", "[]"]);

    // Act
    const unreadable = await runReplay(["--log", missing]);
    const empty = await runReplay(["--log", garbage]);

    // Assert
    expect(unreadable.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(unreadable.stderr).toContain(`${missing}: cannot read the log: ENOENT`);
    expect(empty.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(empty.stderr).toContain("line 1: not valid JSON");
    expect(empty.stderr).toContain("line 2: expected a JSON object, got an array");
    expect(empty.stderr).toContain("no valid decisions in 2 lines");
    expect(empty.stdout).toBe("");
  });

  it("rejects invalid and conflicting options before reading anything", async () => {
    // Arrange
    const log = logFile("options.jsonl", history());
    const html = path.join(dir, "never.html");

    // Act
    const target = await runReplay(["--log", log, "--target-error", "2", "--html", html]);
    const conflict = await runReplay(["--log", log, "--thresholds", "0.9", "--from", "0.6"]);
    const cost = await runReplay(["--log", log, "--per-review-usd", "1", "--hourly-rate", "40"]);
    const range = await runReplay(["--log", log, "--from", "0.9", "--to", "0.8"]);
    const level = await runReplay(["--log", log, "--confidence", "1"]);

    // Assert
    expect(target.error?.message).toMatch(/--target-error <rate>.*must be a number between 0 and 1/);
    expect(conflict.error?.message).toMatch(/--thresholds <list>' cannot be used with option '--from/);
    expect(cost.error?.message).toMatch(/--per-review-usd <usd>' cannot be used with option '--hourly-rate/);
    expect(level.error?.message).toMatch(/--confidence <level>.*must be a number strictly between 0 and 1/);
    expect(range.exitCode).toBe(EXIT_INVALID_INPUT);
    expect(range.stderr).toContain("from (0.9) must not exceed to (0.8)");
    expect(existsSync(html)).toBe(false);
  });

  it("notes an always-human topic that no decision has, since topics match exactly", async () => {
    // Arrange
    const log = logFile("topics.jsonl", history());

    // Act
    const run = await runReplay([
      "--log",
      log,
      "--thresholds",
      "0.9",
      "--always-human-topics",
      "Legal",
      "--format",
      "csv",
    ]);

    // Assert
    expect(run.stderr).toContain("note: no decision has topic Legal (topics match exactly)");
  });

  it("replays the committed example and shows an example in its help", async () => {
    // Act
    const run = await runReplay(["--log", path.join(repoRoot, "examples/history.jsonl"), "--format", "json"]);
    const help = await runReplay(["--help"]);

    // Assert
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ linesRead: 2000, decisions: 1995, badLineCount: 5 });
    expect(json.badLines.map((bad: { line: number }) => bad.line)).toEqual([118, 731, 1204, 1650, 1999]);
    expect(json.recommendation.met).toBe(true);
    expect(help.stdout).toContain("hitl replay --log examples/history.jsonl --target-error 0.02");
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriesOf } from "../../app/src/logic";
import { typedFeedbackShares } from "../../app/src/typed-feedback-logic";
import { renderReportHtml } from "../../cli/render/report-html";
import type { ExperimentReport } from "../../core/report/types";
import { launchBrowser } from "../support/browser";
import { typedFeedbackReport } from "../support/typed-feedback-report";
import { call, cloud, createExperiment, eventually, uid } from "./support";

const run = promisify(execFile);
const DECISIONS = 30;
const dir = mkdtempSync(path.join(tmpdir(), "hitl-report-file-"));

/** Sends decisions with confidences over [0.6, 1) (each arm automates some, holds some); returns the automated ones. */
async function sendDecisions(experimentId: string): Promise<string[]> {
  const automated: string[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const body = {
      experimentId,
      unitId: uid("unit"),
      decisionId: uid("d"),
      item: { topic: "billing", amount: i },
      prediction: {
        label: "approve",
        confidence: 0.6 + (0.4 * i) / DECISIONS,
        modelVersion: "m-file",
        costUsd: 0.002,
      },
    };
    // A 5xx (a cold start past a timeout on a loaded machine) is retried with the same decisionId.
    for (let attempt = 1; ; attempt++) {
      const answer = await call<{ route?: string }>("POST", "/v1/decisions", { role: "producer", body });
      if (answer.status === 200) {
        if (answer.body.route === "auto") automated.push(body.decisionId);
        break;
      }
      if (answer.status < 500 || attempt === 3)
        throw new Error(`decision refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
  return automated;
}

const report = async (id: string) =>
  (await call<ExperimentReport>("GET", `/v1/experiments/${id}/report`, { role: "analyst" })).body;

interface DrawnChart {
  type: string;
  labels: unknown[];
  datasets: { label: string; data: unknown[] }[];
}

interface Opened {
  charts: Record<string, DrawnChart>;
  /** [canvas id, whether anything is painted on it] in page order. */
  painted: [string, boolean][];
  headline: string | null;
  /** Console errors, page errors and CSP violations. */
  seen: string[];
  /** Requests other than the file (refused). */
  requested: string[];
}

/** Opens a report file in a context that refuses every request but the file's, and reads what it drew. */
async function openOffline(browser: Browser, file: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const requested: string[] = [];
  await context.route(
    (url) => url.protocol !== "file:",
    (route) => {
      requested.push(route.request().url());
      return route.abort();
    },
  );
  const page = await context.newPage();
  const seen: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.text().includes("Content Security Policy"))
      seen.push(message.text());
  });
  page.on("pageerror", (error) => seen.push(error.message));
  await page.goto(pathToFileURL(file).href);
  await page.locator("#chart-cost-series").waitFor();
  const charts = (await page.evaluate(`Object.fromEntries(
    Object.entries(window.hitlReportCharts).map(([id, chart]) => [id, {
      type: chart.config.type,
      labels: chart.data.labels ?? [],
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
    }]))`)) as Record<string, DrawnChart>;
  const painted = (await page.evaluate(`[...document.querySelectorAll("canvas")].map((canvas) => {
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    return [canvas.id, canvas.width > 0 && data.some((value, i) => i % 4 === 3 && value > 0)];
  })`)) as [string, boolean][];
  const headline = await page.locator(".answer").textContent();
  await context.close();
  return { charts, painted, headline, seen, requested };
}

describe("the HTML report file in a browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens a `hitl report --format html` file offline and finds the experiment page's charts drawn with the API's numbers", async () => {
    // Arrange: a running experiment with traffic, and ground truth for its automated decisions
    // (one against the model), so both arms have automation, quality and cost to draw.
    const id = await createExperiment({}, uid("file"));
    const automated = await sendDecisions(id);
    expect(automated.length).toBeGreaterThan(1);
    for (const [i, decisionId] of automated.entries()) {
      const truth = await call("POST", `/v1/decisions/${decisionId}/ground-truth`, {
        role: "producer",
        body: { label: i === 0 ? "deny" : "approve", source: "report-file-test" },
      });
      expect(truth.status).toBe(200);
    }
    await eventually(
      async () => {
        const r = await report(id);
        const counted = r.arms.reduce((s, a) => s + a.decisions, 0) === DECISIONS;
        const truths = r.arms.reduce((s, a) => s + a.decisionQuality.outcomes.groundTruth, 0);
        return counted && truths === automated.length ? r : undefined;
      },
      30_000,
      "the counters to count every decision and ground truth",
    );
    const file = path.join(dir, "report.html");
    await run(process.execPath, ["bin/hitl.mjs", "report", id, "--format", "html", "--out", file], {
      env: { ...process.env, HITL_API_URL: cloud.apiUrl, HITL_TOKEN: cloud.tokens.analyst },
    });
    const api = await report(id);

    // Act
    const { charts, painted, headline, seen, requested } = await openOffline(browser, file);

    // Assert
    expect(painted).toEqual([
      ["chart-quality", true],
      ["chart-cost", true],
      ["chart-automation", true],
      ["chart-cost-series", true],
    ]);
    expect(headline).toBe(api.recommendation.headline);
    const dataOf = (chart: string, label: string) =>
      charts[chart]?.datasets.find((d) => d.label === label)?.data;
    expect(charts["chart-quality"]?.type).toBe("scatter");
    // Each arm with an automation rate and a quality at decision time is a point (an arm whose few
    // decisions were all held has no quality yet and no point); after corrections an open circle.
    const plotted = api.arms.filter(
      (a) => a.automationRate.value !== null && a.decisionQuality.value !== null,
    );
    expect(plotted.length).toBeGreaterThan(0);
    for (const arm of api.arms) {
      const point = plotted.includes(arm)
        ? [{ x: arm.automationRate.value, y: arm.decisionQuality.value }]
        : undefined;
      expect(dataOf("chart-quality", arm.arm)).toEqual(point);
      const after = arm.quality.value;
      if (point && after !== null && after !== arm.decisionQuality.value)
        expect(dataOf("chart-quality", `${arm.arm} after corrections`)).toEqual([
          { x: arm.automationRate.value, y: after },
        ]);
    }
    for (const component of ["model", "human", "infrastructure"] as const)
      expect(dataOf("chart-cost", component)).toEqual(api.arms.map((a) => a.cost.perDecision[component]));
    const series = seriesOf(api);
    expect(charts["chart-automation"]?.labels).toEqual(series.labels);
    for (const [i, arm] of series.automation.entries()) {
      expect(dataOf("chart-automation", arm.arm)).toEqual(arm.values);
      expect(dataOf("chart-cost-series", arm.arm)).toEqual(series.costPerDecision[i]?.values);
    }
    expect(seen).toEqual([]);
    expect(requested).toEqual([]);
  }, 180_000);

  it("draws the typed feedback's shares with the app's chart beside that feedback's tables", async () => {
    // Arrange: an approval + correction experiment with two settled reviews (the report from the
    // review desk's own steps; the chart reads only the report).
    const r = await typedFeedbackReport([
      { approval: { action: "reject" }, correction: { accepted: true } },
      { approval: { action: "approve" }, correction: { accepted: false, output: { to: "dev" } } },
    ]);
    const file = path.join(dir, "typed-feedback.html");
    writeFileSync(file, renderReportHtml(r));

    // Act
    const { charts, painted, seen, requested } = await openOffline(browser, file);

    // Assert
    expect(painted).toContainEqual(["chart-typed-feedback", true]);
    const rows = typedFeedbackShares(r);
    expect(rows.length).toBeGreaterThan(1);
    const points = charts["chart-typed-feedback"]?.datasets.filter((d) => !d.label.endsWith(" interval"));
    expect(points?.map((d) => [d.label, d.data])).toEqual(
      rows.map((row, y) => [row.label, [{ x: row.share.value, y }]]),
    );
    expect(seen).toEqual([]);
    expect(requested).toEqual([]);
  });
});

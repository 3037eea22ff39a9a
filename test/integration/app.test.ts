import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPoints, formatRateRange } from "../../app/src/logic";
import { financeTable, renderFinanceCsv } from "../../cli/render/finance";
import type { ExperimentReport } from "../../core/report/types";
import { launchBrowser } from "../support/browser";
import { call, cloud, createExperiment, eventually, uid } from "./support";

const DECISIONS = 40;

/** Sends `count` decisions with confidences spread over [0.6, 1), so each arm automates some and holds some; returns the automated ones. */
async function sendDecisions(experimentId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const send = async (i: number) => {
    const body = {
      experimentId,
      unitId: uid("unit"),
      decisionId: uid("d"),
      item: { topic: "billing", amount: 10 + i },
      prediction: {
        label: "approve",
        confidence: 0.6 + (0.4 * i) / count,
        modelVersion: "m-app",
        costUsd: 0.002,
      },
    };
    // A 5xx (a cold start past a timeout on a loaded machine) is retried with the same decisionId,
    // as a producer would: the API answers a retry with the first answer, counted once.
    for (let attempt = 1; ; attempt++) {
      const answer = await call("POST", "/v1/decisions", { role: "producer", body });
      if (answer.status === 200) {
        if ((answer.body as { route?: string }).route === "auto") ids.push(body.decisionId);
        return;
      }
      if (answer.status < 500 || attempt === 3)
        throw new Error(`decision refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  };
  // One at a time: parallel first calls would each cold-start a worker of the same functions.
  for (let i = 0; i < count; i++) await send(i);
  return ids;
}

const report = async (id: string) =>
  (await call<ExperimentReport>("GET", `/v1/experiments/${id}/report`, { role: "analyst" })).body;

/** Errors the page logs or throws, and CSP violations (none expected). */
function problems(page: Page): string[] {
  const found: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.text().includes("Content Security Policy"))
      found.push(message.text());
  });
  page.on("pageerror", (error) => found.push(error.message));
  return found;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${cloud.apiUrl}/app`);
  await page.getByLabel("Bearer token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Whether a canvas has any painted pixel: Chart.js drew on it (run in the page, which has a DOM). */
const painted = (page: Page, id: string) =>
  page.evaluate(`(() => {
    const canvas = document.getElementById(${JSON.stringify(id)});
    const context = canvas && canvas.getContext("2d");
    if (!context || canvas.width === 0) return false;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    return data.some((value, i) => i % 4 === 3 && value > 0);
  })()`);

const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);

describe("the web app in a browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows an analyst the experiments and an experiment's live report with the API's numbers, charts (the sequential interval over time too) and versions", async () => {
    // Arrange: a running experiment with traffic and a second config version.
    const id = await createExperiment({}, uid("app"));
    const automated = await sendDecisions(id, DECISIONS);
    // Ground truth for every automated decision (no audits run here, so nothing is left to estimate),
    // one of them against the model: both qualities are counted and have numbers to show.
    expect(automated.length).toBeGreaterThan(1);
    for (const [i, decisionId] of automated.entries()) {
      const truth = await call("POST", `/v1/decisions/${decisionId}/ground-truth`, {
        role: "producer",
        body: { label: i === 0 ? "deny" : "approve", source: "app-test" },
      });
      expect(truth.status).toBe(200);
    }
    const config = (await call<Record<string, unknown>>("GET", `/v1/experiments/${id}`, { role: "admin" }))
      .body;
    const arms = config.arms as { id: string; policy: Record<string, unknown> }[];
    const changed = await call("PUT", `/v1/experiments/${id}`, {
      role: "admin",
      body: {
        ...config,
        arms: arms.map((a) =>
          a.id === "aggressive" ? { ...a, policy: { ...a.policy, autoAcceptAbove: 0.85 } } : a,
        ),
      },
    });
    expect(changed.status).toBe(200);
    const api = await eventually(
      async () => {
        const r = await report(id);
        const counted = r.arms.reduce((s, a) => s + a.decisions, 0) === DECISIONS;
        const truths = r.arms.reduce((s, a) => s + a.decisionQuality.outcomes.groundTruth, 0);
        return counted && truths === automated.length ? r : undefined;
      },
      30_000,
      "the counters to count every decision",
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = problems(page);

    // Act
    await signIn(page, cloud.tokens.analyst);
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    const row = page.locator("#experiments-table tbody tr").filter({ hasText: id });
    const listed = await row.locator("td").allTextContents();
    await row.getByRole("link", { name: id }).click();
    await page.getByRole("heading", { name: `Experiment ${id}` }).waitFor();
    const headline = await page.locator("#headline").textContent();
    const armRows = await page
      .locator("#arms-table tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("th, td")].map((cell) => cell.textContent ?? "")),
      );
    const definitions = await page.locator("#quality-definitions").textContent();
    const newestSequential = await page
      .locator("#sequential-table-aggressive tbody tr")
      .first()
      .locator("th, td")
      .allTextContents();
    const sequentialChart = await painted(page, "chart-sequential-aggressive");
    const charts = await Promise.all(
      ["chart-quality", "chart-cost", "chart-automation", "chart-cost-series"].map((c) => painted(page, c)),
    );
    const versions = await page.locator("#versions").textContent();
    await page.goto(`${cloud.apiUrl}/app#/finance/${encodeURIComponent(id)}`);
    await page.getByRole("heading", { name: "Finance" }).waitFor();
    await page.locator("#finance-totals").waitFor();
    const totals = await page
      .locator("#finance-totals tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll("th, td")].map((cell) => cell.textContent ?? "")),
      );
    const financeChart = await painted(page, "chart-finance");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const csv = readFileSync(await download.path(), "utf8");
    const now = await report(id);
    const problemsBeforeQueues = [...seen];
    await page.goto(`${cloud.apiUrl}/app#/queues`);
    const queuesRefused = await page.locator("#queues-refused").textContent();

    // Assert
    expect(listed[0]).toBe("running");
    expect(listed[3]).toBe(String(DECISIONS));
    expect(listed[4]).toBe(api.recommendation.headline);
    expect(headline).toBe(api.recommendation.headline);
    expect(armRows.map((cells) => [cells[0], cells[1], cells[2]])).toEqual(
      api.arms.map((a) => [
        `${a.arm}${a.control ? " (control)" : ""}`,
        String(a.decisions),
        percent(a.automationRate.value),
      ]),
    );
    // Both qualities with their intervals, decision time first (what comparisons use), as the API reports them.
    expect(armRows.map((cells) => cells.slice(4, 8))).toEqual(
      api.arms.map((a) => [
        percent(a.decisionQuality.value),
        formatRateRange(a.decisionQuality.interval),
        percent(a.quality.value),
        formatRateRange(a.quality.interval),
      ]),
    );
    expect(api.arms.filter((a) => a.decisionQuality.value !== null).length).toBeGreaterThan(0);
    expect(definitions).toContain(api.arms[0]?.decisionQuality.definition.replace(/^[^:]*: /, ""));
    expect(definitions).toContain(api.arms[0]?.quality.definition.replace(/^[^:]*: /, ""));
    expect(charts).toEqual([true, true, true, true]);
    // The newest sequential interval of each charted metric, as the API's series ends.
    const series = api.comparisons.find((c) => c.arm === "aggressive")?.sequentialOverTime;
    const newest = (metric: string) => series?.metrics.find((m) => m.metric === metric)?.points.at(-1);
    expect(series?.grain).toBe("hour");
    expect(newestSequential.slice(1)).toEqual(
      ["automationRate", "decisionQuality"].flatMap((metric) => {
        const p = newest(metric);
        return [formatPoints(p?.difference), `${formatPoints(p?.ci[0])} to ${formatPoints(p?.ci[1])}`];
      }),
    );
    expect(newest("automationRate")?.ci).toEqual(
      api.comparisons.find((c) => c.arm === "aggressive")?.metrics.find((m) => m.metric === "automationRate")
        ?.sequential.ci,
    );
    expect(sequentialChart).toBe(true);
    expect(versions).toContain("Version 2");
    expect(versions).toContain("arms[1].policy.autoAcceptAbove: 0.8 → 0.85");
    expect(totals).toEqual(financeTable(now).rows);
    expect(financeChart).toBe(true);
    expect(csv).toBe(renderFinanceCsv(now));
    expect(queuesRefused).toBe("Forbidden (HTTP 403): the queues need the admin or reviewer role.");
    expect(problemsBeforeQueues).toEqual([]);
    // The browser itself logs the refused call; the page shows it and logs nothing else.
    expect(seen).toEqual(["Failed to load resource: the server responded with a status of 403 (Forbidden)"]);
    await page.close();
    // Cold starts of every function on a loaded 2-core machine can take most of a minute.
  }, 180_000);

  it("signs a person in through the local sign-in page (code + PKCE) as a chosen role and identity, and out again", async () => {
    // Arrange
    const page = await browser.newPage();
    const seen = problems(page);
    await page.goto(`${cloud.apiUrl}/app#/experiments`);

    // Act
    await page.getByRole("button", { name: "Go to the sign-in page" }).click();
    await page.getByRole("heading", { name: "Local sign-in" }).waitFor();
    await page.getByRole("radio", { name: "analyst" }).check();
    await page.getByLabel("Identity").fill("analyst-7");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    const who = await page.locator("#who-name").textContent();
    const address = page.url();
    const stored = await page.evaluate("Object.keys(sessionStorage).some((k) => k.startsWith('oidc.user:'))");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Go to the sign-in page" }).waitFor();

    // Assert
    expect(who).toBe("Signed in as analyst-7");
    expect(address).toBe(`${cloud.apiUrl}/app#/experiments`);
    expect(stored).toBe(true);
    expect(await page.evaluate("Object.keys(sessionStorage).some((k) => k.startsWith('oidc.user:'))")).toBe(
      false,
    );
    expect(seen).toEqual([]);
    await page.close();
  });

  it("shows an admin every queue and tier with the API's depth, age and SLA counts, now and over time", async () => {
    // Arrange: one held item in a queue of its own.
    const queue = uid("app-queue");
    const id = await createExperiment({}, queue);
    const held = await call<{ route: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId: id,
        unitId: uid("unit"),
        decisionId: uid("d"),
        item: { topic: "legal" },
        prediction: { label: "approve", confidence: 0.99 },
      },
    });
    expect(held.body.route).toBe("human");
    await eventually(
      async () => {
        const q = await call<{ queues: { queue: string; depth: number }[] }>("GET", "/v1/queues", {
          role: "admin",
        });
        return q.body.queues.find((s) => s.queue === queue)?.depth === 1 ? true : undefined;
      },
      30_000,
      "the held item to reach its queue",
    );
    const page = await browser.newPage();
    const seen = problems(page);

    // Act
    await signIn(page, cloud.tokens.admin);
    await page.getByRole("heading", { name: "Experiments" }).waitFor();
    await page.getByRole("link", { name: "Queues" }).click();
    await page.locator("#queues-table").waitFor();
    const row = await page
      .locator("#queues-table tbody tr")
      .filter({ hasText: queue })
      .locator("th, td")
      .allTextContents();
    const chart = await painted(page, "chart-queues");
    const option = await page
      .locator("#history-series option")
      .filter({ hasText: `${queue} (` })
      .textContent();
    await page.locator("#history-series").selectOption({ label: option ?? "" });
    await page
      .locator("#history-table")
      .filter({ hasText: `${queue} (` })
      .waitFor();
    const newest = await page.locator("#history-table tbody tr").first().locator("th, td").allTextContents();
    const historyCharts = await Promise.all(
      ["chart-queue-history", "chart-queue-sla"].map((c) => painted(page, c)),
    );
    const api = await call<{
      queues: { queue: string; points: { depth: number; nearSla: number; pastSla: number }[] }[];
    }>("GET", `/v1/queues/history?queue=${queue}`, { role: "admin" });
    const apiNewest = api.body.queues.find((q) => q.queue === queue)?.points.at(-1);

    // Assert
    expect(row).toEqual([queue, queue, "first", "1", expect.stringMatching(/^\d+ (s|min)$/), "0", "0"]);
    expect(chart).toBe(true);
    expect(option).toBe(`${queue} (tier-1)`);
    expect(newest).toEqual([
      expect.stringMatching(/^\d\d:\d\d$/),
      String(apiNewest?.depth),
      expect.stringMatching(/^\d+ (s|min)$/),
      String(apiNewest?.nearSla),
      String(apiNewest?.pastSla),
    ]);
    expect(apiNewest?.depth).toBe(1);
    expect(historyCharts).toEqual([true, true]);
    expect(seen).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows the ML team the corrections of a model version and their acknowledgement, and exports them", async () => {
    // Arrange: one held decision of a model version of its own, decided against the model, then acknowledged.
    const queue = uid("app-ml");
    const experimentId = await createExperiment({}, queue);
    const model = uid("m-app");
    const decisionId = uid("d");
    const routed = await call<{ reviewId: string }>("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("unit"),
        decisionId,
        item: { topic: "legal" },
        prediction: { label: "approve", confidence: 0.9, modelVersion: model },
      },
    });
    await eventually(
      async () => {
        const claim = await call<{ review: { reviewId: string } | null }>(
          "POST",
          `/v1/queues/${queue}/claim`,
          {
            token: cloud.identities.r13,
          },
        );
        return claim.body.review?.reviewId === routed.body.reviewId ? true : undefined;
      },
      30_000,
      "the held item to be claimable",
    );
    await call("POST", `/v1/reviews/${routed.body.reviewId}/verdict`, {
      token: cloud.identities.r13,
      body: { label: "deny" },
    });
    const feedbackId = `fb-review-${decisionId}`;
    await eventually(
      async () => {
        const ack = await call<{ acknowledged: number }>("POST", "/v1/feedback/ack", {
          role: "ml",
          body: { feedbackIds: [feedbackId], modelVersion: `${model}-next`, stage: "training" },
        });
        return ack.status === 200 ? true : undefined;
      },
      30_000,
      "the correction to be acknowledged",
    );
    const page = await browser.newPage();
    const seen = problems(page);

    // Act
    await signIn(page, cloud.tokens.ml);
    await page.getByRole("heading", { name: "ML feedback" }).waitFor();
    const row = await page
      .locator("#ml-versions tbody tr")
      .filter({ hasText: model })
      .locator("th, td")
      .allTextContents();
    const acks = await page
      .locator("#ml-acks tbody tr")
      .filter({ hasText: `${model}-next` })
      .locator("th, td")
      .allTextContents();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download the export (JSON Lines)" }).click(),
    ]);
    const lines = readFileSync(await download.path(), "utf8")
      .trimEnd()
      .split("\n");

    // Assert: produced 1; training acknowledged 1 (100%); evaluation and deployed none.
    expect(row.slice(0, 5)).toEqual([model, "1", "1", "100.0%", expect.stringMatching(/^\d+\.\d h$/)]);
    expect(row.slice(5, 7)).toEqual(["0", "0.0%"]);
    expect(acks).toEqual(["training", `${model}-next`, "1"]);
    const exported = lines.map((line) => JSON.parse(line) as { feedbackId: string });
    expect(exported.filter((r) => r.feedbackId === feedbackId)).toHaveLength(1);
    // Signing in tries the experiments first, which an ml token may not read: the browser logs that 403.
    expect(seen).toEqual(["Failed to load resource: the server responded with a status of 403 (Forbidden)"]);
    await page.close();
  }, 120_000);

  it("has no serious or critical accessibility violation on any page (axe-core)", async () => {
    // Arrange: axe is injected as a script, which the pages' CSP would refuse: this context bypasses it.
    const id = await createExperiment({}, uid("app-axe"));
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const axe = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    const audit = async (what: string) => {
      await page.addScriptTag({ content: axe });
      const found = (await page.evaluate(
        "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))",
      )) as { id: string; impact: string; nodes: number }[];
      return found
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${what}: ${v.id}`);
    };

    // Act
    const violations: string[] = [];
    await page.goto(`${cloud.apiUrl}/app`);
    await page.getByRole("button", { name: "Go to the sign-in page" }).waitFor();
    violations.push(...(await audit("sign-in")));
    await page.getByLabel("Bearer token").fill(cloud.tokens.admin);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#experiments-table").waitFor();
    violations.push(...(await audit("experiments")));
    for (const [hash, ready] of [
      [`#/experiments/${id}`, "#arms-table"],
      [`#/finance/${id}`, "#finance-totals"],
      // The queues with their history loaded, and the editor with its fields.
      ["#/queues", '#history-status:not(:has-text("Loading"))'],
      [`#/edit/${id}`, "#field-0"],
      // An admin may not read the corrections: the page says so (the ML page with data is checked above).
      ["#/ml", '#page-title:has-text("ML feedback")'],
    ] as const) {
      await page.goto(`${cloud.apiUrl}/app${hash}`);
      await page.locator(ready).waitFor();
      violations.push(...(await audit(hash)));
    }

    // Assert
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);

  it("refuses a reviewer's token with the API's reason and keeps nothing", async () => {
    // Arrange
    const page = await browser.newPage();

    // Act
    await signIn(page, cloud.tokens.reviewer);
    const alert = page.getByRole("alert");
    await alert.waitFor();

    // Assert
    expect(await alert.textContent()).toContain("Forbidden (HTTP 403)");
    expect(await alert.textContent()).toContain("hitl/analyst, hitl/admin or hitl/ml");
    expect(await page.evaluate("sessionStorage.length")).toBe(0);
    await page.close();
  });

  it("serves the page without a token, with its security headers", async () => {
    // Act
    const response = await fetch(`${cloud.apiUrl}/app`);

    // Assert
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(
      /^default-src 'none'; script-src 'sha256-/,
    );
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(await response.text()).toContain("<title>hitl-lab</title>");
  });
});

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExperimentReport } from "../../core/report/types";
import { launchBrowser } from "../support/browser";
import { call, cloud, createExperiment, eventually, uid } from "./support";

const DECISIONS = 40;

/** Sends `count` decisions with confidences spread over [0.6, 1), so each arm automates some and holds some. */
async function sendDecisions(experimentId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const answer = await call("POST", "/v1/decisions", {
      role: "producer",
      body: {
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
      },
    });
    if (answer.status !== 200)
      throw new Error(`decision refused: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
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

  it("shows an analyst the experiments and an experiment's live report with the API's numbers, charts and versions", async () => {
    // Arrange: a running experiment with traffic and a second config version.
    const id = await createExperiment({}, uid("app"));
    await sendDecisions(id, DECISIONS);
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
        return r.arms.reduce((s, a) => s + a.decisions, 0) === DECISIONS ? r : undefined;
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
    const charts = await Promise.all(
      ["chart-quality", "chart-cost", "chart-automation", "chart-cost-series"].map((c) => painted(page, c)),
    );
    const versions = await page.locator("#versions").textContent();
    if (process.env.APP_SCREENSHOT)
      await page.screenshot({ path: process.env.APP_SCREENSHOT, fullPage: true });

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
    expect(charts).toEqual([true, true, true, true]);
    expect(versions).toContain("Version 2");
    expect(versions).toContain("arms[1].policy.autoAcceptAbove: 0.8 → 0.85");
    expect(seen).toEqual([]);
    await page.close();
  });

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
    expect(await page.evaluate("Object.keys(sessionStorage).some((k) => k.startsWith('oidc.user:'))")).toBe(false);
    expect(seen).toEqual([]);
    await page.close();
  });

  it("refuses a reviewer's token with the API's reason and keeps nothing", async () => {
    // Arrange
    const page = await browser.newPage();

    // Act
    await signIn(page, cloud.tokens.reviewer);
    const alert = page.getByRole("alert");
    await alert.waitFor();

    // Assert
    expect(await alert.textContent()).toContain("Forbidden (HTTP 403)");
    expect(await alert.textContent()).toContain("hitl/analyst or hitl/admin");
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

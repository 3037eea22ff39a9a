import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignArm } from "../../core/assignment/assign";
import type { Experiment } from "../../core/experiments/schema";
import { launchBrowser } from "../support/browser";
import { call, cloud, createExperiment, uid } from "./support";

async function openEditor(page: Page, token: string, id: string): Promise<void> {
  await page.goto(`${cloud.apiUrl}/app`);
  await page.getByLabel("Bearer token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Experiments" }).waitFor();
  await page.goto(`${cloud.apiUrl}/app#/edit/${encodeURIComponent(id)}`);
  await page.getByRole("heading", { name: `Change ${id}` }).waitFor();
}

const editable = (e: Experiment) => {
  const { version: _v, createdAt: _c, updatedAt: _u, ...config } = e;
  return config;
};

describe("changing an experiment in the web app", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows the API's field messages for a bad config at their fields, previews assignment and the diff, and saves a good one as a new version", async () => {
    // Arrange
    const id = await createExperiment({}, uid("app-edit"));
    const current = (await call<Experiment>("GET", `/v1/experiments/${id}`, { role: "admin" })).body;
    // Two problems: arm 0's threshold and arm 1's audit rate are out of range.
    const bad = {
      ...editable(current),
      arms: current.arms.map((a, i) => ({
        ...a,
        policy: { ...a.policy, ...(i === 0 ? { autoAcceptAbove: 2 } : { auditRate: 7 }) },
      })),
    };
    const good = {
      ...editable(current),
      arms: current.arms.map((a) =>
        a.id === "aggressive" ? { ...a, policy: { ...a.policy, autoAcceptAbove: 0.85 } } : a,
      ),
    };
    const apiAnswer = await call<{
      error: { message: string; details: { path: string; message: string }[] };
    }>("PUT", `/v1/experiments/${id}`, { role: "admin", body: bad });
    const page = await browser.newPage();
    await openEditor(page, cloud.tokens.admin, id);

    // Act
    await page.getByLabel("Experiment config (JSON)").fill(JSON.stringify(bad, null, 2));
    await page.getByRole("button", { name: "Save as a new version" }).click();
    await page.getByRole("alert").waitFor();
    const alert = await page.getByRole("alert").textContent();
    const fieldErrors = await page.locator("#field-errors li").allTextContents();
    // Every field the API named: marked invalid, described by the API's message; the first has the focus.
    const atFields = await page.locator("#fields input[aria-invalid='true']").evaluateAll((inputs) =>
      inputs.map((input) => ({
        path: input.getAttribute("data-path"),
        message: input.ownerDocument.getElementById(input.getAttribute("aria-describedby") ?? "")
          ?.textContent,
        focused: input.ownerDocument.activeElement === input,
      })),
    );
    // Fixing a field changes the JSON.
    await page.getByLabel("arms[0].policy.autoAcceptAbove", { exact: true }).fill("0.95");
    await page.getByLabel("arms[1].policy.auditRate", { exact: true }).fill("0");
    await page.getByLabel("arms[1].policy.auditRate", { exact: true }).blur();
    const fixed = JSON.parse(await page.getByLabel("Experiment config (JSON)").inputValue()) as Experiment;
    await page.getByLabel("Experiment config (JSON)").fill(JSON.stringify(good, null, 2));
    await page.getByLabel("Unit id").fill("customer-42");
    await page.getByRole("button", { name: "Which arm?" }).click();
    const assigned = await page.locator("#assigned").textContent();
    await page.getByRole("button", { name: "Show the changes" }).click();
    const changes = await page.locator("#changes li").allTextContents();
    await page.getByRole("button", { name: "Save as a new version" }).click();
    await page.getByRole("heading", { name: `Experiment ${id}` }).waitFor();

    // Assert
    expect(apiAnswer.status).toBe(400);
    expect(alert).toBe(`Not saved: ${apiAnswer.body.error.message}`);
    expect(fieldErrors).toEqual(apiAnswer.body.error.details.map((d) => `${d.path}: ${d.message}`));
    expect(fieldErrors.length).toBeGreaterThan(0);
    expect(atFields).toEqual(
      apiAnswer.body.error.details.map((d, i) => ({ path: d.path, message: d.message, focused: i === 0 })),
    );
    expect(apiAnswer.body.error.details.map((d) => d.path)).toEqual([
      "arms[0].policy.autoAcceptAbove",
      "arms[1].policy.auditRate",
    ]);
    expect([fixed.arms[0]?.policy.autoAcceptAbove, fixed.arms[1]?.policy.auditRate]).toEqual([0.95, 0]);
    const arm = assignArm(current, "customer-42");
    expect(assigned).toBe(`customer-42 → ${arm.armId} (bucket ${arm.bucket.toFixed(4)})`);
    expect(changes).toEqual(["arms[1].policy.autoAcceptAbove: 0.8 → 0.85"]);
    const saved = (await call<Experiment>("GET", `/v1/experiments/${id}`, { role: "admin" })).body;
    expect(saved.version).toBe(2);
    expect(saved.arms[1]?.policy.autoAcceptAbove).toBe(0.85);
    await page.close();
  }, 120_000);

  it("lets an analyst read the form but not save: the API's 403, and no new version", async () => {
    // Arrange
    const id = await createExperiment({}, uid("app-edit-analyst"));
    const page = await browser.newPage();
    await openEditor(page, cloud.tokens.analyst, id);

    // Act
    await page.getByRole("button", { name: "Save as a new version" }).click();
    await page.getByRole("alert").waitFor();

    // Assert
    expect(await page.getByRole("alert").textContent()).toBe("Not saved: Forbidden (HTTP 403)");
    const after = (await call<Experiment>("GET", `/v1/experiments/${id}`, { role: "admin" })).body;
    expect(after.version).toBe(1);
    await page.close();
  }, 120_000);
});

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { call, cloud, createExperiment, eventually, uid } from "./support";

interface Claimed {
  review: { reviewId: string } | null;
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${cloud.apiUrl}/console`);
  await page.getByLabel("Bearer token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Queues" }).waitFor();
}

describe("the console's team quality page", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows an admin every reviewer's scorecard per queue, and a reviewer why not", async () => {
    // Arrange: reviewer-9 decides one held item of a queue of this suite's own
    const queue = uid("team");
    const experimentId = await createExperiment({}, queue);
    await call("POST", "/v1/decisions", {
      role: "producer",
      body: {
        experimentId,
        unitId: uid("unit"),
        item: { topic: "legal" },
        prediction: { label: "approve", confidence: 0.9 },
      },
    });
    const token = cloud.identities.r9 ?? "";
    const claimed = await eventually(
      async () =>
        (await call<Claimed>("POST", `/v1/queues/${queue}/claim`, { token })).body.review ?? undefined,
      60_000,
      "the held item to claim",
    );
    await call("POST", `/v1/reviews/${claimed.reviewId}/verdict`, { token, body: { label: "deny" } });
    const admin = await browser.newPage();
    const reviewer = await browser.newPage();

    // Act: the admin asks until the verdict is counted; the reviewer asks once
    await signIn(admin, cloud.tokens.admin);
    const row = admin.locator("#team-rows tr", { hasText: queue }).filter({ hasText: "reviewer-9" });
    await eventually(
      async () => {
        await admin.getByRole("button", { name: "Show every reviewer (admins)" }).click();
        return (await row.count()) > 0 ? true : undefined;
      },
      60_000,
      "reviewer-9's row on the team page",
    );
    await signIn(reviewer, token);
    await reviewer.getByRole("button", { name: "Show every reviewer (admins)" }).click();
    const refused = reviewer.locator("#team-empty");
    await refused.waitFor();

    // Assert
    const cells = await row.first().locator("td").allTextContents();
    expect(cells.slice(0, 4)).toEqual(["reviewer-9", queue, "not judged", "1"]);
    expect(await admin.getByRole("columnheader", { name: "Gold right" }).first().isVisible()).toBe(true);
    expect(await refused.textContent()).toContain("Only admins see every reviewer's scorecard");
    expect(await reviewer.locator("#team-table").isVisible()).toBe(false);
    await admin.close();
    await reviewer.close();
  }, 180_000);
});

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { call, cloud, createExperiment, eventually, uid } from "./support";

interface ReviewAnswer {
  review: {
    status: string;
    positions?: unknown;
    context: { prediction?: { candidates?: unknown[] } };
    verdicts: { label: string; feedback?: Record<string, unknown> }[];
  } | null;
}

/** Holds one generated decision (topic legal) and waits until it is claimable. */
async function holdItem(experimentId: string, prediction: Record<string, unknown>) {
  const answer = await call<{ reviewId: string; route: string }>("POST", "/v1/decisions", {
    role: "producer",
    body: {
      experimentId,
      unitId: uid("unit"),
      item: { topic: "legal", prompt: "Reply to the customer" },
      prediction: { confidence: 0.5, ...prediction },
    },
  });
  if (answer.body.route !== "human") throw new Error(`not held: ${JSON.stringify(answer.body)}`);
  const { reviewId } = answer.body;
  await eventually(
    async () => {
      const r = await call<ReviewAnswer>("GET", `/v1/reviews/${reviewId}`, { role: "reviewer" });
      return r.body.review?.status === "pending" ? true : undefined;
    },
    20_000,
    "the held item to reach its queue",
  );
  return reviewId;
}

async function signInAndClaim(page: Page, token: string, queue: string, reviewId: string): Promise<void> {
  await page.goto(`${cloud.apiUrl}/console`);
  await page.getByLabel("Bearer token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Queues" }).waitFor();
  await page.getByRole("button", { name: `Claim next item from ${queue}` }).click();
  await page.getByRole("heading", { name: `Review ${reviewId}` }).waitFor();
}

async function statusOf(page: Page): Promise<string> {
  const status = page.locator("#status:not(:empty)");
  const alert = page.getByRole("alert");
  await status.or(alert).first().waitFor();
  return (await alert.isVisible())
    ? `alert: ${await alert.textContent()}`
    : String(await status.textContent());
}

const verdictOf = async (reviewId: string) =>
  (await call<ReviewAnswer>("GET", `/v1/reviews/${reviewId}`, { role: "admin" })).body.review?.verdicts[0];

describe("typed feedback in the reviewer console", () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("takes a preference with b, rubric scores with digits and a corrected output from the editor", async () => {
    // Arrange
    const queue = uid("console-gen");
    const experimentId = await createExperiment(
      {
        feedback: [
          { type: "pairwise" },
          {
            type: "rubric",
            criteria: [
              { name: "faithful", scale: "pass-fail", points: { fail: "invents facts" } },
              { name: "tone" },
            ],
          },
          { type: "correction" },
        ],
      },
      queue,
    );
    const reviewId = await holdItem(experimentId, {
      label: "m-a",
      output: "Refund in 5 days.",
      candidates: [
        { source: "m-a", output: "Refund in 5 days." },
        { source: "m-b", output: "Your refund arrives within 3-5 business days." },
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });

    // Act
    await signInAndClaim(page, cloud.identities.r10 ?? "", queue, reviewId);
    const shownA = await page.locator("#candidate-A pre").textContent();
    const shownB = await page.locator("#candidate-B pre").textContent();
    const words = await page.locator("fieldset.rubric").first().textContent();
    await page.keyboard.press("b");
    await page.keyboard.press("1");
    await page.keyboard.press("4");
    await page
      .getByLabel("Model output: edit it, or leave it as is to accept it")
      .fill("Refund in 3-5 business days.");
    await page.keyboard.press("Control+Enter");
    const answer = await statusOf(page);

    // Assert
    expect(answer).toMatch(new RegExp(`^Verdict “.+” recorded for ${reviewId}\\.$`));
    expect(words).toContain("invents facts");
    // Each candidate shown once, as the API shows them: by position, never by source.
    const outputs = { "m-a": "Refund in 5 days.", "m-b": "Your refund arrives within 3-5 business days." };
    expect([shownA, shownB].sort()).toEqual(Object.values(outputs).sort());
    const review = (await call<ReviewAnswer>("GET", `/v1/reviews/${reviewId}`, { role: "admin" })).body
      .review;
    expect(review?.positions).toBeUndefined();
    expect(review?.context.prediction?.candidates).toEqual([
      { position: "A", output: shownA },
      { position: "B", output: shownB },
    ]);
    expect((await verdictOf(reviewId))?.feedback).toMatchObject({
      pairwise: { choice: "B" },
      rubric: { faithful: true, tone: 4 },
      correction: { accepted: false, output: "Refund in 3-5 business days." },
    });
    // B won: the source behind what was shown as B gets the win.
    const winner = shownB === outputs["m-a"] ? "m-a" : "m-b";
    const wins = await eventually(
      async () => {
        const r = await call<{
          arms: { typedFeedback?: { pairwise?: { sources: { source: string; wins: number }[] } } }[];
        }>("GET", `/v1/experiments/${experimentId}/report`, { role: "analyst" });
        const sources = r.body.arms.flatMap((a) => a.typedFeedback?.pairwise?.sources ?? []);
        return sources.some((x) => x.wins > 0) ? sources : undefined;
      },
      30_000,
      "the report to count the pairwise verdict",
    );
    expect(wins.find((x) => x.source === winner)?.wins).toBe(1);
    await page.close();
  });

  it("approves an agent's tool call with edited arguments, and refuses to send a call nobody decided", async () => {
    // Arrange
    const queue = uid("console-agent");
    const experimentId = await createExperiment({ feedback: [{ type: "approval" }] }, queue);
    const reviewId = await holdItem(experimentId, {
      label: "run",
      action: { tool: "issue_refund", arguments: { amountUsd: 400 } },
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    // Act
    await signInAndClaim(page, cloud.identities.r11 ?? "", queue, reviewId);
    const legend = await page.locator("fieldset.approval legend").textContent();
    await page.getByRole("button", { name: "Decide" }).click();
    const refused = await statusOf(page);
    await page
      .getByLabel("Arguments (JSON): edit them to approve an edited call")
      .fill('{ "amountUsd": 40 }');
    await page.getByRole("button", { name: "Decide" }).click();
    const answer = await statusOf(page);

    // Assert
    expect(legend).toBe("Proposed tool call: issue_refund");
    expect(refused).toContain("Approve, edit or reject the tool call");
    expect(answer).toBe(`Verdict “edited” recorded for ${reviewId}.`);
    expect((await verdictOf(reviewId))?.feedback).toEqual({
      approval: { action: "edit", arguments: { amountUsd: 40 } },
    });
    await page.close();
  });
});

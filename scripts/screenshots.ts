/**
 * Refreshes the small screenshots in docs/screenshots/ that the README shows: starts `hitl dev`
 * (the demo experiment with simulated traffic and reviewers) in a folder of its own on free ports,
 * lets traffic run, and photographs the app's pages and the reviewer console with the Chromium the
 * tests use. `npm run screenshots` (about two minutes); commit the PNGs it writes.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../test/support/browser";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, "docs", "screenshots");
const TRAFFIC_MS = Number(process.env.SCREENSHOT_TRAFFIC_MS ?? 90_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "hitl-screenshots-"));
  const dev = spawn(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", "dev", "--data-dir", dataDir, "--port-base", "4700", "--rate", "20"],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  try {
    const config = path.join(dataDir, "dev.json");
    for (let waited = 0; !existsSync(config); waited += 1000) {
      if (waited > 600_000 || dev.exitCode !== null) throw new Error("hitl dev did not start");
      await sleep(1000);
    }
    const { apiUrl, tokens } = JSON.parse(readFileSync(config, "utf8")) as {
      apiUrl: string;
      tokens: Record<string, string>;
    };
    process.stderr.write(`local cloud at ${apiUrl}; traffic for ${TRAFFIC_MS / 1000} s\n`);
    await sleep(TRAFFIC_MS);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const shot = async (hash: string, file: string, ready: string) => {
        await page.goto(`${apiUrl}/app${hash}`);
        await page.locator(ready).first().waitFor();
        await page.screenshot({ path: path.join(out, file) });
      };
      await page.goto(`${apiUrl}/app`);
      await page.getByLabel("Bearer token").fill(tokens.admin ?? "");
      await page.getByRole("button", { name: "Sign in" }).click();
      await shot("#/experiments", "app-experiments.png", "#experiments-table");
      await shot("#/experiments/claims-triage", "app-experiment.png", "#arms-table");
      await shot("#/finance/claims-triage", "app-finance.png", "#finance-totals");
      await shot("#/queues", "app-queues.png", "#queues-table, #queues-refused");
      await page.goto(`${apiUrl}/console`);
      await page.getByLabel("Bearer token").fill(tokens.reviewer ?? "");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Queues" }).waitFor();
      await page.screenshot({ path: path.join(out, "console-queues.png") });
    } finally {
      await browser.close();
    }
  } finally {
    dev.kill("SIGINT");
    await new Promise((resolve) => dev.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { APP_PAGE } from "#app-page";
import { buildAppPageSync, writeAppPageModule } from "../../app/build";
import { handler } from "../../functions/app/handler";
import { lambdaContext } from "../support/lambda-context";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const inline = (html: string, tag: "script" | "style") =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1] ?? "");
const sha256 = (text: string) => `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

describe("the app page build", () => {
  it("makes one self-contained page with Chart.js inside: one inline script and style sheet, nothing from elsewhere", () => {
    // Act
    const { html } = buildAppPageSync();

    // Assert
    const scripts = inline(html, "script");
    expect(scripts).toHaveLength(1);
    const styles = inline(html, "style");
    expect(styles).toHaveLength(1);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    // The style sheet loads nothing (the script may say `url(`: zod's string checks are named so).
    expect(styles[0]).not.toMatch(/@import|url\(/);
    expect(scripts[0]).toContain("chart-quality");
    expect(scripts[0]).toMatch(/ResizeObserver/);
  });

  it("hashes exactly the inlined script and style, and the handler's CSP allows only those and this origin", async () => {
    // Arrange
    const page = buildAppPageSync();

    // Act
    const response = (await handler({} as never, lambdaContext("app"))) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };

    // Assert
    expect(page.scriptHash).toBe(sha256(inline(page.html, "script")[0] ?? ""));
    expect(page.styleHash).toBe(sha256(inline(page.html, "style")[0] ?? ""));
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(APP_PAGE.html);
    expect(response.headers["content-security-policy"]).toBe(
      `default-src 'none'; script-src '${page.scriptHash}'; style-src '${page.styleHash}'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
  });

  it("writes the page for the Lambda bundle as a module holding the page the handler serves", async () => {
    // Arrange
    const dir = mkdtempSync(path.join(tmpdir(), "hitl-app-page-"));

    try {
      // Act
      const file = writeAppPageModule(dir);
      const bundled = (await import(pathToFileURL(file).href)) as { APP_PAGE: unknown };

      // Assert
      expect(bundled.APP_PAGE).toEqual(APP_PAGE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("type-checks the browser code against the real DOM library", () => {
    // Act: throws with tsc's diagnostics when the page's code does not type-check.
    const run = () =>
      execFileSync(path.join(root, "node_modules", ".bin", "tsc"), ["-p", "app"], { cwd: root });

    // Assert
    expect(run).not.toThrow();
  });
});

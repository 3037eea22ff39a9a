import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CONSOLE_PAGE } from "#console-page";
import { buildConsoleHtml, buildConsolePage, writePageModule } from "../../console/build";
import { handler } from "../../functions/console/handler";
import { lambdaContext } from "../support/lambda-context";

const inline = (html: string, tag: "script" | "style") =>
  [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1] ?? "");
const sha256 = (text: string) => `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

describe("the console page build", () => {
  it("makes one self-contained page: one inline script, one inline style sheet, nothing loaded from elsewhere", async () => {
    // Arrange
    const html = await buildConsoleHtml();

    // Act
    const scripts = inline(html, "script");
    const styles = inline(html, "style");

    // Assert
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    // oidc-client-ts parses relative URLs against a dummy base, never fetched: the only URL allowed.
    expect(html.replace(/new URL\(\w+,"http:\/\/127\.0\.0\.1"\)/g, "")).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(scripts[0]).toMatch(/^"use strict";\(\(\)=>\{/);
  });

  it("hashes exactly the inlined script and style, as the content security policy needs", async () => {
    // Arrange
    const page = await buildConsolePage();

    // Act
    const [script] = inline(page.html, "script");
    const [style] = inline(page.html, "style");

    // Assert
    expect(page.scriptHash).toBe(sha256(script ?? ""));
    expect(page.styleHash).toBe(sha256(style ?? ""));
  });

  it("writes the page for the Lambda bundle as a module holding the page the handler serves", async () => {
    // Arrange
    const dir = mkdtempSync(path.join(tmpdir(), "hitl-console-page-"));

    try {
      // Act
      const file = writePageModule(dir);
      const bundled = (await import(pathToFileURL(file).href)) as { CONSOLE_PAGE: unknown };

      // Assert
      const page = await buildConsolePage();
      expect(bundled.CONSOLE_PAGE).toEqual(page);
      expect(CONSOLE_PAGE).toEqual(page);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the console handler", () => {
  it("serves the page as UTF-8 HTML with a strict content security policy", async () => {
    // Arrange
    const expectedPolicy = [
      "default-src 'none'",
      `script-src '${CONSOLE_PAGE.scriptHash}'`,
      `style-src '${CONSOLE_PAGE.styleHash}'`,
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ];

    // Act
    const response = await handler(undefined, lambdaContext("ConsolePage"));

    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(CONSOLE_PAGE.html);
    expect(response.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
    });
    const policy = String(response.headers?.["content-security-policy"]).split("; ");
    expect(policy).toEqual(expectedPolicy);
  });
});

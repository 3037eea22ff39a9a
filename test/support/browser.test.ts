import { describe, expect, it } from "vitest";
import { BROWSER_ENV, browserExecutable, launchBrowser } from "./browser";

describe("the browser tests' Chromium", () => {
  it("comes from the npm package, without the flags that switch page security off or put it in one process", async () => {
    // Act
    const { path, args } = await browserExecutable({});

    // Assert
    expect(path).toMatch(/node_modules\/\.cache\/hitl-chromium\/[\d.]+\/chromium$/);
    expect(args).toContain("--disable-background-networking");
    expect(args).not.toContain("--disable-web-security");
    expect(args).not.toContain("--single-process");
  });

  it("launches and runs pages' scripts, one page after another", async () => {
    // Arrange
    const browser = await launchBrowser({}, {});
    const titles: string[] = [];

    // Act: closing a page must not end the browser
    for (const name of ["first", "second"]) {
      const page = await browser.newPage();
      await page.setContent(`<button onclick="document.title = '${name} clicked'">go</button>`);
      await page.getByRole("button", { name: "go" }).click();
      titles.push(await page.title());
      await page.close();
    }
    await browser.close();

    // Assert
    expect(titles).toEqual(["first clicked", "second clicked"]);
  });

  it("fails, saying how to get a browser, when the one asked for does not exist", async () => {
    // Act
    const launching = launchBrowser({}, { [BROWSER_ENV]: "/nowhere/chromium" });

    // Assert
    await expect(launching).rejects.toThrow(`${BROWSER_ENV}=/nowhere/chromium: no such file`);
    await expect(launching).rejects.toThrow("run `npm ci`");
  });

  it("fails, naming the binary and how to get another, when the browser does not start", async () => {
    // Act: a file that exists but is no browser
    const launching = launchBrowser({ timeout: 10_000 }, { [BROWSER_ENV]: "/bin/false" });

    // Assert
    await expect(launching).rejects.toThrow(/^Chromium at \/bin\/false did not start: .*npm ci/s);
  });
});

/**
 * Builds the web app for the teams who decide (GET /app): bundles app/src/main.ts with esbuild (IIFE,
 * minified, Chart.js included) and inlines it and app/src/style.css into app/src/page.html: one
 * self-contained page whose CSP allows exactly its own script and style (by hash).
 *
 * Served like the reviewer console (console/build.ts): the handler imports the page as `#app-page`,
 * which is app/page.ts (built on import) in tests and the type check, and a module that
 * lib/constructs/web-app.ts writes into the cloud assembly for the Lambda bundle.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, buildSync, transformSync } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const src = (file: string) => path.join(here, "src", file);

/** The import the app handler names the page by. */
export const APP_PAGE_IMPORT = "#app-page";

export interface AppPage {
  html: string;
  /** CSP source for the one inline script, `sha256-<base64>`. */
  scriptHash: string;
  /** CSP source for the one inline style sheet. */
  styleHash: string;
}

const scriptOptions = (entry: string) =>
  ({
    entryPoints: [src(entry)],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    // ASCII output, so the page's bytes do not depend on how a server labels its charset.
    charset: "ascii",
    legalComments: "none",
    logLevel: "silent",
    // Chart.js reads process.env.NODE_ENV in its development checks only.
    define: { "process.env.NODE_ENV": '"production"' },
  }) satisfies BuildOptions;

/** One entry of app/src as one minified script, ready to inline. */
function bundle(entry: string): string {
  const code = buildSync(scriptOptions(entry)).outputFiles[0]?.text.trim();
  if (code === undefined) throw new Error(`esbuild produced no script for ${entry}`);
  if (/<\/script/i.test(code)) throw new Error(`the ${entry} script contains </script; it cannot be inlined`);
  return code;
}

export const sha256 = (text: string) =>
  `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

/** The page with the hashes its content security policy needs. */
export function buildAppPageSync(): AppPage {
  const code = bundle("main.ts");
  const style = transformSync(readFileSync(src("style.css"), "utf8"), {
    loader: "css",
    minify: true,
    charset: "ascii",
  }).code.trim();
  // Either closing tag inside the inlined text would end the element early.
  if (/<\/style/i.test(style)) throw new Error("the app style sheet contains </style; it cannot be inlined");
  const template = readFileSync(src("page.html"), "utf8");
  for (const marker of ["<!--STYLE-->", "<!--SCRIPT-->"]) {
    if (template.split(marker).length !== 2) throw new Error(`page.html must hold ${marker} exactly once`);
  }
  // Replacer functions: a replacement string would interpret `$&` and friends in minified code.
  const html = template
    .replace("<!--STYLE-->", () => `<style>${style}</style>`)
    .replace("<!--SCRIPT-->", () => `<script>${code}</script>`);
  return { html, scriptHash: sha256(code), styleHash: sha256(style) };
}

/** Builds the page and writes it as a module under `dir` (the cloud assembly); returns its path. */
export function writeAppPageModule(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "app-page.mjs");
  const source = [
    "// Built by app/build.ts from app/src for the app Lambda's bundle.",
    `export const APP_PAGE = ${JSON.stringify(buildAppPageSync())};`,
    "",
  ].join("\n");
  // Write then rename, so a concurrent synth never bundles a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, source);
  renameSync(temporary, file);
  return file;
}

export interface InlineScript {
  code: string;
  /** CSP source for it, `sha256-<base64>`. */
  hash: string;
}

let reportFileScript: InlineScript | undefined;

/**
 * The HTML report file's script (app/src/report-file.ts: the experiment page's charts, Chart.js
 * inside), bundled on first use and kept for the process: `hitl report --format html` needs no
 * build step, and a test rendering many reports bundles once.
 */
export function reportFileScriptSync(): InlineScript {
  if (!reportFileScript) {
    const code = bundle("report-file.ts");
    reportFileScript = { code, hash: sha256(code) };
  }
  return reportFileScript;
}

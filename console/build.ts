/**
 * Builds the reviewer console: bundles src/app.ts (esbuild, IIFE, minified) and inlines it and
 * src/style.css into src/page.html, one self-contained page.
 *
 * The console handler imports the page as `#console-page` (package.json "imports"). In tests and the
 * type check that is console/page.ts, which builds the page from console/src when imported; for the
 * Lambda bundle, lib/constructs/console.ts writes the built page as a module into the cloud assembly
 * (cdk.out) and aliases `#console-page` to it. Nothing is generated into the source tree.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, buildSync, transformSync } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const src = (file: string) => path.join(here, "src", file);

/** The import the console handler names the page by. */
export const PAGE_IMPORT = "#console-page";

export interface ConsolePage {
  html: string;
  /** CSP source for the one inline script, `sha256-<base64>`. */
  scriptHash: string;
  /** CSP source for the one inline style sheet. */
  styleHash: string;
}

const SCRIPT_OPTIONS = {
  entryPoints: [src("app.ts")],
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
} satisfies BuildOptions;

const sha256 = (text: string) => `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

function assemble(script: string): ConsolePage {
  const style = transformSync(readFileSync(src("style.css"), "utf8"), {
    loader: "css",
    minify: true,
    charset: "ascii",
  }).code.trim();
  const code = script.trim();
  // Either closing tag inside the inlined text would end the element early.
  if (/<\/script/i.test(code)) throw new Error("the console script contains </script; it cannot be inlined");
  if (/<\/style/i.test(style))
    throw new Error("the console style sheet contains </style; it cannot be inlined");
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

function scriptOf(outputFiles: { text: string }[] | undefined): string {
  const text = outputFiles?.[0]?.text;
  if (text === undefined) throw new Error("esbuild produced no console script");
  return text;
}

/** The page with the hashes its content security policy needs. */
export async function buildConsolePage(): Promise<ConsolePage> {
  return assemble(scriptOf((await build(SCRIPT_OPTIONS)).outputFiles));
}

export async function buildConsoleHtml(): Promise<string> {
  return (await buildConsolePage()).html;
}

/** Synchronous, for construct code (CDK constructors cannot await). */
export function buildConsolePageSync(): ConsolePage {
  return assemble(scriptOf(buildSync(SCRIPT_OPTIONS).outputFiles));
}

/** The page as an ES module, the shape of console/page.ts: what the Lambda bundle imports. */
export function pageModuleSource(page: ConsolePage): string {
  return [
    "// Built by console/build.ts from console/src for the console Lambda's bundle.",
    `export const CONSOLE_PAGE = ${JSON.stringify(page)};`,
    "",
  ].join("\n");
}

/** Builds the page and writes it as a module under `dir` (the cloud assembly); returns its path. */
export function writePageModule(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "console-page.mjs");
  // Write then rename, so a concurrent synth never bundles a half-written file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, pageModuleSource(buildConsolePageSync()));
  renameSync(temporary, file);
  return file;
}

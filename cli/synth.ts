import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SOURCES = [
  "bin",
  "lib",
  "functions",
  "core",
  "adapters",
  "console",
  "app",
  "cli",
  "cdk.json",
  "package-lock.json",
];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Whether cdk.out is missing or older than any source the app is built from. */
export function synthIsStale(cdkOut = "cdk.out"): boolean {
  const manifest = path.join(cdkOut, "manifest.json");
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => newestMtime(source) > built);
}

/** Runs `cdk synth` (offline: local esbuild, no Docker) when the app changed since the last one. */
export async function ensureSynthesized(log: (line: string) => void, cdkOut = "cdk.out"): Promise<void> {
  if (!synthIsStale(cdkOut)) {
    log(`using the synthesized app in ${cdkOut}/ (up to date)`);
    return;
  }
  log("synthesizing the CDK app (cdk synth, about 15 s)...");
  const started = Date.now();
  await run("npx", ["cdk", "synth", "-q", "--output", cdkOut], { maxBuffer: 64 * 1024 * 1024 });
  log(`synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Where CPU time goes, from V8 CPU profiles (`node --cpu-prof`; the local cloud's Lambda workers
 * inherit the flag, so each worker thread writes its own profile):
 *
 *   NODE_OPTIONS="--cpu-prof --cpu-prof-dir=bench/results/prof" npm run bench -- --scenario routing
 *   npx tsx bench/profile.ts bench/results/prof
 *
 * Self time is summed per thread kind (main thread: HTTP API, Step Functions, SQS stand-in, pollers,
 * the bench client; workers: the Lambda handlers) and per origin: the package a sample's function
 * comes from, or the project folder. Bundled (minified) handler code is mapped back to its sources
 * with the bundle's source map. The whole run is profiled, start-up and cold starts included.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

const SPECIAL: Readonly<Record<string, string>> = {
  "(garbage collector)": "GC",
  "(program)": "V8 / native (program)",
  "(idle)": "idle",
  "(root)": "V8 / native (program)",
};

/** Packages shown together: what an operator would call one dependency. */
const FAMILIES: readonly [RegExp, string][] = [
  [/^@aws-sdk\/|^@smithy\/|^@aws-crypto\/|^@aws\//, "AWS SDK (@aws-sdk, @smithy)"],
  [/^@aws-lambda-powertools\//, "Powertools"],
  [/^aws-xray-sdk-core$|^cls-hooked$|^async-hook-jl$|^emitter-listener$/, "X-Ray SDK"],
  [/^@middy\//, "middy"],
];

function packageOf(file: string): string | undefined {
  const at = file.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const parts = file.slice(at + "node_modules/".length).split("/");
  const name = parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? "?");
  return FAMILIES.find(([pattern]) => pattern.test(name))?.[1] ?? name;
}

/** The origin of a source file: its package, the project folder, or Node itself. */
export function originOf(source: string, projectRoot: string): string {
  if (source.startsWith("node:") || !source.includes("/")) return "Node.js internals";
  const file = source.startsWith("file://") ? fileURLToPath(source) : source;
  const pkg = packageOf(file);
  if (pkg) return pkg;
  const relative = path.relative(projectRoot, path.resolve(file));
  if (relative.startsWith("..")) return "other";
  return `project: ${relative.split(path.sep)[0] ?? relative}/`;
}

/** Maps a bundled frame back to its source file; files without a source map stand for themselves. */
class Sources {
  private readonly maps = new Map<string, SourceMap | undefined>();

  sourceOf(frame: CallFrame): string {
    const map = this.mapOf(frame.url);
    if (!map) return frame.url;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber);
    if (!("originalSource" in entry) || !entry.originalSource) return frame.url;
    const original = entry.originalSource;
    return original.startsWith("file://") || path.isAbsolute(original)
      ? original
      : path.resolve(path.dirname(fileURLToPath(frame.url)), original);
  }

  private mapOf(url: string): SourceMap | undefined {
    if (!url.startsWith("file://") || !/\.(m?js|cjs)$/.test(url)) return undefined;
    if (this.maps.has(url)) return this.maps.get(url);
    const file = `${fileURLToPath(url)}.map`;
    const map = existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, "utf8"))) : undefined;
    this.maps.set(url, map);
    return map;
  }
}

/** Self time in ms by origin, from one profile. */
export function selfTimeByOrigin(
  profile: CpuProfile,
  origin: (frame: CallFrame) => string,
): Record<string, number> {
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const out: Record<string, number> = {};
  for (const node of profile.nodes) {
    const ms = byNode.get(node.id);
    if (!ms) continue;
    const key = SPECIAL[node.callFrame.functionName] ?? origin(node.callFrame);
    out[key] = (out[key] ?? 0) + ms;
  }
  return out;
}

/** Which thread a profile is: Node names them CPU.<date>.<time>.<pid>.<thread id>.<seq>. */
export const threadKindOf = (file: string): "main thread" | "Lambda workers" =>
  /\.0\.\d+\.cpuprofile$/.test(file) ? "main thread" : "Lambda workers";

const pidOf = (file: string): string => file.split(".")[3] ?? "";

/** The benchmark's own profiles: those of the process with the most threads (npm and tsx launch it). */
export function benchProfiles(files: readonly string[]): string[] {
  const byPid = new Map<string, string[]>();
  for (const file of files) byPid.set(pidOf(file), [...(byPid.get(pidOf(file)) ?? []), file]);
  return [...byPid.values()].sort((a, b) => b.length - a.length)[0] ?? [];
}

function main(dir: string): void {
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const sources = new Sources();
  const origin = (frame: CallFrame) =>
    frame.url === "" ? "V8 / native (program)" : originOf(sources.sourceOf(frame), projectRoot);
  const totals: Record<string, Record<string, number>> = {};
  const files = benchProfiles(readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")));
  for (const file of files) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
    const kind = threadKindOf(file);
    totals[kind] ??= {};
    const into = totals[kind];
    for (const [key, ms] of Object.entries(selfTimeByOrigin(profile, origin)))
      into[key] = (into[key] ?? 0) + ms;
  }
  const lines = [`${files.length} profiles in ${dir} (self time, idle left out)`, ""];
  for (const [kind, byOrigin] of Object.entries(totals)) {
    const busy = Object.entries(byOrigin).filter(([key]) => key !== "idle");
    const sum = busy.reduce((s, [, ms]) => s + ms, 0);
    lines.push(`| ${kind}: origin | ms | share |`, "| --- | ---: | ---: |");
    for (const [key, ms] of busy.sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms / sum >= 0.005))
      lines.push(`| ${key} | ${Math.round(ms)} | ${((ms / sum) * 100).toFixed(1)}% |`);
    lines.push(`| **total** | **${Math.round(sum)}** | |`, "");
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: npx tsx bench/profile.ts <folder of .cpuprofile files>\n");
    process.exit(2);
  }
  main(dir);
}

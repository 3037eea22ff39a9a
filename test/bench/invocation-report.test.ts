import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLambdaRuntime, type FunctionSpec, type InvocationReport } from "../../local/lambda";
import { workerExecArgv } from "../../local/lambda/pool";

// The local runtime's hook the benchmark counts invocations with (local/lambda/pool.ts).
describe("the local Lambda runtime's invocation reports", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hitl-bench-lambda-"));
  writeFileSync(
    path.join(dir, "index.mjs"),
    `export async function nap(event) { await new Promise((r) => setTimeout(r, event.ms)); return process.env.EXTRA; }
export async function fail() { throw new Error("no"); }`,
  );
  const reports: InvocationReport[] = [];
  const spec = (name: string, handler: string): FunctionSpec => ({
    logicalId: name,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    taskRoot: dir,
    handler,
    env: { EXTRA: "counted" },
    timeoutSeconds: 5,
    memoryMb: 128,
    concurrency: 1,
  });
  const runtime = createLambdaRuntime([spec("Nap", "index.nap"), spec("Fail", "index.fail")], {
    log: () => undefined,
    onInvocation: (report) => reports.push(report),
  });

  afterAll(async () => {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports each invocation's run time, its wait for the one worker, and failures", async () => {
    const results = await Promise.all([runtime.invoke("Nap", { ms: 50 }), runtime.invoke("Nap", { ms: 50 })]);
    await expect(runtime.invoke("Fail", {})).rejects.toThrow("no");

    expect(results).toEqual(["counted", "counted"]);
    const naps = reports.filter((r) => r.functionName === "Nap");
    expect(naps).toHaveLength(2);
    expect(naps.every((r) => r.ok && r.durationMs > 0 && r.queuedMs >= 0)).toBe(true);
    // One worker: one of the two calls waited for the other (no timing is asserted beyond that).
    expect(Math.max(...naps.map((r) => r.queuedMs))).toBeGreaterThan(0);
    expect(reports.filter((r) => r.functionName === "Fail")).toMatchObject([{ ok: false }]);
  });
});

describe("the worker threads' flags", () => {
  it("leave out tsx's loader (every form it takes) and keep everything else", () => {
    expect(
      workerExecArgv([
        "--require",
        "/work/main/node_modules/tsx/dist/preflight.cjs",
        "--import",
        "file:///work/main/node_modules/tsx/dist/loader.mjs",
        "--import=tsx",
        "--max-old-space-size=512",
        "--require",
        "/opt/otel/register.cjs",
        "--conditions",
        "node",
      ]),
    ).toEqual(["--max-old-space-size=512", "--require", "/opt/otel/register.cjs", "--conditions", "node"]);
    expect(workerExecArgv(["--import", "tsx"])).toEqual([]);
    expect(workerExecArgv([])).toEqual([]);
  });
});

/**
 * Issue 11 §4: what the edge stack (Powertools Logger, Tracer, Metrics under middy) costs per
 * invocation, apart from everything else on the machine: each variant runs alone in a worker thread
 * and its own thread CPU is measured (bench/edge-worker.ts). Variants run several times, interleaved.
 */
import { Worker } from "node:worker_threads";
import type { Scenario, ScenarioResult } from "../context";
import type { EdgeVariant, EdgeWorkerInput } from "../edge-worker";
import { markdown, num } from "../render";

const VARIANTS: readonly { variant: EdgeVariant; label: string }[] = [
  { variant: "bare", label: "handler + SDK client only" },
  { variant: "logger-metrics", label: "+ middy, Powertools Logger and Metrics (no Tracer)" },
  { variant: "edge", label: "functions/shared/edge.ts: + Tracer, SDK client captured (unsampled)" },
];
const ROUNDS = 3;

function measure(input: EdgeWorkerInput): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("../edge-worker.ts", import.meta.url), {
      workerData: input,
      // The worker runs TypeScript through the same loader as the bench.
      execArgv: ["--import", "tsx"],
      env: {
        ...process.env,
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
        AWS_LAMBDA_FUNCTION_NAME: "EdgeBench",
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        LAMBDA_TASK_ROOT: process.cwd(),
        POWERTOOLS_SERVICE_NAME: "edge-bench",
        POWERTOOLS_METRICS_NAMESPACE: "HitlLabBench",
        POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: "false",
      },
      // Log and EMF lines are written (their cost counts) but nobody reads them.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.once("message", (message: { msPerInvocation?: number; error?: string }) => {
      void worker.terminate();
      if (message.msPerInvocation === undefined) reject(new Error(message.error ?? "edge worker failed"));
      else resolve(message.msPerInvocation);
    });
    worker.once("error", reject);
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export const edge: Scenario = {
  name: "edge",
  title: "Edge stack cost",
  description: "CPU per invocation of the Powertools edge stack around three SDK calls, variant by variant",
  async run(ctx): Promise<ScenarioResult> {
    const invocations = ctx.options.quick ? 500 : 3000;
    const samples: Record<EdgeVariant, number[]> = { bare: [], "logger-metrics": [], edge: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const { variant } of VARIANTS) {
        ctx.progress(`edge: round ${round}/${ROUNDS}, ${variant}`);
        samples[variant].push(await measure({ variant, warmup: 300, invocations }));
      }
    }
    const bare = median(samples.bare);
    const rows = VARIANTS.map(({ variant, label }) => {
      const ms = median(samples[variant]);
      const over = ms - bare;
      const signed = `${over < 0 ? "−" : "+"}${num(Math.abs(over), 3)}`;
      return [label, num(ms, 3), signed, samples[variant].map((v) => num(v, 3)).join(", ")];
    });
    const md = [
      `## Edge stack: CPU per invocation (${invocations} invocations × ${ROUNDS} rounds, median)`,
      "",
      markdown(["variant", "CPU ms", "over bare", "rounds"], rows, ["left", "right", "right", "left"]),
      "",
      "Three PutItem calls through the whole SDK middleware stack (signing, retries, serde) against a",
      "canned response; the thread's own CPU (process.threadCpuUsage), so other jobs barely move it.",
    ].join("\n");
    return {
      markdown: md,
      data: {
        invocations,
        rounds: ROUNDS,
        msPerInvocation: Object.fromEntries(
          VARIANTS.map(({ variant }) => [variant, median(samples[variant])]),
        ),
        samples,
      },
    };
  },
};

import type { Command } from "commander";
import { demoExperiment } from "../../core/simulation/model";
import { onShutdown, startLocalCloud } from "../../local/cloud";
import { ApiClient, ApiError } from "../api-client";
import { driveTraffic, percentile, simulateReviewer, type TrafficStats } from "../simulate";
import { ensureSynthesized } from "../synth";

interface DevOptions {
  rate: string;
  reviewers: string;
  traffic: boolean;
  limit?: string;
  inMemory?: boolean;
}

export function registerDev(program: Command): void {
  program
    .command("dev")
    .description("start the local cloud, seed a demo experiment and drive simulated traffic (npm start)")
    .option("--rate <n>", "simulated decisions per second", "5")
    .option("--reviewers <n>", "simulated reviewers working the queues", "3")
    .option("--limit <n>", "stop the traffic after this many decisions (the cloud keeps running)")
    .option("--no-traffic", "only start the local cloud")
    .option("--in-memory", "keep no data between runs")
    .addHelpText("after", "\nExample:\n  hitl dev --rate 10 --reviewers 4\n  npm start -- --no-traffic")
    .action(async (options: DevOptions) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      // Executions that succeed are the normal case; only the others are worth a line.
      const cloudLog = (line: string) => {
        if (!/^stepfunctions: .* SUCCEEDED$/.test(line)) log(line);
      };
      await ensureSynthesized(log);
      log("starting the local cloud (DynamoDB Local takes a few seconds)...");
      const cloud = await startLocalCloud({
        log: cloudLog,
        prettyLogs: true,
        ...(options.inMemory ? { inMemory: true } : {}),
      });
      const stopTraffic = new AbortController();
      onShutdown(async () => {
        stopTraffic.abort();
        await cloud.stop();
      }, log);
      log(`\nlocal cloud ready: API ${cloud.apiUrl}; endpoints and tokens in .hitl/dev.json\n`);

      const admin = new ApiClient(cloud.apiUrl, cloud.tokens.admin);
      const experiment = demoExperiment();
      try {
        await admin.post("/v1/experiments", experiment);
        log(`seeded the demo experiment "${experiment.id}" (arms: conservative ≥ 0.95, aggressive ≥ 0.80)`);
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 409)) throw error;
        log(`demo experiment "${experiment.id}" already exists (kept from the last run)`);
      }
      if (!options.traffic) return;

      const stats: TrafficStats = {
        sent: 0,
        auto: 0,
        human: 0,
        audit: 0,
        errors: 0,
        reviewed: 0,
        latenciesMs: [],
      };
      const truths = new Map<string, string>();
      const producer = new ApiClient(cloud.apiUrl, cloud.tokens.producer);
      const reviewers = Number(options.reviewers);
      const queues = [
        "default",
        "fraud",
        "high-value",
        "audit",
        "default.tier-2",
        "default.adjudication",
        "fraud.tier-2",
        "high-value.tier-2",
      ];
      for (let i = 1; i <= reviewers; i++) {
        const token = cloud.mintToken(`sim-reviewer-${i}`, ["hitl/reviewer", "hitl/admin"]);
        void simulateReviewer(
          new ApiClient(cloud.apiUrl, token),
          { queues, thinkSeconds: 4, seed: i, signal: stopTraffic.signal },
          stats,
          truths,
        );
      }
      const progress = setInterval(() => {
        const done = stats.auto + stats.human;
        const rate = done ? ((100 * stats.auto) / done).toFixed(1) : "-";
        const p50 = percentile(stats.latenciesMs, 0.5);
        const p99 = percentile(stats.latenciesMs, 0.99);
        log(
          `decisions ${stats.sent} | automated ${stats.auto} (${rate}%) | held ${stats.human} | audits ${stats.audit} | ` +
            `reviewed ${stats.reviewed} | errors ${stats.errors} | latency p50 ${p50.toFixed(0)} ms p99 ${p99.toFixed(0)} ms` +
            (stats.lastError ? ` | last error: ${stats.lastError.slice(0, 80)}` : ""),
        );
      }, 2000);
      stopTraffic.signal.addEventListener("abort", () => clearInterval(progress), { once: true });
      log(
        `driving ~${options.rate} decisions/s with ${reviewers} simulated reviewers; Ctrl-C stops everything`,
      );
      await driveTraffic(
        producer,
        {
          experimentId: experiment.id,
          rate: Number(options.rate),
          ...(options.limit ? { limit: Number(options.limit) } : {}),
          signal: stopTraffic.signal,
        },
        stats,
        truths,
      );
    });
}

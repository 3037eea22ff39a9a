import * as path from "node:path";
import { type Command, Option } from "commander";
import { HitlApiError, HitlClient } from "../../client";
import { parseExperiment } from "../../core/experiments/validate";
import { experimentQueues } from "../../core/review/queues";
import { DEMO_GOLD_QUEUE, demoGold, itemKey } from "../../core/simulation/demo-gold";
import { agentApprovalExperiment, generatedTextExperiment } from "../../core/simulation/feedback-demos";
import { demoExperiment } from "../../core/simulation/model";
import { DEFAULT_PORTS, type LocalCloud, onShutdown, startLocalCloud } from "../../local/cloud";
import { DATA_DIR_ENV } from "../dev-config";
import {
  type EndpointOptions,
  endpointOption,
  externalEndpoints,
  type PortName,
  type PortOptions,
  portBaseOption,
  portOption,
  resolvePorts,
} from "../dev-options";
import { driveTraffic, newTrafficStats, percentile, simulateReviewer } from "../simulate";
import { driveFeedbackDemos, type FeedbackDemoStats, simulateFeedbackReviewer } from "../simulate-feedback";
import { ensureSynthesized } from "../synth";

interface DevOptions extends PortOptions, EndpointOptions {
  rate: string;
  reviewers: string;
  traffic: boolean;
  feedbackDemos: boolean;
  limit?: string;
  inMemory?: boolean;
  dataDir: string;
}

const PORT_LABELS: Record<PortName, string> = {
  api: "HTTP API",
  dynamodb: "DynamoDB",
  sqs: "SQS",
  stepfunctions: "Step Functions",
};

/** Where to find the tokens: dev.json in the data folder, or (in memory) printed here. */
function tokensHelp(cloud: LocalCloud, dataDir: string | undefined): string[] {
  if (dataDir) {
    const devFile = path.join(dataDir, "dev.json");
    const isDefault = path.resolve(dataDir) === path.resolve(".hitl");
    return [
      `local cloud ready: API ${cloud.apiUrl}; endpoints and tokens in ${devFile}`,
      ...(isDefault ? [] : [`the CLI finds it with ${DATA_DIR_ENV}=${dataDir} npx hitl ...`]),
    ];
  }
  return [
    `local cloud ready: API ${cloud.apiUrl} (in memory: no dev.json; these tokens last until it stops)`,
    ...Object.entries(cloud.tokens).map(([role, token]) => `  ${role.padEnd(8)} ${token}`),
    `  endpoints: ${Object.entries(cloud.endpoints)
      .map(([service, url]) => `${service} ${url}`)
      .join(", ")}`,
    `the CLI uses one with: export HITL_API_URL=${cloud.apiUrl} HITL_TOKEN=<a token above>`,
  ];
}

export function registerDev(program: Command): void {
  const command = program
    .command("dev")
    .description("start the local cloud, seed a demo experiment and drive simulated traffic (npm start)")
    .option("--rate <n>", "simulated decisions per second", "5")
    .option("--reviewers <n>", "simulated reviewers working the queues", "3")
    .option("--limit <n>", "stop the traffic after this many decisions (the cloud keeps running)")
    .option("--no-traffic", "only start the local cloud")
    .option("--no-feedback-demos", "skip the generated-text and agent-approval demo experiments")
    .addOption(
      new Option("--in-memory", "keep no data between runs (prints the tokens)").conflicts("dataDir"),
    )
    .option("--data-dir <dir>", "where the data, tokens and dev.json are kept", ".hitl")
    .option(
      "--port-base <n>",
      "move every port: HTTP API n, DynamoDB n+1, SQS n+2, Step Functions n+3",
      portBaseOption,
    );
  for (const name of Object.keys(PORT_LABELS) as PortName[]) {
    command.option(
      `--${name}-port <n>`,
      `${PORT_LABELS[name]} port (default ${DEFAULT_PORTS[name]}; 0 picks a free one)`,
      portOption,
    );
  }
  command
    .option(
      "--dynamodb-endpoint <url>",
      "use this DynamoDB (e.g. moto, LocalStack) instead of starting DynamoDB Local (default: $AWS_ENDPOINT_URL_DYNAMODB)",
      endpointOption,
    )
    .option(
      "--sqs-endpoint <url>",
      "use this SQS instead of starting the SQS stand-in (default: $AWS_ENDPOINT_URL_SQS)",
      endpointOption,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  hitl dev --rate 10 --reviewers 4\n  npm start -- --no-traffic\n" +
        "  npm start -- --data-dir .hitl-b --port-base 4000   a second local cloud beside the first\n" +
        "  moto_server -p 5000 & npm start -- --dynamodb-endpoint http://127.0.0.1:5000 --sqs-endpoint http://127.0.0.1:5000",
    )
    .action(async (options: DevOptions) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      // Executions that succeed are the normal case; only the others are worth a line.
      const cloudLog = (line: string) => {
        if (!/^stepfunctions: .* SUCCEEDED$/.test(line)) log(line);
      };
      const dataDir = options.inMemory ? undefined : options.dataDir;
      let cloud: LocalCloud;
      try {
        const ports = resolvePorts(options);
        const endpoints = externalEndpoints(options);
        await ensureSynthesized(log);
        log(
          endpoints.dynamodb
            ? "starting the local cloud..."
            : "starting the local cloud (DynamoDB Local takes a few seconds)...",
        );
        cloud = await startLocalCloud({
          log: cloudLog,
          prettyLogs: true,
          ports,
          endpoints,
          ...(dataDir ? { dataDir } : { inMemory: true }),
        });
      } catch (error) {
        log(`error: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      }
      const stopTraffic = new AbortController();
      onShutdown(async () => {
        stopTraffic.abort();
        await cloud.stop();
      }, log);
      log("");
      for (const line of tokensHelp(cloud, dataDir)) log(line);
      log("");

      // A Ctrl-C while the demo is being seeded stops the cloud under the seeding: its failures are
      // then the shutdown's, and the shutdown handler ends the process once the cloud has stopped.
      const shuttingDown = (error: unknown): Promise<never> =>
        stopTraffic.signal.aborted ? new Promise<never>(() => undefined) : Promise.reject(error);
      const seed = async () => {
        const admin = new HitlClient({ baseUrl: cloud.apiUrl, token: cloud.tokens.admin });
        const experiment = demoExperiment();
        const parsedDemo = parseExperiment(experiment);
        if (!parsedDemo.ok)
          throw new Error(`the demo experiment is invalid: ${JSON.stringify(parsedDemo.errors)}`);
        try {
          await admin.experiments.create(experiment);
          log(`seeded the demo experiment "${experiment.id}" (arms: conservative ≥ 0.95, aggressive ≥ 0.80)`);
        } catch (error) {
          if (!(error instanceof HitlApiError && error.code === "experiment_exists")) throw error;
          log(`demo experiment "${experiment.id}" already exists (kept from the last run)`);
        }
        // Gold for the demo's queue, so scorecards show gold accuracy; the same ids each run change nothing.
        const gold = demoGold();
        try {
          await admin.gold.add(DEMO_GOLD_QUEUE, gold.text, { experimentId: experiment.id });
          log(`uploaded ${gold.truths.size} gold items to the demo's queue "${DEMO_GOLD_QUEUE}"`);
        } catch (error) {
          log(`gold items not uploaded: ${error instanceof Error ? error.message : String(error)}`);
        }
        const feedbackDemos = options.feedbackDemos
          ? [generatedTextExperiment(), agentApprovalExperiment()]
          : [];
        for (const demo of feedbackDemos) {
          try {
            const checked = parseExperiment(demo);
            if (!checked.ok)
              throw new Error(`the feedback demo is invalid: ${JSON.stringify(checked.errors)}`);
            await admin.experiments.create(checked.value);
            log(`seeded the feedback demo "${demo.id}" (${demo.feedback.map((f) => f.type).join(", ")})`);
          } catch (error) {
            if (!(error instanceof HitlApiError && error.code === "experiment_exists")) throw error;
            log(`feedback demo "${demo.id}" already exists (kept from the last run)`);
          }
        }
        return { experiment, demo: parsedDemo.value, gold, feedbackDemos };
      };
      const { experiment, demo: demoConfig, gold, feedbackDemos } = await seed().catch(shuttingDown);
      if (!options.traffic) return;
      if (feedbackDemos.length > 0) {
        const demoStats: FeedbackDemoStats = { sent: 0, reviewed: 0, signals: 0, errors: 0 };
        const demoTruths = new Map<string, { good: boolean }>();
        const demoQueues = [
          { queue: "replies", experimentId: "support-replies" },
          { queue: "agent-actions", experimentId: "agent-refunds" },
          { queue: "audit", experimentId: "support-replies" },
          { queue: "audit", experimentId: "agent-refunds" },
        ];
        const token = cloud.mintToken("sim-feedback-reviewer", ["hitl/reviewer"], {
          queues: "replies,agent-actions,audit",
        });
        void simulateFeedbackReviewer(
          new HitlClient({ baseUrl: cloud.apiUrl, token }),
          { queues: demoQueues, seed: 99, signal: stopTraffic.signal },
          demoStats,
          demoTruths,
        );
        void driveFeedbackDemos(
          new HitlClient({ baseUrl: cloud.apiUrl, token: cloud.tokens.producer }),
          { rate: 0.5, signal: stopTraffic.signal },
          demoStats,
          demoTruths,
        );
        log(
          "feedback demos: ~0.5 decisions/s of generated replies and refund tool calls, one simulated reviewer",
        );
      }

      const stats = newTrafficStats();
      const truths = new Map<string, string>();
      const producer = new HitlClient({ baseUrl: cloud.apiUrl, token: cloud.tokens.producer });
      const reviewers = Number(options.reviewers);
      // The demo's reviewers see every queue of the demo, and claim only the demo's items there.
      const queues = experimentQueues(demoConfig.arms);
      for (let i = 1; i <= reviewers; i++) {
        const token = cloud.mintToken(`sim-reviewer-${i}`, ["hitl/reviewer"], { queues: queues.join(",") });
        void simulateReviewer(
          new HitlClient({ baseUrl: cloud.apiUrl, token }),
          {
            experimentId: experiment.id,
            queues,
            thinkSeconds: 4,
            seed: i,
            signal: stopTraffic.signal,
            itemTruth: (item) => gold.truths.get(itemKey(item)),
          },
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

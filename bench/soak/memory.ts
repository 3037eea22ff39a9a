/**
 * Each process's memory over a soak, from Linux's /proc: this process (the bench, and the local
 * cloud's Node side with its worker threads when in-process) and DynamoDB Local's JVM, found by
 * its command line's `-port`. Elsewhere (no /proc) only this process is measured.
 */
import { readdirSync, readFileSync } from "node:fs";

/** `VmRSS:  123456 kB` of a /proc/<pid>/status text, in MB (undefined when absent). */
export function rssMbOf(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** Whether a /proc/<pid>/cmdline (NUL-separated) is DynamoDB Local listening on `port`. */
export function isDynamoDbLocal(cmdline: string, port: number): boolean {
  const args = cmdline.split("\0");
  const at = args.indexOf("-port");
  // The JVM itself, not its watchdog (a node process whose arguments are the java command line).
  const java = /(^|\/)java$/.test(args[0] ?? "");
  return java && args.some((a) => a.includes("DynamoDBLocal")) && at >= 0 && args[at + 1] === String(port);
}

function findPid(port: number): number | undefined {
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (isDynamoDbLocal(readFileSync(`/proc/${entry}/cmdline`, "utf8"), port)) return Number(entry);
      } catch {
        // A process that ended while we looked, or one we may not read.
      }
    }
  } catch {
    // No /proc.
  }
  return undefined;
}

/** A sampler of resident memory (MB) by process: `node` always, `dynamodb-local` when found. */
export function memorySampler(dynamodbEndpoint?: string): () => Record<string, number> {
  const port = dynamodbEndpoint ? Number(new URL(dynamodbEndpoint).port) : undefined;
  let jvm: number | undefined;
  return () => {
    const sample: Record<string, number> = { node: process.memoryUsage().rss / 2 ** 20 };
    // Looked up again when it ended: a restarted cloud has a new JVM on the same port.
    jvm ??= port ? findPid(port) : undefined;
    if (jvm !== undefined) {
      try {
        const mb = rssMbOf(readFileSync(`/proc/${jvm}/status`, "utf8"));
        if (mb !== undefined) sample["dynamodb-local"] = mb;
      } catch {
        jvm = undefined; // it ended
      }
    }
    return sample;
  };
}

// A child program that cannot outlive the local cloud: it runs under local/watchdog.mjs, which ends
// it when this process goes away, even by SIGKILL. Both are in a process group of their own.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { identify, type ProcessIdentity } from "./processes";

const WATCHDOG = fileURLToPath(new URL("./watchdog.mjs", import.meta.url));
const OUTPUT_KEPT = 4_000;

export interface WatchedProcess {
  /** The program's pid (the watchdog's is `watchdog.pid`). */
  readonly pid: number;
  readonly watchdog: ChildProcess;
  /** The watchdog and the program, as /proc knows them (empty where it cannot tell). */
  readonly processes: readonly ProcessIdentity[];
  /** The program's latest output, stdout and stderr together. */
  output(): string;
  /** Why it ended (exit code or signal), or undefined while it runs. */
  ended(): string | undefined;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the watchdog has exited. */
  stop(): Promise<void>;
}

export interface WatchOptions {
  readonly cwd?: string;
  /** How long the program gets between SIGTERM and SIGKILL. */
  readonly graceMs: number;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // The watchdog was spawned detached, so it leads a group its program shares.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** Starts `command` under the watchdog; resolves once the program runs, rejects if it cannot start. */
export async function spawnWatched(
  command: string,
  args: readonly string[],
  opts: WatchOptions,
): Promise<WatchedProcess> {
  const watchdog = spawn(process.execPath, [WATCHDOG, String(opts.graceMs), command, ...args], {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    detached: true,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_KEPT);
  };
  watchdog.stdout?.on("data", collect);
  watchdog.stderr?.on("data", collect);
  let endedWith: string | undefined;
  const exited = new Promise<void>((resolve) => {
    watchdog.once("exit", (code, signal) => {
      endedWith = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });
  // If this process exits without stop(), signal the group at once rather than wait for the watchdog.
  const onExit = (): void => signalGroup(watchdog, "SIGTERM");
  process.once("exit", onExit);

  const pid = await new Promise<number>((resolve, reject) => {
    watchdog.once("error", reject);
    watchdog.once("message", (message: { pid?: number; error?: string }) => {
      if (typeof message.pid === "number") resolve(message.pid);
      else reject(new Error(`${command} did not start: ${message.error ?? "unknown error"}`));
    });
    void exited.then(() =>
      reject(new Error(`${command} did not start (watchdog ${endedWith}): ${output.trim()}`)),
    );
  }).catch((error: unknown) => {
    process.removeListener("exit", onExit);
    throw error;
  });
  // The channel only carries the pid; unreferenced, it does not keep this process alive.
  watchdog.channel?.unref();
  const processes = [watchdog.pid, pid].flatMap((p) => {
    const found = p === undefined ? undefined : identify(p);
    return found ? [found] : [];
  });

  let stopping: Promise<void> | undefined;
  return {
    pid,
    watchdog,
    processes,
    output: () => output,
    ended: () => endedWith,
    stop: () => {
      stopping ??= (async () => {
        process.removeListener("exit", onExit);
        if (endedWith === undefined) {
          signalGroup(watchdog, "SIGTERM");
          const timer = setTimeout(() => signalGroup(watchdog, "SIGKILL"), opts.graceMs + 1_000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

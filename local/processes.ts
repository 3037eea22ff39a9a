// Processes as Linux's /proc knows them: who a pid is (its start time makes a reused pid tell
// itself apart), stopping one only while it is still the same process, and who listens on a port.
// Where there is no /proc (macOS), nothing can be verified: identify() answers undefined, so a
// recorded process is never stopped, and a held port is named without its holder.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** A process as recorded: enough to recognise it later, and to say what it is. */
export interface ProcessIdentity {
  readonly pid: number;
  /** Clock ticks after boot when it started (field 22 of /proc/PID/stat). */
  readonly startTicks: number;
  /** Its command line, arguments joined by spaces. */
  readonly command: string;
}

interface ProcStat {
  readonly state: string;
  readonly startTicks: number;
}

function readStat(pid: number, file = `/proc/${pid}/stat`): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so count from the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0] ?? "";
  const startTicks = Number(fields[19]);
  return Number.isFinite(startTicks) ? { state, startTicks } : undefined;
}

function readCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

const ENDED = new Set(["Z", "X"]);

/**
 * Whether a process whose main thread has ended is gone: a zombie with no other thread is, but a
 * JVM's main thread ends before its other threads do, and until the last one ends the process
 * still holds its files and sockets.
 */
function hasLiveThreads(pid: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tasks.some((tid) => {
    const state = readStat(pid, `/proc/${pid}/task/${tid}/stat`)?.state;
    return state !== undefined && !ENDED.has(state);
  });
}

/** Who `pid` is now, or undefined if it is gone (a zombie counts as gone) or /proc cannot tell. */
export function identify(pid: number): ProcessIdentity | undefined {
  const stat = readStat(pid);
  if (!stat || (ENDED.has(stat.state) && !hasLiveThreads(pid))) return undefined;
  return { pid, startTicks: stat.startTicks, command: readCommand(pid) };
}

/** Whether the recorded process still runs: the same pid, started at the same tick. */
export function isRunning(recorded: ProcessIdentity): boolean {
  return identify(recorded.pid)?.startTicks === recorded.startTicks;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone in the meantime.
  }
}

async function waitUntilGone(recorded: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(recorded)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a recorded process if it is still that process: SIGTERM, then SIGKILL after `graceMs`.
 * Signals go to the pid only after it was verified, so a reused pid is never hit. Resolves true if
 * it had to stop something.
 */
export async function stopIfRunning(recorded: ProcessIdentity, graceMs = 5_000): Promise<boolean> {
  if (!isRunning(recorded)) return false;
  signal(recorded.pid, "SIGTERM");
  if (await waitUntilGone(recorded, graceMs)) return true;
  if (isRunning(recorded)) signal(recorded.pid, "SIGKILL");
  // A killed JVM's threads can take seconds to end while they finish disk writes (seen at 5 s).
  await waitUntilGone(recorded, 20_000);
  return true;
}

/** Socket inodes listening on `port` (any address), from /proc/net/tcp and tcp6. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st ... inode: state 0A is LISTEN.
      const columns = line.trim().split(/\s+/);
      if (columns[1]?.endsWith(`:${hexPort}`) && columns[3] === "0A" && columns[9]) inodes.add(columns[9]);
    }
  }
  return inodes;
}

/** The process listening on `port`, where /proc lets this user see it. */
export function portHolder(port: number): ProcessIdentity | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return identify(Number(pid));
    }
  }
  return undefined;
}

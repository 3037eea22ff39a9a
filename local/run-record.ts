// The record of a running local cloud in its data folder (`run.json`): which process owns the
// folder and which child processes it started. The next start on the folder reads it:
// - an owner that still runs means the folder is in use: that start fails, naming it;
// - an owner that is gone crashed: its children that still run are leftovers, stopped once /proc
//   shows they are still the very processes recorded (same pid, same start time). Nothing else is
//   ever signalled.
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { identify, isRunning, type ProcessIdentity, stopIfRunning } from "./processes";
import { writeWhole } from "./write-whole";

export const RUN_RECORD = "run.json";

interface RecordedChild {
  readonly name: string;
  readonly processes: readonly ProcessIdentity[];
}

interface RunRecord {
  readonly owner: ProcessIdentity;
  readonly startedAt: string;
  readonly dataDir: string;
  readonly children: RecordedChild[];
}

export interface DataDirClaim {
  /** Records child processes as soon as they run, so a crash leaves their trace. */
  addChild(name: string, processes: readonly ProcessIdentity[]): void;
  /** Removes the record (a clean stop). */
  release(): void;
}

function isIdentity(value: unknown): value is ProcessIdentity {
  if (typeof value !== "object" || value === null) return false;
  const { pid, startTicks, command } = value as Record<string, unknown>;
  return Number.isInteger(pid) && typeof startTicks === "number" && typeof command === "string";
}

function read(file: string): RunRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (!isIdentity(record.owner) || !Array.isArray(record.children)) return undefined;
  const children = record.children.flatMap((child: unknown): RecordedChild[] => {
    const { name, processes } = (child ?? {}) as Record<string, unknown>;
    return typeof name === "string" && Array.isArray(processes)
      ? [{ name, processes: processes.filter(isIdentity) }]
      : [];
  });
  return {
    owner: record.owner,
    startedAt: String(record.startedAt ?? "an unknown time"),
    dataDir: String(record.dataDir ?? ""),
    children,
  };
}

/** Writes the whole record at once: a crash leaves the old one or the new one. */
function write(file: string, record: RunRecord): void {
  writeWhole(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** Creates the record only if there is none (link fails on an existing name): one owner at a time. */
function create(file: string, record: RunRecord): boolean {
  const temporary = `${file}.${process.pid}.new`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

function self(): ProcessIdentity {
  // Without /proc (macOS) the owner cannot be verified later; -1 never matches a running process.
  return identify(process.pid) ?? { pid: process.pid, startTicks: -1, command: process.argv.join(" ") };
}

/** Stops what a crashed run left running; says what it stopped. */
async function stopLeftovers(previous: RunRecord, log: (line: string) => void): Promise<void> {
  for (const child of previous.children) {
    // The program first (its watchdog then exits by itself), then anything still there.
    for (const recorded of [...child.processes].reverse()) {
      if (await stopIfRunning(recorded)) {
        log(
          `stopped ${child.name} (pid ${recorded.pid}) left running by the local cloud started ` +
            `${previous.startedAt} (pid ${previous.owner.pid}), which ended without stopping it`,
        );
      }
    }
  }
}

/**
 * Takes the data folder for this process: fails if another local cloud runs on it, stops the
 * leftovers of one that crashed, and records this process as the owner.
 */
export async function claimDataDir(dataDir: string, log: (line: string) => void): Promise<DataDirClaim> {
  const file = path.join(dataDir, RUN_RECORD);
  const mine: RunRecord = { owner: self(), startedAt: new Date().toISOString(), dataDir, children: [] };
  while (!create(file, mine)) {
    const previous = read(file);
    if (previous && isRunning(previous.owner)) {
      throw new Error(
        `a local cloud already runs on ${dataDir} (pid ${previous.owner.pid}, started ${previous.startedAt}): ` +
          "stop it first (Ctrl-C in its terminal), or start this one on another folder and other ports " +
          "(hitl dev --data-dir DIR --port-base N)",
      );
    }
    if (previous) await stopLeftovers(previous, log);
    // The crashed run's record is done with; take its place.
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  const children: RecordedChild[] = [];
  return {
    addChild(name, processes) {
      children.push({ name, processes: [...processes] });
      write(file, { ...mine, children });
    },
    release() {
      const current = read(file);
      if (current?.owner.pid === mine.owner.pid && current.owner.startTicks === mine.owner.startTicks) {
        unlinkSync(file);
      }
    },
  };
}

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { identify, isRunning, type ProcessIdentity, stopIfRunning } from "../../local/processes";
import { spawnWatched, type WatchedProcess } from "../../local/watched-process";

const leftovers: ProcessIdentity[] = [];
const watched: WatchedProcess[] = [];

afterEach(async () => {
  for (const process of watched.splice(0)) await process.stop();
  for (const recorded of leftovers.splice(0)) await stopIfRunning(recorded, 500);
});

/** The process group of `pid` (field 5 of /proc/PID/stat). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** A separate Node process that starts `sleep 600` under the watchdog and prints the pids. */
async function parentWithWatchedSleep() {
  const script = `
    const { spawnWatched } = await import(${JSON.stringify(new URL("../../local/watched-process.ts", import.meta.url).href)});
    const watched = await spawnWatched("sleep", ["600"], { graceMs: 1000 });
    process.stdout.write(JSON.stringify({ program: watched.pid, watchdog: watched.watchdog.pid }) + "\\n");
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    parent.stdout?.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8")));
    parent.once("exit", (code) => reject(new Error(`parent exited with ${code}`)));
  });
  const pids = JSON.parse(line) as { program: number; watchdog: number };
  const program = identify(pids.program);
  const watchdog = identify(pids.watchdog);
  if (!program || !watchdog) throw new Error("no /proc entries");
  leftovers.push(program, watchdog);
  return { parent, program, watchdog };
}

describe("a program under the watchdog", () => {
  it("ends when the process that started it is killed with SIGKILL", async () => {
    // Arrange
    const { parent, program, watchdog } = await parentWithWatchedSleep();

    // Act
    parent.kill("SIGKILL");

    // Assert
    expect(await until(() => !isRunning(program), 10_000)).toBe(true);
    expect(await until(() => !isRunning(watchdog), 10_000)).toBe(true);
  });

  it("shares a process group of the watchdog's own, so a SIGKILL of this process's group misses both", async () => {
    // Arrange
    const running = await spawnWatched("sleep", ["600"], { graceMs: 1000 });
    watched.push(running);

    // Act
    const groups = [running.pid, running.watchdog.pid ?? 0, process.pid].map(processGroup);

    // Assert
    expect(groups).toEqual([running.watchdog.pid, running.watchdog.pid, processGroup(process.pid)]);
    expect(processGroup(process.pid)).not.toBe(running.watchdog.pid);
    expect(running.processes.map((p) => p.command)).toEqual([
      expect.stringContaining("watchdog.mjs 1000 sleep 600"),
      "sleep 600",
    ]);
  });

  it("stops on stop(): SIGTERM to its group, and reports how it ended", async () => {
    // Arrange
    const running = await spawnWatched("sleep", ["600"], { graceMs: 1000 });
    const program = identify(running.pid);

    // Act
    await running.stop();

    // Assert
    expect(program && isRunning(program)).toBe(false);
    expect(running.ended()).toMatch(/^(exit code 143|signal SIGTERM)$/);
  });

  it("rejects with the reason when the program cannot start", async () => {
    // Act
    const starting = spawnWatched("no-such-program-hitl", [], { graceMs: 1000 });

    // Assert
    await expect(starting).rejects.toThrow(
      "no-such-program-hitl did not start: spawn no-such-program-hitl ENOENT",
    );
  });
});

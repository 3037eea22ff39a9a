import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { identify, isRunning, type ProcessIdentity } from "../../local/processes";
import { claimDataDir, RUN_RECORD } from "../../local/run-record";

const folders: string[] = [];
const started: ChildProcess[] = [];

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "hitl-run-record-"));
  folders.push(dir);
  return dir;
}

/** A running `sleep` of ours and its identity. */
async function sleeper(): Promise<{ child: ChildProcess; identity: ProcessIdentity }> {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  started.push(child);
  await new Promise((resolve) => child.once("spawn", resolve));
  const identity = child.pid === undefined ? undefined : identify(child.pid);
  if (!identity) throw new Error("no /proc entry");
  return { child, identity };
}

/** The identity of a process that has ended: an owner that crashed. */
async function gone(): Promise<ProcessIdentity> {
  const { child, identity } = await sleeper();
  const exit = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exit;
  return identity;
}

function writeRecord(dir: string, owner: ProcessIdentity, children: ProcessIdentity[]): void {
  const record = { owner, startedAt: "2026-11-30T08:00:00.000Z", dataDir: dir, children: [] as unknown[] };
  if (children.length) record.children.push({ name: "DynamoDB Local", processes: children });
  writeFileSync(path.join(dir, RUN_RECORD), JSON.stringify(record));
}

afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe("the run record in the data folder", () => {
  it("records this process and its children while it runs, and nothing after a clean stop", async () => {
    // Arrange
    const dir = folder();
    const { identity } = await sleeper();

    // Act
    const claim = await claimDataDir(dir, () => undefined);
    claim.addChild("DynamoDB Local", [identity]);
    const during = JSON.parse(readFileSync(path.join(dir, RUN_RECORD), "utf8"));
    claim.release();

    // Assert
    expect(during.owner).toEqual(identify(process.pid));
    expect(during.children).toEqual([{ name: "DynamoDB Local", processes: [identity] }]);
    expect(existsSync(path.join(dir, RUN_RECORD))).toBe(false);
  });

  it("refuses the folder while the local cloud that owns it still runs, naming it", async () => {
    // Arrange
    const dir = folder();
    const { identity: owner } = await sleeper();
    writeRecord(dir, owner, []);

    // Act
    const claiming = claimDataDir(dir, () => undefined);

    // Assert
    await expect(claiming).rejects.toThrow(`a local cloud already runs on ${dir} (pid ${owner.pid}`);
    expect(isRunning(owner)).toBe(true);
  });

  it("stops the children a crashed run left running, says so, and takes the folder", async () => {
    // Arrange
    const dir = folder();
    const owner = await gone();
    const { identity: leftover } = await sleeper();
    writeRecord(dir, owner, [leftover]);
    const lines: string[] = [];

    // Act
    const claim = await claimDataDir(dir, (line) => lines.push(line));

    // Assert
    expect(isRunning(leftover)).toBe(false);
    expect(lines).toEqual([
      `stopped DynamoDB Local (pid ${leftover.pid}) left running by the local cloud started ` +
        `2026-11-30T08:00:00.000Z (pid ${owner.pid}), which ended without stopping it`,
    ]);
    expect(JSON.parse(readFileSync(path.join(dir, RUN_RECORD), "utf8")).owner.pid).toBe(process.pid);
    claim.release();
  });

  it("never signals a recorded pid that now belongs to another process", async () => {
    // Arrange: the recorded child's pid is alive, but started at another time
    const dir = folder();
    const owner = await gone();
    const { identity: other } = await sleeper();
    writeRecord(dir, owner, [{ ...other, startTicks: other.startTicks - 1 }]);
    const lines: string[] = [];

    // Act
    const claim = await claimDataDir(dir, (line) => lines.push(line));
    claim.release();

    // Assert
    expect(isRunning(other)).toBe(true);
    expect(lines).toEqual([]);
  });

  it("takes a folder whose record is unreadable, as after a crash mid-write", async () => {
    // Arrange
    const dir = folder();
    writeFileSync(path.join(dir, RUN_RECORD), '{"owner": {"pid": 12');

    // Act
    const claim = await claimDataDir(dir, () => undefined);

    // Assert
    expect(JSON.parse(readFileSync(path.join(dir, RUN_RECORD), "utf8")).owner.pid).toBe(process.pid);
    claim.release();
  });
});

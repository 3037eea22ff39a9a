import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { identify, isRunning, portHolder, stopIfRunning } from "../../local/processes";

const started: ChildProcess[] = [];

/** A process of our own to look at: `sleep 600`. */
async function sleeper(): Promise<ChildProcess & { pid: number }> {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  started.push(child);
  await new Promise((resolve) => child.once("spawn", resolve));
  return child as ChildProcess & { pid: number };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", resolve));

afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

describe("processes as /proc knows them", () => {
  it("identifies a running process by pid, start time and command line", async () => {
    // Arrange
    const child = await sleeper();

    // Act
    const found = identify(child.pid);

    // Assert
    expect(found).toMatchObject({ pid: child.pid, command: "sleep 600" });
    expect(found?.startTicks).toBeGreaterThan(0);
    expect(identify(process.pid)?.startTicks).toBeLessThanOrEqual(found?.startTicks ?? 0);
  });

  it("stops a recorded process that is still the same one, and reports it gone", async () => {
    // Arrange
    const child = await sleeper();
    const recorded = identify(child.pid);
    if (!recorded) throw new Error("no /proc entry");

    // Act
    const stopped = await stopIfRunning(recorded, 2_000);
    await exited(child);

    // Assert
    expect(stopped).toBe(true);
    expect(child.signalCode).toBe("SIGTERM");
    expect(isRunning(recorded)).toBe(false);
    expect(await stopIfRunning(recorded)).toBe(false);
  });

  it("leaves alone a process whose pid matches but whose start time does not (a reused pid)", async () => {
    // Arrange
    const child = await sleeper();
    const actual = identify(child.pid);
    if (!actual) throw new Error("no /proc entry");
    const reused = { ...actual, startTicks: actual.startTicks - 1 };

    // Act
    const stopped = await stopIfRunning(reused, 500);

    // Assert
    expect(stopped).toBe(false);
    expect(isRunning(actual)).toBe(true);
  });

  it("names the process that listens on a port", async () => {
    // Arrange
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;

    // Act
    const holder = portHolder(port);
    await new Promise((resolve) => server.close(resolve));

    // Assert
    expect(holder?.pid).toBe(process.pid);
    expect(portHolder(port)).toBeUndefined();
  });
});

import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ExecutionRecord } from "../../../local/stepfunctions/records";
import { ExecutionStore } from "../../../local/stepfunctions/store";
import { machineArn, tempDir } from "./helpers";

const MACHINE = machineArn("Store");

function record(
  name: string,
  type: ExecutionRecord["type"],
  status: ExecutionRecord["status"],
): ExecutionRecord {
  const kind = type === "STANDARD" ? "execution" : "express";
  return {
    executionArn: `${MACHINE.replace(":stateMachine:", `:${kind}:`)}:${name}`,
    stateMachineArn: MACHINE,
    stateMachineName: "Store",
    name,
    type,
    status,
    input: "{}",
    startDate: Date.now(),
    closedTokens: [],
    history: [],
  };
}

describe("the local Step Functions execution store", () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = tempDir("sfn-store");
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("writes STANDARD executions to the data folder and a new store loads them back", () => {
    // Arrange
    const dir = newDir();
    const first = new ExecutionStore(dir, () => {});
    const standard = record("kept", "STANDARD", "RUNNING");
    first.add(standard);
    first.add(record("gone", "EXPRESS", "SUCCEEDED"));

    // Act
    const second = new ExecutionStore(dir, () => {});

    // Assert
    expect([...second.values()].map((r) => r.name)).toEqual(["kept"]);
    expect(second.get(standard.executionArn)).toEqual(standard);
    expect(readdirSync(join(dir, "executions"))).toHaveLength(1);
  });

  it("keeps the latest 1,000 EXPRESS executions in memory, never dropping one that still runs", () => {
    // Arrange
    const store = new ExecutionStore(undefined, () => {});
    const running = record("express-running", "EXPRESS", "RUNNING");
    store.add(running);

    // Act
    for (let i = 0; i < 1_001; i++) store.add(record(`express-${i}`, "EXPRESS", "SUCCEEDED"));

    // Assert: the running one holds the queue's head, so nothing behind it is dropped yet.
    expect(store.get(running.executionArn)).toBeDefined();
    expect([...store.values()]).toHaveLength(1_002);
    running.status = "SUCCEEDED";
    store.add(record("express-last", "EXPRESS", "SUCCEEDED"));
    expect(store.get(running.executionArn)).toBeUndefined();
    expect(store.get(record("express-0", "EXPRESS", "SUCCEEDED").executionArn)).toBeUndefined();
    expect([...store.values()]).toHaveLength(1_000);
  });

  it("writes nothing after close(), so a RUNNING execution stays RUNNING on disk", () => {
    // Arrange
    const dir = newDir();
    const store = new ExecutionStore(dir, () => {});
    const held = record("held", "STANDARD", "RUNNING");
    store.add(held);

    // Act
    store.close();
    held.status = "ABORTED";
    store.save(held);

    // Assert
    expect(new ExecutionStore(dir, () => {}).get(held.executionArn)?.status).toBe("RUNNING");
  });

  it("answers ExecutionDoesNotExist for an execution it does not know", () => {
    // Arrange
    const store = new ExecutionStore(undefined, () => {});

    // Act
    const lookup = () => store.getOrThrow(`${MACHINE}:nobody`);

    // Assert
    expect(lookup).toThrow(expect.objectContaining({ name: "ExecutionDoesNotExist" }));
  });
});

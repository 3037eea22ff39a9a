import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const hitl = (...args: string[]) => run(process.execPath, ["bin/hitl.mjs", ...args], { cwd: process.cwd() });

describe("the hitl executable", () => {
  it("lists every command in its help, with an example for each", async () => {
    // Act
    const { stdout } = await hitl("--help");

    // Assert
    const section = stdout.slice(stdout.indexOf("Commands:"), stdout.indexOf("Examples"));
    const commands = [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
      .map((m) => m[1])
      .filter((c) => c !== "help");
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const examples = stdout.slice(stdout.indexOf("Examples"));
    for (const command of commands) expect(examples, command).toContain(`hitl ${command}`);
  });

  it("assigns units from an experiment file, one tab-separated line per unit", async () => {
    // Act
    const { stdout } = await hitl(
      "assign",
      "--experiment",
      "examples/claims-triage.json",
      "user-1",
      "user-2",
    );

    // Assert
    expect(stdout.trim().split("\n")).toHaveLength(2);
    for (const line of stdout.trim().split("\n"))
      expect(line).toMatch(/^user-\d\t(conservative|aggressive|-)$/);
  });
});

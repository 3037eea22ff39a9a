import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_INVALID_INPUT, registerAssign } from "../../cli/commands/assign";
import { hash } from "../../core/assignment/hash";
import { runCli } from "../support/cli";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const example = path.join(repoRoot, "examples/claims-triage.json");
const dir = mkdtempSync(path.join(tmpdir(), "hitl-assign-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function experimentFile(name: string, experiment: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof experiment === "string" ? experiment : JSON.stringify(experiment));
  return file;
}

/** hashSeed "seed": GrowthBook's published cases give unit "a" 0.0505 and unit "b" 0.2696. */
function seedExperiment(weights: [number, number], extra: Record<string, unknown> = {}) {
  return {
    id: "seeded",
    hashSeed: "seed",
    status: "running",
    control: "control",
    arms: [
      { id: "control", weight: weights[0], policy: { autoAcceptAbove: 0.9 } },
      { id: "treatment", weight: weights[1], policy: { autoAcceptAbove: 0.8 } },
    ],
    ...extra,
  };
}

/** Runs `hitl assign ...` in-process through commander, capturing output and the exit code. */
const runAssign = (args: string[]) => runCli(registerAssign, ["assign", ...args]);

describe("hitl assign", () => {
  it("prints one UNIT_ID<TAB>ARM_ID line per unit, in the order given", async () => {
    const file = experimentFile("uneven.json", seedExperiment([0.1, 0.9]));

    const run = await runAssign(["--experiment", file, "b", "a"]);

    expect(run.stdout).toBe("b\ttreatment\na\tcontrol\n");
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBeUndefined();
  });

  it("prints a dash for a unit outside the coverage", async () => {
    // Coverage 0.5 of 50/50 leaves [0, 0.25) and [0.5, 0.75): 0.0505 is in, 0.2696 is out.
    const file = experimentFile("half.json", seedExperiment([0.5, 0.5], { coverage: 0.5 }));

    const run = await runAssign(["--experiment", file, "a", "b"]);

    expect(run.stdout).toBe("a\tcontrol\nb\t-\n");
  });

  it("assigns the units of the shipped example as the conformance-tested hash says", async () => {
    // hash("claims-triage", "user-1", 2) = 0.7246 (second half: aggressive), "user-2" = 0.1456 (conservative).
    expect(hash("claims-triage", "user-1", 2)).toBe(0.7246);
    expect(hash("claims-triage", "user-2", 2)).toBe(0.1456);

    const run = await runAssign(["--experiment", example, "user-1", "user-2"]);

    expect(run.stdout).toBe("user-1\taggressive\nuser-2\tconservative\n");
  });

  it("prints a dash for every unit of an experiment that is not running, and says why", async () => {
    const file = experimentFile("draft.json", seedExperiment([0.5, 0.5], { status: "draft" }));

    const run = await runAssign(["--experiment", file, "a", "b"]);

    expect(run.stdout).toBe("a\t-\nb\t-\n");
    expect(run.stderr).toBe("note: experiment seeded is draft; only running experiments enrol units\n");
    expect(run.exitCode).toBeUndefined();
  });

  it("names the invalid field on stderr and exits with code 2", async () => {
    const file = experimentFile("bad-weights.json", seedExperiment([0.5, 0.4]));

    const run = await runAssign(["--experiment", file, "a"]);

    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `${file}: the experiment is not valid:\narms[1].weight: weights sum to 0.9, must sum to 1 (±0.001)\n`,
    );
    expect(run.exitCode).toBe(EXIT_INVALID_INPUT);
  });

  it("exits with code 2 when the file is not JSON", async () => {
    const file = experimentFile("broken.json", "{ not json");

    const run = await runAssign(["--experiment", file, "a"]);

    expect(run.stderr).toMatch(/broken\.json: cannot read the experiment: /);
    expect(run.exitCode).toBe(2);
  });

  it("exits with code 2 when the file does not exist", async () => {
    const run = await runAssign(["--experiment", path.join(dir, "missing.json"), "a"]);

    expect(run.stderr).toMatch(/missing\.json: cannot read the experiment: .*ENOENT/);
    expect(run.exitCode).toBe(2);
  });

  it("requires --experiment", async () => {
    const run = await runAssign(["a"]);

    expect(run.error?.code).toBe("commander.missingMandatoryOptionValue");
    expect(run.stderr).toMatch(/--experiment <file>/);
  });

  it("shows an example in its help", async () => {
    const run = await runAssign(["--help"]);

    expect(run.stdout).toContain(
      "Example:\n  hitl assign --experiment examples/claims-triage.json user-1 user-2",
    );
  });
});

describe("hitl assign in a separate process", () => {
  // A real Node process with the exit code the shell sees. Until the lead registers the command in
  // cli/commands/index.ts, a two-line harness stands in for bin/hitl.mjs.
  const harness = [
    'import { Command } from "commander";',
    'import { registerAssign } from "./cli/commands/assign.ts";',
    'const program = new Command("hitl");',
    "registerAssign(program);",
    "await program.parseAsync(process.argv.slice(1), { from: 'user' });",
  ].join("\n");

  async function runProcess(args: string[]) {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", harness, "--", "assign", ...args],
        { cwd: repoRoot },
      );
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout: string; stderr: string; code: number };
      return { stdout: e.stdout, stderr: e.stderr, code: e.code };
    }
  }

  it("prints the assignments and exits 0", async () => {
    const result = await runProcess(["--experiment", "examples/claims-triage.json", "user-1", "user-2"]);

    expect(result).toEqual({ stdout: "user-1\taggressive\nuser-2\tconservative\n", stderr: "", code: 0 });
  });

  it("exits with code 2 on an invalid experiment", async () => {
    const file = experimentFile("bad-control.json", seedExperiment([0.5, 0.5], { control: "nobody" }));

    const result = await runProcess(["--experiment", file, "a"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('control: "nobody" names no arm (arms: control, treatment)');
  });
});

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { assignArm, isEnrolling } from "../../core/assignment/assign";
import { formatErrors, newExperiment, parseExperiment } from "../../core/experiments/validate";

/** Exit code for input the user must fix (unreadable file, invalid experiment). */
export const EXIT_INVALID_INPUT = 2;

/**
 * `hitl assign --experiment FILE UNIT_ID...`: prints `UNIT_ID<TAB>ARM_ID` per unit, or `UNIT_ID<TAB>-`
 * when the unit is not enrolled (outside coverage, in a paused arm, or the experiment is not running).
 * Output goes through the program's output configuration so it can be captured.
 */
export function registerAssign(program: Command): void {
  program
    .command("assign")
    .description("print the arm each unit is assigned to (GrowthBook-compatible hashing, offline)")
    .requiredOption("--experiment <file>", "experiment JSON file")
    .argument("<unitIds...>", "unit ids (customer, document, ticket)")
    .addHelpText("after", "\nExample:\n  hitl assign --experiment examples/claims-triage.json user-1 user-2")
    .action(async function (this: Command, unitIds: string[], options: { experiment: string }) {
      const output = this.configureOutput();
      const writeOut = output.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = output.writeErr ?? ((s: string) => process.stderr.write(s));
      const fail = (message: string) => {
        writeErr(`${message}\n`);
        // exitCode rather than exit(): lets pending output flush and keeps the command testable in-process.
        process.exitCode = EXIT_INVALID_INPUT;
      };

      let json: unknown;
      try {
        json = JSON.parse(await readFile(options.experiment, "utf8"));
      } catch (error) {
        fail(
          `${options.experiment}: cannot read the experiment: ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }

      const parsed = parseExperiment(json);
      if (!parsed.ok) {
        fail(`${options.experiment}: the experiment is not valid:\n${formatErrors(parsed.errors)}`);
        return;
      }

      const experiment = newExperiment(parsed.value, new Date().toISOString());
      if (!isEnrolling(experiment)) {
        writeErr(
          `note: experiment ${experiment.id} is ${experiment.status}; only running experiments enrol units\n`,
        );
      }
      const lines = unitIds.map((unitId) => {
        const assignment = assignArm(experiment, unitId);
        return `${unitId}\t${assignment.enrolled ? assignment.armId : "-"}\n`;
      });
      writeOut(lines.join(""));
    });
}

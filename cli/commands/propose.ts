/**
 * `hitl experiments propose ID [--target-error A] [--yes]`: the report's certified next automation
 * level, written as a new arm (half of its source arm's weight) in a new config version, after
 * showing the change and asking. The change goes through `PUT /v1/experiments/{id}`, so it is a new
 * version with an `experiment-changed` entry in the audit trail.
 */

import { createInterface } from "node:readline/promises";
import { type Command, InvalidArgumentError } from "commander";
import type { ReportQuery } from "../../client";
import { proposeChange } from "../../core/experiments/propose";
import type { Experiment, ExperimentInput } from "../../core/experiments/schema";
import type { ExperimentReport } from "../../core/report";
import { clientFor } from "../hitl-client";

export interface ProposeDeps {
  fetchReport: (id: string, query: ReportQuery) => Promise<ExperimentReport>;
  fetchExperiment: (id: string) => Promise<Experiment>;
  saveExperiment: (id: string, config: ExperimentInput) => Promise<Experiment>;
  /** Asks the question; true for yes. */
  confirm: (question: string) => Promise<boolean>;
  write: (text: string) => void;
  writeErr: (text: string) => void;
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const defaults = (): ProposeDeps => ({
  fetchReport: (id, query) => clientFor("analyst").experiments.report(id, query),
  fetchExperiment: (id) => clientFor("admin").experiments.get(id),
  saveExperiment: (id, config) => clientFor("admin").experiments.update(id, config),
  confirm: ask,
  write: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
});

function targetError(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n < 1)) throw new InvalidArgumentError("must be a number in (0, 1)");
  return n;
}

/** Exit codes: 0 written (or declined), 1 nothing to propose or the change failed. */
export async function propose(
  id: string,
  options: { targetError?: number; yes?: boolean },
  deps: ProposeDeps,
): Promise<number> {
  const query = options.targetError !== undefined ? { targetError: options.targetError } : {};
  const report = await deps.fetchReport(id, query);
  const proposal = report.recommendation.proposed;
  if (!proposal) {
    const why = report.arms.some((a) => a.certificate)
      ? "no threshold below an arm's own is certified yet"
      : "no certificate: give --target-error or set the experiment's certification.targetError";
    deps.writeErr(`propose: nothing to propose for ${id}: ${why}\n`);
    return 1;
  }
  const experiment = await deps.fetchExperiment(id);
  const change = proposeChange(experiment, proposal);
  deps.write(
    `${proposal.sentence}\n\nChange to ${id} (version ${experiment.version} → ${experiment.version + 1}):\n${change.diff.map((l) => `  ${l}`).join("\n")}\n`,
  );
  if (!options.yes && !(await deps.confirm("Write this as a new config version? [y/N] "))) {
    deps.write("Nothing written.\n");
    return 0;
  }
  const saved = await deps.saveExperiment(id, change.config);
  deps.write(`Wrote version ${saved.version} of ${id} with arm ${change.arm}.\n`);
  return 0;
}

export function registerPropose(experiments: Command, deps: Partial<ProposeDeps> = {}): void {
  experiments
    .command("propose <id>")
    .description("write the certified next automation level as a new arm (shows the change, asks first)")
    .option("--target-error <alpha>", "certify at this error among automated decisions", targetError)
    .option("--yes", "write without asking (scripts)")
    .action(async (id: string, options: { targetError?: number; yes?: boolean }) => {
      const all = { ...defaults(), ...deps };
      try {
        process.exitCode = await propose(id, options, all);
      } catch (error) {
        all.writeErr(`propose: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}

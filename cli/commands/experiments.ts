import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { ExperimentInput } from "../../client";
import { clientFor } from "../hitl-client";
import { guarded, printJson, table } from "../output";
import { registerPropose } from "./propose";

// The API validates the file and names what is wrong in it.
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as ExperimentInput;

export function registerExperiments(program: Command): void {
  const experiments = program
    .command("experiments")
    .description("create, read, list and change experiments (admin role)")
    .addHelpText(
      "after",
      "\nExamples:\n  hitl experiments create examples/claims-triage.json\n  hitl experiments list\n  hitl experiments get claims-triage\n  hitl experiments update claims-triage changed.json\n  hitl experiments propose claims-triage --target-error 0.01",
    );
  experiments
    .command("create <file>")
    .description("create an experiment from a JSON file")
    .action((file: string) =>
      guarded(async () => printJson(await clientFor("admin").experiments.create(readJson(file)))),
    );
  experiments
    .command("list")
    .description("list experiments with status and version")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) =>
      guarded(async () => {
        const list = await clientFor("admin").experiments.list();
        if (options.json) return printJson(list);
        process.stdout.write(
          `${table(
            list.map((e) => ({
              id: e.id,
              status: e.status,
              version: e.version,
              control: e.control,
              arms: e.arms.map((a) => `${a.id}:${a.weight}`).join(" "),
              updatedAt: e.updatedAt,
            })),
          )}\n`,
        );
      }),
    );
  experiments
    .command("get <id>")
    .description("print an experiment's current config")
    .action((id: string) => guarded(async () => printJson(await clientFor("admin").experiments.get(id))));
  experiments
    .command("update <id> <file>")
    .description("replace an experiment's config (makes a new version)")
    .action((id: string, file: string) =>
      guarded(async () => printJson(await clientFor("admin").experiments.update(id, readJson(file)))),
    );
  registerPropose(experiments);
}

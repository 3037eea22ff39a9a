import { Command } from "commander";
import { registerCommands } from "./commands";

const program = new Command()
  .name("hitl")
  .description("hitl-lab: automation-level experiments with human review, on AWS or the embedded local cloud")
  .showHelpAfterError();

registerCommands(program);

await program.parseAsync(process.argv);

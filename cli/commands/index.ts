import type { Command } from "commander";
import { registerAssign } from "./assign";
import { registerDev } from "./dev";

/** Each command module adds itself to the program; the order here is the order in `hitl --help`. */
export function registerCommands(program: Command): void {
  registerDev(program);
  registerAssign(program);
}

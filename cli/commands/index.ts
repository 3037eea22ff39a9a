import type { Command } from "commander";
import { registerAssign } from "./assign";
import { registerDecide } from "./decide";
import { registerDev } from "./dev";
import { registerExperiments } from "./experiments";
import { registerFeedback } from "./feedback";
import { registerMetrics } from "./metrics";
import { registerReplay } from "./replay";
import { registerReport } from "./report";
import { registerReview } from "./review";
import { registerReviewers } from "./reviewers";

/** Each command module adds itself to the program; the order here is the order in `hitl --help`. */
export function registerCommands(program: Command): void {
  registerDev(program);
  registerExperiments(program);
  registerDecide(program);
  registerReview(program);
  registerReviewers(program);
  registerReport(program);
  registerMetrics(program);
  registerFeedback(program);
  registerReplay(program);
  registerAssign(program);
}

import type { TemplateResolver } from "../template/resolve";
import type { CloudAssembly } from "../template/types";
import { scheduleSpecs } from "./from-template";
import { type LocalSchedules, type ScheduleRunnerOptions, startSchedules } from "./runner";

export {
  parseRate,
  type ScheduleSpec,
  type ScheduleTarget,
  type SkippedSchedule,
  scheduleSpecs,
} from "./from-template";
export {
  type LocalSchedules,
  type RunNowOptions,
  SCHEDULE_SCALE_ENV,
  type ScheduleInvocation,
  startSchedules,
} from "./runner";

/** The templates' rate schedules, started on timers (docs/guardrails.md, "Locally"). */
export function schedulesFromTemplates(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
  options: Omit<ScheduleRunnerOptions, "specs" | "skipped">,
): LocalSchedules {
  const { specs, skipped } = scheduleSpecs(resolver, assembly);
  return startSchedules({ ...options, specs, skipped });
}

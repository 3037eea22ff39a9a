/**
 * The scenarios `npm run bench` knows, in the order they run by default. To add one (for example
 * issue 4 §6 "metrics": aggregated events/s, WRU per event, read time of 1M decisions at two sizes;
 * or issue 5 §5 "report": the report of a 1M-decision experiment): write `bench/scenarios/<name>.ts`
 * exporting a `Scenario` (bench/context.ts) and list it here. It gets the shared local cloud, the
 * recorder (call `ctx.recorder.begin("<name>")` around what it measures) and returns Markdown + data.
 */
import type { Scenario } from "../context";
import { client } from "./client";
import { edge } from "./edge";
import { metrics } from "./metrics";
import { report } from "./report";
import { review } from "./review";
import { routing } from "./routing";
import { soak } from "./soak";

export const SCENARIOS: readonly Scenario[] = [routing, review, metrics, report, edge, client, soak];

export const scenarioNames = (): string[] => SCENARIOS.map((s) => s.name);

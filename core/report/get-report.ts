import { z } from "zod";
import { notFound, validationFailed } from "../errors";
import { parseWithSchema } from "../experiments/validate";
import type { CounterRow } from "../metrics/read";
import type { ExperimentStore } from "../ports";
import { buildReport } from "./build";
import { CORRECTIONS, type Correction, type ExperimentReport, type ReportOptions } from "./types";

/**
 * Reads every counter row of an experiment, one per (arm, hour): the metrics store reads its daily
 * roll-ups of sealed days and one Query per shard for the hours after them.
 */
export interface CounterReader {
  readExperiment(experimentId: string): Promise<CounterRow[]>;
}

export interface ReportDeps {
  experiments: Pick<ExperimentStore, "get">;
  counters: CounterReader;
  now: () => Date;
}

const numberParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, "must be a number")
    .transform(Number)
    .pipe(z.number().gt(min).lt(max));

/** Query string options of `GET /v1/experiments/{id}/report`; unknown parameters are refused. */
export const ReportQuerySchema = z.strictObject({
  alpha: numberParam(0, 0.5).optional(),
  correction: z.enum(CORRECTIONS as [Correction, ...Correction[]]).optional(),
  tuning: numberParam(0, 1e12).optional(),
  minAudits: numberParam(-1, 1e9).optional(),
  /** Certify each arm at this error among automated decisions (default: the experiment's certification). */
  targetError: numberParam(0, 1).optional(),
});

/** Options from a query string, or a 400 naming the parameter. */
export function parseReportQuery(query: Record<string, string>): Partial<ReportOptions> {
  const parsed = parseWithSchema(ReportQuerySchema, query, "query");
  if (!parsed.ok) throw validationFailed("report query", parsed.errors);
  const { alpha, correction, tuning, minAudits, targetError } = parsed.value;
  return {
    ...(alpha !== undefined ? { alpha } : {}),
    ...(correction !== undefined ? { correction } : {}),
    ...(tuning !== undefined ? { tuning } : {}),
    ...(minAudits !== undefined ? { minAudits } : {}),
    ...(targetError !== undefined ? { targetError } : {}),
  };
}

/** The report of one experiment: its current config and every counter row, read at once. */
export async function getReport(
  deps: ReportDeps,
  experimentId: string,
  options: Partial<ReportOptions> = {},
): Promise<ExperimentReport> {
  const [experiment, rows] = await Promise.all([
    deps.experiments.get(experimentId),
    deps.counters.readExperiment(experimentId),
  ]);
  if (!experiment) throw notFound("experiment", experimentId);
  return buildReport({ experiment, rows, now: deps.now(), options });
}

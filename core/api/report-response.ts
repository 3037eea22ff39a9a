/**
 * The report's answer for the OpenAPI document: every top-level field with its type, the
 * per-arm and statistical parts as open objects (their fields and formulas are docs/report.md).
 * A compile-time check ties the fields to core/report's ExperimentReport.
 */
import { z } from "zod";
import { type ExperimentReport, REPORT_SCHEMA_VERSION } from "../report/types";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const open = (description: string) => z.looseObject({}).meta({ description });

export const ReportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    experimentId: z.string(),
    generatedAt: z.string(),
    experiment: z.object({
      version: z.number().int(),
      status: z.string(),
      control: z.string(),
      qualityMargin: z.number(),
      coverage: z.number(),
      arms: z.array(z.object({ id: z.string(), weight: z.number(), paused: z.boolean() })),
    }),
    options: open("the options the report was computed with: alpha, correction, tuning, minAudits, …"),
    period: z
      .object({ from: z.string().nullable(), to: z.string().nullable(), hours: z.number(), days: z.number() })
      .meta({ description: "first and last UTC hour with counters" }),
    arms: z.array(open("one arm's metrics with intervals, its certificate and feedback quality")),
    comparisons: z.array(open("a treatment against control on one metric: difference, interval, p-value")),
    srm: open("the sample-ratio-mismatch check"),
    agreement: z.object({
      threshold: z.number(),
      overall: open("Cohen's kappa of the first two labels"),
      family: open("Fleiss, Krippendorff and the rest").optional(),
    }),
    recommendation: z.object({
      decision: z.enum(["ship", "keep-control", "keep-running", "investigate"]),
      proposed: open("the certified next automation level, when the data support one").optional(),
      arm: z.string().nullable(),
      headline: z.string(),
      reasons: z.array(z.string()),
    }),
    warnings: z.array(open("a warning: code, arm and message")),
    notTested: z.array(z.object({ metric: z.string(), reason: z.string() })),
    daily: z.array(open("one arm's day")),
    hourly: z.array(open("one arm's hour")),
    finance: open("cost per decision and per arm"),
  })
  .meta({ id: "Report", description: "the report's JSON contract: docs/report.md" });

const _report: Same<keyof z.infer<typeof ReportSchema>, keyof ExperimentReport> = true;
const _recommendation: Same<
  keyof z.infer<typeof ReportSchema>["recommendation"],
  keyof ExperimentReport["recommendation"]
> = true;
const _experiment: Same<z.infer<typeof ReportSchema>["experiment"], ExperimentReport["experiment"]> = true;
void [_report, _recommendation, _experiment];

import { writeFile } from "node:fs/promises";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { ReportQuery } from "../../client";
import { CORRECTIONS, type Correction, type ExperimentReport } from "../../core/report";
import { clientFor } from "../hitl-client";
import { renderFinanceCsv, renderFinanceText } from "../render/finance";
import { renderReportCsv } from "../render/report-csv";
import { renderReportHtml } from "../render/report-html";
import { renderReportMarkdown, renderReportText } from "../render/report-text";

/** Exit code when the report cannot be fetched or written (unknown experiment, no API, bad file). */
export const EXIT_FAILED = 2;

export const REPORT_FORMATS = ["table", "json", "csv", "md", "html"] as const;
type Format = (typeof REPORT_FORMATS)[number];

interface ReportCliOptions {
  format: Format;
  out?: string;
  finance?: boolean;
  correction?: Correction;
  alpha?: number;
}

export interface ReportCommandDeps {
  /** Fetches the report; default: `GET /v1/experiments/{id}/report` with the analyst token. */
  fetchReport?: (id: string, query: ReportQuery) => Promise<ExperimentReport>;
  now?: () => Date;
}

function alphaOption(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n < 0.5))
    throw new InvalidArgumentError("must be a number in (0, 0.5)");
  return n;
}

/** The output for a format; `--finance` switches to the finance view (daily cost per arm and component). */
export function renderReport(report: ExperimentReport, format: Format, finance: boolean, now?: Date): string {
  if (format === "json")
    return `${JSON.stringify(finance ? { experimentId: report.experimentId, daily: report.daily, finance: report.finance } : report, null, 2)}\n`;
  if (finance) {
    if (format === "csv") return renderFinanceCsv(report);
    if (format === "md") return renderFinanceText(report, true);
    if (format === "table") return renderFinanceText(report);
  }
  switch (format) {
    case "csv":
      return renderReportCsv(report);
    case "md":
      return renderReportMarkdown(report);
    case "html":
      return renderReportHtml(report, now ? { generatedAt: now.toISOString() } : {});
    default:
      return renderReportText(report);
  }
}

/**
 * `hitl report ID`: the experiment report (which automation level to ship, with every metric,
 * comparison, guardrail and check) from `GET /v1/experiments/{id}/report` (analyst role).
 * `--finance` gives daily cost per decision per arm and component, totals and a monthly projection.
 */
export function registerReport(program: Command, deps: ReportCommandDeps = {}): void {
  program
    .command("report <id>")
    .description("the experiment report: recommendation, metrics with intervals, comparisons, checks")
    .addOption(new Option("--format <format>", "output format").choices(REPORT_FORMATS).default("table"))
    .option("--out <file>", "write to this file instead of stdout")
    .option("--finance", "finance view: daily cost per decision per arm and component, totals, projection")
    .addOption(
      new Option("--correction <method>", "p-value adjustment across comparisons").choices(CORRECTIONS),
    )
    .addOption(new Option("--alpha <alpha>", "significance level (default 0.05)").argParser(alphaOption))
    .addHelpText(
      "after",
      "\nExamples:\n  hitl report claims-triage\n  hitl report claims-triage --format html --out report.html\n  hitl report claims-triage --finance --format csv --out finance.csv",
    )
    .action(async function (this: Command, id: string, options: ReportCliOptions) {
      const output = this.configureOutput();
      const writeOut = output.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = output.writeErr ?? ((s: string) => process.stderr.write(s));
      if (options.finance && options.format === "html") {
        writeErr(
          "report: --finance has no HTML view (the HTML report has a finance section); use csv, table, md or json\n",
        );
        process.exitCode = EXIT_FAILED;
        return;
      }
      const query: ReportQuery = {
        ...(options.correction ? { correction: options.correction } : {}),
        ...(options.alpha !== undefined ? { alpha: String(options.alpha) } : {}),
      };
      let report: ExperimentReport;
      try {
        const fetchReport =
          deps.fetchReport ??
          ((name: string, q: ReportQuery) => clientFor("analyst").experiments.report(name, q));
        report = await fetchReport(id, query);
      } catch (error) {
        writeErr(`report: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      const text = renderReport(
        report,
        options.format,
        options.finance === true,
        (deps.now ?? (() => new Date()))(),
      );
      if (options.out === undefined) {
        writeOut(text);
        return;
      }
      try {
        await writeFile(options.out, text);
        writeErr(`wrote ${options.out}\n`);
      } catch (error) {
        writeErr(
          `report: cannot write ${options.out}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exitCode = EXIT_FAILED;
      }
    });
}

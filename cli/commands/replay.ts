import { open, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type CostModel,
  DEFAULT_COST_MODEL,
  parseThresholdList,
  ReplayAccumulator,
  type ReplayResult,
  thresholdRange,
} from "../../core/replay";
import { lineProgress } from "../render/progress";
import { renderReplayHtml } from "../render/replay-html";
import {
  badLineWarning,
  renderReplayCsv,
  renderReplayJson,
  renderReplayMarkdown,
  renderReplayText,
} from "../render/replay-report";

/** Exit code for input the user must fix (unreadable log, no valid decisions, bad options). */
export const EXIT_INVALID_INPUT = 2;

const FORMATS = ["table", "json", "csv", "md"] as const;
type Format = (typeof FORMATS)[number];

interface ReplayCliOptions {
  log: string;
  thresholds?: number[];
  from: number;
  to: number;
  step: number;
  targetError: number;
  confidence: number;
  alwaysHumanTopics?: string[];
  modelCost: number;
  hourlyRate: number;
  perReviewUsd?: number;
  defaultHandlingSeconds: number;
  format: Format;
  html?: string;
}

function probability(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !(number >= 0 && number <= 1)) {
    throw new InvalidArgumentError("must be a number between 0 and 1");
  }
  return number;
}

function openUnit(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !(number > 0 && number < 1)) {
    throw new InvalidArgumentError("must be a number strictly between 0 and 1");
  }
  return number;
}

function nonNegative(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !(Number.isFinite(number) && number >= 0)) {
    throw new InvalidArgumentError("must be a number >= 0");
  }
  return number;
}

function positive(value: string): number {
  const number = nonNegative(value);
  if (number === 0) throw new InvalidArgumentError("must be a number > 0");
  return number;
}

function thresholdList(value: string): number[] {
  try {
    return parseThresholdList(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function topicList(value: string): string[] {
  return value
    .split(",")
    .map((topic) => topic.trim())
    .filter((topic) => topic !== "");
}

function costModel(options: ReplayCliOptions): CostModel {
  return {
    defaultModelCostUsd: options.modelCost,
    human:
      options.perReviewUsd === undefined
        ? {
            kind: "hourly",
            hourlyRateUsd: options.hourlyRate,
            defaultHandlingSeconds: options.defaultHandlingSeconds,
          }
        : { kind: "per-review", usd: options.perReviewUsd },
  };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * `hitl replay --log FILE`: what each confidence threshold would have done to historical decisions
 * (automation rate, error rates, cost per decision, all with intervals), the cheapest threshold
 * that meets a target error rate, and the threshold certified by Learn-Then-Test. The log is streamed line by line, so its size does not matter.
 * Formulas and assumptions: docs/replay.md.
 */
export function registerReplay(program: Command): void {
  const human = DEFAULT_COST_MODEL.human.kind === "hourly" ? DEFAULT_COST_MODEL.human : undefined;
  program
    .command("replay")
    .description("replay historical decisions: automation, errors and cost per confidence threshold")
    .requiredOption(
      "--log <file>",
      "JSON Lines: confidence, label, truth, optional topic, costUsd, handlingSeconds",
    )
    .addOption(
      new Option("--thresholds <list>", "comma-separated thresholds, instead of a range (e.g. 0.8,0.9,0.95)")
        .argParser(thresholdList)
        .conflicts(["from", "to", "step"]),
    )
    .addOption(
      new Option("--from <threshold>", "lowest threshold of the range").argParser(probability).default(0.5),
    )
    .addOption(
      new Option("--to <threshold>", "highest threshold of the range").argParser(probability).default(0.99),
    )
    .addOption(new Option("--step <step>", "step of the range").argParser(positive).default(0.01))
    .addOption(
      new Option("--target-error <rate>", "highest acceptable error rate among automated decisions")
        .argParser(probability)
        .default(0.02),
    )
    .addOption(
      new Option(
        "--confidence <level>",
        "coverage of every interval, of the target check and of the certificate (1 − δ)",
      )
        .argParser(openUnit)
        .default(0.95),
    )
    .addOption(
      new Option(
        "--always-human-topics <topics>",
        "comma-separated topics a person always handles",
      ).argParser(topicList),
    )
    .addOption(
      new Option("--model-cost <usd>", "model cost per decision for lines without costUsd")
        .argParser(nonNegative)
        .default(DEFAULT_COST_MODEL.defaultModelCostUsd),
    )
    .addOption(
      new Option("--hourly-rate <usd>", "reviewer cost per hour")
        .argParser(nonNegative)
        .default(human?.hourlyRateUsd),
    )
    .addOption(
      new Option("--default-handling-seconds <seconds>", "review time of a held line without handlingSeconds")
        .argParser(nonNegative)
        .default(human?.defaultHandlingSeconds),
    )
    .addOption(
      new Option(
        "--per-review-usd <usd>",
        "flat cost per human review, instead of hourly rate × handling time",
      )
        .argParser(nonNegative)
        .conflicts(["hourlyRate", "defaultHandlingSeconds"]),
    )
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("table"))
    .option("--html <file>", "also write a self-contained HTML page with charts")
    .addHelpText(
      "after",
      "\nExample:\n  hitl replay --log examples/history.jsonl --target-error 0.02 --confidence 0.95",
    )
    .action(async function (this: Command, options: ReplayCliOptions) {
      const output = this.configureOutput();
      const writeOut = output.writeOut ?? ((s: string) => process.stdout.write(s));
      const writeErr = output.writeErr ?? ((s: string) => process.stderr.write(s));
      const fail = (text: string) => {
        writeErr(`${text}\n`);
        // exitCode rather than exit(): lets pending output flush and keeps the command testable in-process.
        process.exitCode = EXIT_INVALID_INPUT;
      };

      let replay: ReplayAccumulator;
      try {
        replay = new ReplayAccumulator({
          thresholds: options.thresholds ?? thresholdRange(options.from, options.to, options.step),
          targetError: options.targetError,
          confidence: options.confidence,
          alwaysHumanTopics: options.alwaysHumanTopics,
          cost: costModel(options),
        });
      } catch (error) {
        fail(`replay: ${message(error)}`);
        return;
      }

      const result = await readLog(options.log, replay, writeErr);
      if (typeof result === "string") {
        fail(`${options.log}: cannot read the log: ${result}`);
        return;
      }
      if (result.decisions === 0) {
        writeErr(badLineWarning(result));
        fail(`${options.log}: no valid decisions in ${result.linesRead} lines; nothing to replay`);
        return;
      }
      if (result.alwaysHumanTopics.length > 0 && result.alwaysHumanDecisions === 0) {
        writeErr(
          `note: no decision has topic ${result.alwaysHumanTopics.join(", ")} (topics match exactly)\n`,
        );
      }

      const report = { source: options.log, chartWidth: chartWidth() };
      switch (options.format) {
        case "json":
          writeErr(badLineWarning(result));
          writeOut(renderReplayJson(result, options.log));
          break;
        case "csv":
          writeErr(badLineWarning(result));
          writeOut(renderReplayCsv(result));
          break;
        case "md":
          writeOut(renderReplayMarkdown(result, report));
          break;
        default:
          writeOut(renderReplayText(result, report));
      }

      if (options.html !== undefined) {
        try {
          await writeFile(
            options.html,
            renderReplayHtml(result, { source: options.log, generatedAt: new Date().toISOString() }),
          );
          writeErr(`wrote ${options.html}\n`);
        } catch (error) {
          fail(`${options.html}: cannot write the HTML page: ${message(error)}`);
        }
      }
    });
}

/** Wider charts on a wide terminal; 60 columns for pipes and files, which is what docs and tests see. */
function chartWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns === undefined ? 60 : Math.max(40, Math.min(100, columns - 12));
}

/** Streams the log into the replay; returns the result, or the reason the file could not be read. */
async function readLog(
  file: string,
  replay: ReplayAccumulator,
  writeErr: (text: string) => void,
): Promise<ReplayResult | string> {
  let handle: Awaited<ReturnType<typeof open>>;
  let size: number;
  try {
    handle = await open(file, "r");
  } catch (error) {
    return message(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return "not a regular file";
    }
    size = info.size;
  } catch (error) {
    await handle.close();
    return message(error);
  }

  const stream = handle.createReadStream({ encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const progress = lineProgress({ write: writeErr, enabled: process.stderr.isTTY === true });
  try {
    for await (const line of lines) {
      replay.addLine(line);
      progress.update(replay.linesRead, size > 0 ? stream.bytesRead / size : undefined);
    }
  } catch (error) {
    return message(error);
  } finally {
    progress.done();
    lines.close();
    stream.destroy();
  }
  return replay.result();
}

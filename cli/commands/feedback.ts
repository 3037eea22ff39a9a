import { createWriteStream, type WriteStream } from "node:fs";
import { type Command, Option } from "commander";
import type { AckRequest } from "../../client";
import { clientFor } from "../hitl-client";
import { guarded, printJson } from "../output";

const write = (out: WriteStream | NodeJS.WriteStream, text: string) =>
  new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));

/** Pages through every correction (from `since`), writing JSON Lines to `out`; progress goes to stderr. */
export async function exportAll(options: {
  since?: string;
  format?: string;
  out?: string;
  pageSize?: string;
}): Promise<number> {
  const ml = clientFor("ml");
  const out = options.out ? createWriteStream(options.out) : process.stdout;
  let total = 0;
  let pages = 0;
  let cursor: string | undefined;
  try {
    do {
      const page = await ml.feedback.page({
        limit: Number(options.pageSize ?? "1000"),
        ...(options.since ? { since: options.since } : {}),
        ...(options.format ? { format: options.format } : {}),
        ...(cursor ? { cursor } : {}),
      });
      await write(out, page.text);
      total += page.records;
      pages += 1;
      cursor = page.nextCursor;
      process.stderr.write(`page ${pages}: ${total} correction(s)${cursor ? ", more to come" : ""}\n`);
    } while (cursor);
  } finally {
    if (out !== process.stdout) await new Promise<void>((resolve) => (out as WriteStream).end(resolve));
  }
  return total;
}

export function registerFeedback(program: Command): void {
  const feedback = program
    .command("feedback")
    .description("the model's corrections for the ML team (ml role): export them, acknowledge them")
    .addHelpText(
      "after",
      "\nExamples:\n  hitl feedback export --since 2026-11-01T00:00:00Z --out corrections.jsonl\n  hitl feedback export --format preference --out pairs.jsonl\n  hitl feedback ack --until 2026-11-25T00:00:00Z --model-version m-8 --stage training\n  hitl feedback ack --ids fb-review-d-1,fb-audit-d-2 --model-version m-8 --stage evaluation",
    );
  feedback
    .command("export")
    .description("write every correction (from --since on) as JSON Lines, following the pages to the end")
    .option("--since <iso>", "only corrections produced at or after this time")
    .option("--out <file>", "write to this file instead of stdout")
    .option("--page-size <n>", "records per request, 1 to 1000", "1000")
    .addOption(
      new Option(
        "--format <format>",
        "records as stored, or training lines: preference (prompt/chosen/rejected), sft (prompt/completion), labels",
      )
        .choices(["records", "preference", "sft", "labels"])
        .default("records"),
    )
    .action((o: { since?: string; out?: string; pageSize?: string; format?: string }) =>
      guarded(async () => {
        const total = await exportAll(o);
        process.stderr.write(`exported ${total} correction(s)${o.out ? ` to ${o.out}` : ""}\n`);
      }),
    );
  feedback
    .command("ack")
    .description("record that a model version took corrections in at a stage")
    .option("--until <iso>", "every correction produced up to this time not yet acknowledged for the stage")
    .option("--ids <ids>", "comma-separated feedback ids (at most 99)")
    .requiredOption("--model-version <v>", "the model version that took them in")
    .requiredOption("--stage <stage>", "training, evaluation or deployed")
    .action((o: { until?: string; ids?: string; modelVersion: string; stage: string }) =>
      guarded(async () => {
        if (Boolean(o.until) === Boolean(o.ids)) throw new Error("give either --until or --ids");
        printJson(
          // The API checks the stage and names the problem.
          await clientFor("ml").feedback.ack({
            ...(o.until
              ? { until: o.until }
              : { feedbackIds: (o.ids ?? "").split(",").map((id) => id.trim()) }),
            modelVersion: o.modelVersion,
            stage: o.stage,
          } as AckRequest),
        );
      }),
    );

  program
    .command("ground-truth <decisionId>")
    .description("attach later ground truth (a chargeback, a complaint) to a decision (producer role)")
    .requiredOption("--label <label>", "the true label")
    .requiredOption("--source <source>", "where it came from, e.g. chargeback or complaint")
    .option("--role <role>", "producer or ml", "producer")
    .addHelpText("after", "\nExample:\n  hitl ground-truth claim-2026-001 --label deny --source chargeback")
    .action((decisionId: string, o: { label: string; source: string; role: string }) =>
      guarded(async () => {
        if (o.role !== "producer" && o.role !== "ml") throw new Error("--role must be producer or ml");
        printJson(
          await clientFor(o.role).decisions.groundTruth(decisionId, { label: o.label, source: o.source }),
        );
      }),
    );
}

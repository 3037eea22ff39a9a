import type { Command } from "commander";
import { clientFor } from "../hitl-client";
import { guarded, printJson, table } from "../output";
import { type DecideFlags, verdictBody } from "./review-flags";

export function registerReview(program: Command): void {
  const review = program
    .command("review")
    .description("work the review queues from a terminal (reviewer role)")
    .addHelpText(
      "after",
      "\nExamples:\n  hitl review queues\n  hitl review next --queue default\n  hitl review next --queue audit --experiment claims-triage\n  hitl review decide rv-0123 --label deny --notes 'card reported stolen'\n  hitl review decide rv-0456 --correct 'Refunds take 3-5 business days.' --rubric faithful=pass,tone=4 --prefer B\n  hitl review decide rv-0789 --edit-args '{\"amountUsd\":40}'\n  hitl review release rv-0123",
    );
  review
    .command("queues")
    .description("depth, oldest item's age and items near or past their SLA, per queue you may see")
    .option("--history", "each queue and tier over time (5-minute points up to a day, hourly beyond)")
    .option("--queue <queue>", "with --history: this queue and its tiers only")
    .option("--since <time>", "with --history: ISO 8601 start (default: a day before --until)")
    .option("--until <time>", "with --history: ISO 8601 end (default: now)")
    .action((o: { history?: boolean; queue?: string; since?: string; until?: string }) =>
      guarded(async () => {
        if (o.history) {
          const { history, ...query } = o;
          const answer = await clientFor("reviewer").reviews.queueHistory(query);
          const rows = answer.queues.flatMap((q) =>
            q.points.map((p) => ({ queue: q.queue, tier: q.tier, ...p })),
          );
          process.stdout.write(
            `${table(rows, ["at", "queue", "tier", "depth", "oldestAgeSeconds", "nearSla", "pastSla"])}\n`,
          );
          return;
        }
        const queues = await clientFor("reviewer").reviews.queues();
        process.stdout.write(
          `${table(
            queues.map((q) => ({ ...q })),
            ["queue", "depth", "oldestAgeSeconds", "nearSla", "pastSla"],
          )}\n`,
        );
      }),
    );
  review
    .command("next")
    .description("claim the most urgent item of a queue and print its context")
    .requiredOption("--queue <queue>", "queue name")
    .option("--experiment <id>", "only this experiment's items (queues such as audit are shared)")
    .action((o: { queue: string; experiment?: string }) =>
      guarded(async () => {
        const claimed = await clientFor("reviewer").reviews.claim(o.queue, {
          ...(o.experiment ? { experimentId: o.experiment } : {}),
        });
        const of = o.experiment ? ` of experiment "${o.experiment}"` : "";
        printJson(claimed ?? { review: null, message: `queue "${o.queue}" has nothing${of} to claim` });
      }),
    );
  review
    .command("show <id>")
    .description("print a review item's context handoff")
    .action((id: string) => guarded(async () => printJson(await clientFor("reviewer").reviews.get(id))));
  review
    .command("decide <id>")
    .description(
      "give your verdict on a claimed item: a label and/or what the experiment's feedback asks for",
    )
    .option("--label <label>", "the verdict's label (experiments with a label type)")
    .option("--accept", "correction: the model's output is right as it is")
    .option("--correct <output>", "correction: the corrected output (text, or JSON)")
    .option("--rubric <scores>", "rubric: criterion=score,... (a whole number, pass or fail)")
    .option("--prefer <choice>", "pairwise: A, B or equal")
    .option("--approve", "approval: run the proposed tool call")
    .option("--reject", "approval: do not run it")
    .option("--edit-args <json>", "approval: run it with these arguments instead")
    .option("--notes <text>", "notes for the record")
    .option("--handling-seconds <s>", "time spent (default: since the claim)")
    .action((id: string, o: DecideFlags) =>
      guarded(async () => printJson(await clientFor("reviewer").reviews.verdict(id, verdictBody(o)))),
    );
  review
    .command("release <id>")
    .description("hand a claimed item back to its queue")
    .action((id: string) => guarded(async () => printJson(await clientFor("reviewer").reviews.release(id))));
}

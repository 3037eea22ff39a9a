import type { Command } from "commander";
import { clientFor } from "../api-client";
import { guarded, printJson, table } from "../output";

export function registerReview(program: Command): void {
  const review = program
    .command("review")
    .description("work the review queues from a terminal (reviewer role)")
    .addHelpText(
      "after",
      "\nExamples:\n  hitl review queues\n  hitl review next --queue default\n  hitl review next --queue audit --experiment claims-triage\n  hitl review decide rv-0123 --label deny --notes 'card reported stolen'\n  hitl review release rv-0123",
    );
  review
    .command("queues")
    .description("depth, oldest item's age and items near or past their SLA, per queue you may see")
    .action(() =>
      guarded(async () => {
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
    .description("give your verdict on a claimed item")
    .requiredOption("--label <label>", "the verdict")
    .option("--notes <text>", "notes for the record")
    .option("--handling-seconds <s>", "time spent (default: since the claim)")
    .action((id: string, o: { label: string; notes?: string; handlingSeconds?: string }) =>
      guarded(async () =>
        printJson(
          await clientFor("reviewer").reviews.verdict(id, {
            label: o.label,
            ...(o.notes ? { notes: o.notes } : {}),
            ...(o.handlingSeconds ? { handlingSeconds: Number(o.handlingSeconds) } : {}),
          }),
        ),
      ),
    );
  review
    .command("release <id>")
    .description("hand a claimed item back to its queue")
    .action((id: string) => guarded(async () => printJson(await clientFor("reviewer").reviews.release(id))));
}

import type { Command } from "commander";
import { ApiClient } from "../api-client";
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
        const { queues } = await ApiClient.forRole("reviewer").get<{ queues: Record<string, unknown>[] }>(
          "/v1/queues",
        );
        process.stdout.write(
          `${table(queues, ["queue", "depth", "oldestAgeSeconds", "nearSla", "pastSla"])}\n`,
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
        const only = o.experiment ? `?experimentId=${encodeURIComponent(o.experiment)}` : "";
        printJson(
          await ApiClient.forRole("reviewer").post(`/v1/queues/${encodeURIComponent(o.queue)}/claim${only}`),
        );
      }),
    );
  review
    .command("show <id>")
    .description("print a review item's context handoff")
    .action((id: string) =>
      guarded(async () => printJson(await ApiClient.forRole("reviewer").get(`/v1/reviews/${id}`))),
    );
  review
    .command("decide <id>")
    .description("give your verdict on a claimed item")
    .requiredOption("--label <label>", "the verdict")
    .option("--notes <text>", "notes for the record")
    .option("--handling-seconds <s>", "time spent (default: since the claim)")
    .action((id: string, o: { label: string; notes?: string; handlingSeconds?: string }) =>
      guarded(async () =>
        printJson(
          await ApiClient.forRole("reviewer").post(`/v1/reviews/${id}/verdict`, {
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
    .action((id: string) =>
      guarded(async () => printJson(await ApiClient.forRole("reviewer").post(`/v1/reviews/${id}/release`))),
    );
}

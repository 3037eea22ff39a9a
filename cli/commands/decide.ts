import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { clientFor } from "../hitl-client";
import { guarded, printJson } from "../output";

export function registerDecide(program: Command): void {
  program
    .command("decide")
    .description("send one decision (producer role) and print the routing answer")
    .requiredOption("--experiment <id>", "experiment id")
    .requiredOption("--unit <id>", "unit id (customer, document, ticket)")
    .requiredOption("--label <label>", "the model's predicted label")
    .requiredOption("--confidence <p>", "the model's confidence in [0, 1]")
    .option("--topic <topic>", "item topic")
    .option("--item <file>", "JSON file with the item")
    .option("--decision-id <id>", "idempotency key")
    .option("--model-version <v>", "model version")
    .addHelpText(
      "after",
      "\nExample:\n  hitl decide --experiment claims-triage --unit customer-7 --label approve --confidence 0.91 --topic billing",
    )
    .action(
      (o: {
        experiment: string;
        unit: string;
        label: string;
        confidence: string;
        topic?: string;
        item?: string;
        decisionId?: string;
        modelVersion?: string;
      }) =>
        guarded(async () => {
          const item = o.item ? (JSON.parse(readFileSync(o.item, "utf8")) as Record<string, unknown>) : {};
          printJson(
            await clientFor("producer").decisions.send({
              experimentId: o.experiment,
              unitId: o.unit,
              ...(o.decisionId ? { decisionId: o.decisionId } : {}),
              item: { ...item, ...(o.topic ? { topic: o.topic } : {}) },
              prediction: {
                label: o.label,
                confidence: Number(o.confidence),
                ...(o.modelVersion ? { modelVersion: o.modelVersion } : {}),
              },
            }),
          );
        }),
    );
  program
    .command("decision <id>")
    .description("show a decision, its route, status and final outcome; --audit shows its audit trail")
    .option("--audit", "print the audit trail")
    .addHelpText("after", "\nExample:\n  hitl decision d-123 --audit")
    .action((id: string, o: { audit?: boolean }) =>
      guarded(async () =>
        printJson(
          o.audit
            ? await clientFor("analyst").decisions.audit(id)
            : await clientFor("producer").decisions.get(id),
        ),
      ),
    );
}

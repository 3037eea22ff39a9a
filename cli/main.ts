import { Command } from "commander";
import { registerCommands } from "./commands";

const program = new Command()
  .name("hitl")
  .description("hitl-lab: automation-level experiments with human review, on AWS or the embedded local cloud")
  .showHelpAfterError()
  .addHelpText(
    "after",
    `
Examples (each command's --help has more):
  hitl dev --rate 10                                   local cloud + demo traffic (npm start)
  hitl experiments create examples/claims-triage.json  create an experiment (admin)
  hitl decide --experiment claims-triage --unit c-7 --label approve --confidence 0.91
  hitl decision DECISION_ID --audit                    a decision's audit trail
  hitl review next --queue default                     claim the most urgent item
  hitl review decide REVIEW_ID --label deny            give a verdict
  hitl gold add --queue default gold.jsonl             known-answer items for a queue (admin)
  hitl reviewers --queue default                       reviewer scorecards and standing (admin)
  hitl report claims-triage --format html --out r.html the A/B report with a recommendation
  hitl report claims-triage --finance --format csv     daily cost per decision for finance
  hitl metrics show --experiment claims-triage         per-arm metrics
  hitl metrics rebuild --experiment claims-triage      recompute counters and diff them (--repair: fix them)
  hitl metrics rollup --experiment claims-triage       roll up sealed days for fast reports
  hitl feedback export --since 2026-11-01 --out fb.jsonl   corrections for the ML team
  hitl ground-truth DECISION_ID --label deny --source chargeback
  hitl replay --log examples/history.jsonl             choose a threshold from history
  hitl assign --experiment examples/claims-triage.json user-1 user-2

Against the local cloud the CLI reads .hitl/dev.json; against AWS set HITL_API_URL and HITL_TOKEN.`,
  );

registerCommands(program);

await program.parseAsync(process.argv);

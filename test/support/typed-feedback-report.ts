import { rebuildRows } from "../../core/metrics/rebuild";
import { buildReport } from "../../core/report/build";
import { claimNext, submitVerdict, type VerdictInput } from "../../core/review/desk";
import { type RoundResult, settle } from "../../core/review/steps";
import { reviewer, reviewWorld } from "./review-world";

/** A report of an approval + correction experiment with one settled item per verdict. */
export async function typedFeedbackReport(verdicts: VerdictInput[]) {
  const w = await reviewWorld({ feedback: [{ type: "approval" }, { type: "correction", format: "json" }] });
  for (const [i, input] of verdicts.entries()) {
    const { hold, token } = await w.hold({
      decisionId: `d-${i}`,
      prediction: {
        label: "run",
        confidence: 0.5,
        output: { to: "ops" },
        action: { tool: "page_oncall", arguments: { team: "db" } },
      },
    });
    await claimNext(w.desk, reviewer("alice"), "default");
    await submitVerdict(w.desk, reviewer("alice"), hold.reviewId, input);
    await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
  }
  return buildReport({ experiment: w.exp, rows: rebuildRows(w.records()), now: w.clock.now() });
}

import { describe, expect, it } from "vitest";
import { parseExperiment } from "../../../core/experiments/validate";
import { rebuildRows } from "../../../core/metrics/rebuild";
import { buildReport } from "../../../core/report/build";
import { claimNext, getReview, submitVerdict, type VerdictInput } from "../../../core/review/desk";
import { type RoundResult, settle } from "../../../core/review/steps";
import { routeDecision } from "../../../core/routing/route-decision";
import {
  agentApprovalExperiment,
  demoVerdict,
  feedbackDemoTraffic,
  generatedTextExperiment,
} from "../../../core/simulation/feedback-demos";
import { seededRandom } from "../../../core/simulation/random";
import { reviewer, reviewWorld } from "../../support/review-world";

/** Runs `n` demo decisions of one experiment in memory: routed, held ones reviewed by the simulated reviewer. */
async function run(config: Record<string, unknown>, n: number) {
  const w = await reviewWorld(config);
  const next = feedbackDemoTraffic({ seed: 3 });
  const random = seededRandom(5);
  let held = 0;
  for (let sent = 0; sent < n; ) {
    const d = next();
    if (d.experimentId !== w.exp.id) continue;
    sent++;
    const result = await routeDecision(w.routing, {
      request: {
        experimentId: d.experimentId,
        unitId: d.unitId,
        decisionId: d.decisionId,
        item: d.item,
        prediction: d.prediction,
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    if (!result.hold) continue;
    const { hold, token } = await w.enqueue(result.hold);
    const r = reviewer(`r-${sent}`);
    const item = await claimNext(w.desk, r, hold.queue);
    if (!item) throw new Error("nothing to claim");
    // What the simulated reviewer judges by: the item as the API shows it (pairwise blind).
    const { review } = await getReview(w.desk, r, item.reviewId);
    await submitVerdict(
      w.desk,
      r,
      item.reviewId,
      demoVerdict(d.experimentId, review, d.truth.good, random) as VerdictInput,
    );
    await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
    held++;
  }
  return {
    w,
    held,
    report: buildReport({ experiment: w.exp, rows: rebuildRows(w.records()), now: w.clock.now() }),
  };
}

describe("the feedback demos", () => {
  it("are valid experiments", () => {
    // Act
    const parsed = [generatedTextExperiment(), agentApprovalExperiment()].map((e) => parseExperiment(e).ok);

    // Assert
    expect(parsed).toEqual([true, true]);
  });

  it("run a generated-text experiment end to end: every held reply gets a correction, a rubric and a preference", async () => {
    // Act
    const { held, report } = await run(generatedTextExperiment(), 40);

    // Assert
    const typed = report.arms.map((a) => a.typedFeedback);
    const corrections = typed.reduce((s, t) => s + (t?.correction?.acceptedAsIs.n ?? 0), 0);
    const preferences = typed.reduce((s, t) => s + (t?.pairwise?.verdicts ?? 0), 0);
    expect(held).toBeGreaterThan(5);
    expect(corrections).toBe(held);
    expect(preferences).toBe(held);
    expect(typed.some((t) => (t?.rubric?.criteria[0]?.passRate.n ?? 0) > 0)).toBe(true);
  });

  it("run an agent-approval experiment end to end: held refunds are approved, edited or rejected", async () => {
    // Act
    const { held, report } = await run(agentApprovalExperiment(), 40);

    // Assert
    const approvals = report.arms.reduce((s, a) => s + (a.typedFeedback?.approval?.approve.n ?? 0), 0);
    const edited = report.arms.reduce((s, a) => s + (a.typedFeedback?.approval?.edit.count ?? 0), 0);
    expect(held).toBeGreaterThan(5);
    expect(approvals).toBe(held);
    expect(edited).toBeGreaterThan(0);
  });
});

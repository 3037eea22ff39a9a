import { describe, expect, it } from "vitest";
import { typedQuality } from "../../../../core/feedback/types/quality";
import { rebuildCounters } from "../../../../core/metrics/rebuild";
import { claimNext, submitVerdict } from "../../../../core/review/desk";
import { type RoundResult, settle } from "../../../../core/review/steps";
import { reviewer, reviewWorld } from "../../../support/review-world";

const FEEDBACK = [
  {
    type: "rubric",
    quality: "faithful",
    criteria: [{ name: "faithful", scale: "pass-fail" }, { name: "tone" }],
  },
  { type: "approval" },
];

/** Double reviews of `pairs.length` items: the two reviewers' tone scores and approval actions. */
async function doubleReviewed(pairs: [number, number, "approve" | "reject", "approve" | "reject"][]) {
  const w = await reviewWorld({
    feedback: FEEDBACK,
    arms: [{ id: "only", weight: 1, policy: { autoAcceptAbove: 0.99, doubleReviewRate: 1 } }],
    control: "only",
  });
  const prediction = { label: "ok", confidence: 0.5, output: "text", action: { tool: "t", arguments: {} } };
  for (const [i, [toneA, toneB, actA, actB]] of pairs.entries()) {
    const { hold, token } = await w.hold({ decisionId: `d-${i}`, prediction });
    for (const [who, tone, action] of [
      ["alice", toneA, actA],
      ["bob", toneB, actB],
    ] as const) {
      await claimNext(w.desk, reviewer(who), "default");
      await submitVerdict(w.desk, reviewer(who), hold.reviewId, {
        rubric: { faithful: true, tone },
        approval: { action },
      });
    }
    const verdicts = w.workflow.succeeded.get(token) as RoundResult | undefined;
    // Disagreeing outcomes go to adjudication; agreement is measured on the first pair either way.
    if (verdicts) await settle(w.steps, { ...hold, verdict: verdicts });
  }
  return w;
}

describe("agreement on typed feedback", () => {
  it("measures rubric scores at the interval level and actions at the nominal level, from double reviews", async () => {
    // Arrange: tone scores agree closely; approval actions on 3 of 4 (the outcome follows the
    // rubric's quality criterion, on which both agree, so every item settles)
    const w = await doubleReviewed([
      [5, 5, "approve", "approve"],
      [4, 5, "approve", "approve"],
      [2, 2, "reject", "reject"],
      [1, 1, "reject", "approve"],
    ]);

    // Act
    const counters = [...w.log.liveCounters().values()][0] ?? {};
    const agreement = typedQuality(counters, w.exp.feedback).agreement;

    // Assert
    expect(w.log.liveCounters()).toEqual(rebuildCounters(w.records()));
    expect(agreement?.rubric?.tone).toMatchObject({ level: "interval", pairs: 4 });
    expect(agreement?.rubric?.tone?.alpha).toBeGreaterThan(0.8);
    expect(agreement?.approval).toMatchObject({ level: "nominal", pairs: 4 });
    expect(agreement?.approval?.alpha).toBeLessThan(agreement?.rubric?.tone?.alpha ?? 0);
    expect(agreement?.approval?.alpha).toBeGreaterThan(0);
    // Both gave "pass" every time: no variation, so alpha is undefined rather than made up.
    expect(agreement?.rubric?.faithful?.alpha).toBeNull();
  });
});

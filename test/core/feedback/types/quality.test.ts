import { describe, expect, it } from "vitest";
import { typedFeedbackCounters } from "../../../../core/feedback/types/counters";
import { typedQuality } from "../../../../core/feedback/types/quality";
import type { FeedbackGivenEvent } from "../../../../core/metrics/events";
import { rebuildCounters } from "../../../../core/metrics/rebuild";
import { claimNext, submitVerdict, type VerdictInput } from "../../../../core/review/desk";
import { type RoundResult, settle } from "../../../../core/review/steps";
import { reviewer, reviewWorld } from "../../../support/review-world";

const FEEDBACK = [
  { type: "correction" },
  {
    type: "rubric",
    criteria: [
      { name: "faithful", scale: "pass-fail" },
      { name: "clarity", passAt: 4 },
    ],
  },
  { type: "pairwise" },
];
const prediction = {
  label: "model-a",
  confidence: 0.5,
  output: "abcdefghij",
  candidates: [
    { source: "model-a", output: "A text" },
    { source: "model-b", output: "B text" },
  ],
};

/** One world, one held item per verdict, each settled (all in the arm the unit hashes to). */
async function settled(verdicts: ((positions: [string, string]) => VerdictInput)[]) {
  const w = await reviewWorld({ feedback: FEEDBACK });
  for (const [i, make] of verdicts.entries()) {
    const { hold, token } = await w.hold({ decisionId: `d-${i}`, prediction });
    const r = reviewer(`r-${i}`);
    const item = await claimNext(w.desk, r, "default");
    if (!item?.positions) throw new Error("nothing claimed");
    await submitVerdict(w.desk, r, hold.reviewId, make(item.positions));
    await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
  }
  return w;
}

/** Picks the candidate from `source` whichever side it is shown on. */
const pick = (source: string) => (positions: [string, string]) =>
  (positions[0] === source ? "A" : "B") as "A" | "B";

describe("typed feedback quality", () => {
  it("counts each settled item once, live as rebuilt, and reads accepted share, edit size, rubric and win rates", async () => {
    // Arrange: 3 items; two corrections of 1 and 10 edits over 10 characters, one accepted
    const w = await settled([
      (p) => ({
        correction: { accepted: true },
        rubric: { faithful: true, clarity: 5 },
        pairwise: { choice: pick("model-a")(p) },
      }),
      (p) => ({
        correction: { accepted: false, output: "abcdefghiX" },
        rubric: { faithful: true, clarity: 3 },
        pairwise: { choice: pick("model-b")(p) },
      }),
      () => ({
        correction: { accepted: false, output: "0123456789" },
        rubric: { faithful: false, clarity: 4 },
        pairwise: { choice: "equal" },
      }),
    ]);

    // Act
    const live = w.log.liveCounters();
    const rebuilt = rebuildCounters(w.records());
    const [arm] = [...live.keys()];
    const q = typedQuality(live.get(arm ?? "") ?? {}, w.exp.feedback);

    // Assert
    expect(live).toEqual(rebuilt);
    expect(q.correction?.acceptedAsIs).toMatchObject({ count: 1, n: 3 });
    expect(q.correction?.meanEditDistance).toBeCloseTo((0 + 0.1 + 1) / 3, 6);
    expect(q.rubric?.quality).toBe("faithful");
    expect(q.rubric?.criteria).toMatchObject([
      { criterion: "faithful", n: 3, mean: 2 / 3, passRate: { count: 2, n: 3 } },
      { criterion: "clarity", n: 3, mean: 4, passRate: { count: 2, n: 3 } },
    ]);
    expect(q.pairwise?.verdicts).toBe(3);
    expect(q.pairwise?.equal).toMatchObject({ count: 1, n: 3 });
    expect(q.pairwise?.sources).toMatchObject([
      { source: "model-a", shown: 3, wins: 1, ties: 1, winRate: { count: 1, n: 2, value: 0.5 } },
      { source: "model-b", shown: 3, wins: 1, ties: 1, winRate: { count: 1, n: 2, value: 0.5 } },
    ]);
    const [lo, hi] = q.pairwise?.sources[0]?.winRate.interval ?? [];
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.5);
  });

  it("counts a settled item once however often the settle step is retried", async () => {
    // Arrange
    const w = await reviewWorld({ feedback: [{ type: "approval" }] });
    const { hold, token } = await w.hold({
      decisionId: "d-1",
      prediction: {
        label: "go",
        confidence: 0.5,
        action: { tool: "send_email", arguments: { to: "a@b.c" } },
      },
    });
    await claimNext(w.desk, reviewer("alice"), "default");
    await submitVerdict(w.desk, reviewer("alice"), hold.reviewId, { approval: { action: "reject" } });
    const state = { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult };

    // Act
    await settle(w.steps, state);
    w.clock.advance(5);
    await settle(w.steps, state);

    // Assert
    const counters = [...w.log.liveCounters().values()][0] ?? {};
    const q = typedQuality(counters, w.exp.feedback);
    expect(q.approval?.reject).toMatchObject({ count: 1, n: 1 });
    expect(q.approval?.approve).toMatchObject({ count: 0, n: 1 });
    expect(w.log.liveCounters()).toEqual(rebuildCounters(w.records()));
  });

  it("reports no typed quality for an experiment that declares none", () => {
    // Act
    const q = typedQuality({ "fb:corr": 3 }, undefined);

    // Assert
    expect(q).toEqual({});
  });

  it("tells held items from audited automated decisions, each counted once in the arm's totals", () => {
    // Arrange: held items accepted 1 of 3, audits 3 of 4
    const event = (i: number, kind: "review" | "audit", accepted: boolean): FeedbackGivenEvent => ({
      type: "feedback.given",
      id: `e-${i}`,
      at: "2026-01-01T00:00:00.000Z",
      experimentId: "e",
      arm: "a",
      enrolled: true,
      decisionId: `d-${i}`,
      kind,
      correction: { accepted },
      approval: accepted ? "approve" : "edit",
    });
    const events = [
      ...[true, false, false].map((ok, i) => event(i, "review", ok)),
      ...[true, true, true, false].map((ok, i) => event(10 + i, "audit", ok)),
    ];
    const counters: Record<string, number> = {};
    for (const e of events)
      typedFeedbackCounters(e, (name, value = 1) => {
        counters[name] = (counters[name] ?? 0) + value;
      });

    // Act
    const q = typedQuality(counters, [{ type: "correction", format: "text" }, { type: "approval" }]);

    // Assert
    expect(q.correction?.acceptedAsIs).toMatchObject({ count: 4, n: 7 });
    expect(q.byKind?.held.correction?.acceptedAsIs).toMatchObject({ count: 1, n: 3 });
    expect(q.byKind?.audited.correction?.acceptedAsIs).toMatchObject({ count: 3, n: 4 });
    expect(q.byKind?.audited.approval?.edit).toMatchObject({ count: 1, n: 4 });
    expect(q.byKind?.held.signals).toBeUndefined();
  });

  it("has no split before the arm's first audited typed verdict", () => {
    // Act
    const q = typedQuality({ "fb:corr": 2, "fb:corrAccepted": 1 }, [{ type: "correction", format: "text" }]);

    // Assert
    expect(q.correction?.acceptedAsIs).toMatchObject({ count: 1, n: 2 });
    expect(q.byKind).toBeUndefined();
  });
});

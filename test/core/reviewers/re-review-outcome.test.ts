import { describe, expect, it } from "vitest";
import { REVIEWERS_SCOPE } from "../../../core/metrics/events";
import {
  diffCounters,
  type RebuildInput,
  rebuildCounters,
  rebuildEvents,
} from "../../../core/metrics/rebuild";
import { claimNext, getReview, submitVerdict } from "../../../core/review/desk";
import type { ReviewItem } from "../../../core/review/item";
import { type RoundResult, settle } from "../../../core/review/steps";
import { claim, type ReviewerDeskDeps, verdict } from "../../../core/reviewers/desk";
import { sendForReReview } from "../../../core/reviewers/re-review";
import { revisionFor } from "../../../core/reviewers/re-review-outcome";
import { addedRevisions, applyRevision } from "../../../core/reviewers/revision-apply";
import { reviewer, reviewWorld } from "../../support/review-world";
import {
  MemoryGold,
  MemoryLapsedLeases,
  MemoryReReviewWrites,
  MemoryReviewerStates,
} from "../../support/reviewer-memory";

const QUEUE = "default";

const rebuiltAll = (records: RebuildInput) =>
  new Map([...rebuildCounters(records), ...rebuildCounters({ ...records, scope: REVIEWERS_SCOPE })]);

/** One held decision (the model says approve) that `weak` decides alone with `label`, settled by the workflow. */
async function decidedBy(label: string, maxReviewsPerItem?: number) {
  const policy = (autoAcceptAbove: number) => ({
    autoAcceptAbove,
    alwaysHumanTopics: ["legal"],
    ...(maxReviewsPerItem ? { maxReviewsPerItem } : {}),
  });
  const w = await reviewWorld({
    arms: [
      { id: "conservative", weight: 0.5, policy: policy(0.95) },
      { id: "aggressive", weight: 0.5, policy: policy(0.8) },
    ],
  });
  const deps: ReviewerDeskDeps = {
    ...w.desk,
    gold: new MemoryGold(),
    states: new MemoryReviewerStates(w.reviews),
    reReviewWrites: new MemoryReReviewWrites(w.reviews),
    leases: new MemoryLapsedLeases(w.reviews),
    listExperiments: () => w.experiments.list(),
    newId: () => "unused",
  };
  const { hold, token } = await w.hold({ decisionId: "d-1", unitId: "u-1" });
  const held = await claimNext(w.desk, reviewer("weak"), QUEUE);
  w.clock.advance(30);
  await submitVerdict(w.desk, reviewer("weak"), held?.reviewId ?? "", { label });
  await settle(w.steps, { ...hold, verdict: w.workflow.succeeded.get(token) as RoundResult });
  const original = () => w.reviews.items.get(hold.reviewId) as ReviewItem;
  const queued = await sendForReReview(
    {
      search: { decidedBy: async () => [original()] },
      reviews: w.reviews,
      audit: w.audit,
      now: w.clock.now,
    },
    "weak",
    QUEUE,
    { from: "2000-01-01T00:00:00.000Z", to: w.clock.now().toISOString() },
    "gold accuracy below the queue's minimum",
  );
  expect(queued).toBe(1);
  /** Claims the next item of `queue` for `who` and gives it `label`; returns what was claimed. */
  const decide = async (who: string, queue: string, chosen: string) => {
    const item = await claim(deps, reviewer(who), queue);
    if (!item) throw new Error(`${who} found nothing in ${queue}`);
    w.clock.advance(20);
    await verdict(deps, reviewer(who), item.reviewId, { label: chosen });
    return item;
  };
  /** What the revisions stream's function does for each write that added a revision. */
  const applyRevisions = async () => {
    for (const write of w.log.writes) {
      if (write.after?.kind !== "review") continue;
      const before = write.before?.kind === "review" ? write.before.record : undefined;
      for (const revision of addedRevisions(before, write.after.record))
        await applyRevision(
          { decisions: w.decisions, feedback: w.feedback, notify: w.notify, audit: w.audit },
          write.after.record,
          revision,
        );
    }
  };
  return { w, deps, original, decide, applyRevisions };
}

describe("a re-review that disagrees", () => {
  it("goes to adjudication, and the adjudicated label becomes the decision's outcome, counted once", async () => {
    // Arrange
    const { w, deps, original, decide, applyRevisions } = await decidedBy("deny");
    expect(original().outcome?.label).toBe("deny");

    // Act
    const second = await decide("good", QUEUE, "approve");
    const stillDeny = original().outcome?.label;
    const adjudicationQueue = `${QUEUE}.adjudication`;
    const refusedToOwn = await claim(deps, reviewer("good"), adjudicationQueue);
    const adjudicated = await claim(deps, reviewer("judge"), adjudicationQueue);
    const handoff = await getReview(deps, reviewer("judge"), adjudicated?.reviewId ?? "");
    w.clock.advance(20);
    await verdict(deps, reviewer("judge"), adjudicated?.reviewId ?? "", { label: "approve" });
    await applyRevisions();

    // Assert
    expect(stillDeny).toBe("deny");
    expect(refusedToOwn).toBeUndefined();
    expect(adjudicated?.reviewId).toBe(second.reviewId);
    expect(handoff.review.verdicts.map((v) => v.label)).toEqual(["approve"]);
    expect(handoff.review.reasons.at(-1)).toContain("weak: deny");
    expect(original().outcome?.label).toBe("approve");
    expect(original().revisions).toEqual([
      expect.objectContaining({ from: "deny", to: "approve", reviewer: "weak", by: ["good", "judge"] }),
    ]);
    expect((await w.decisions.get("d-1"))?.outcome).toBe("approve");
    expect(w.notify.outcomes.at(-1)).toMatchObject({
      type: "decision.outcome-changed",
      outcome: "approve",
      previousOutcome: "deny",
    });
    const outcomes = rebuildEvents(w.records()).filter((e) => e.type === "decision.outcome");
    expect(outcomes).toEqual([expect.objectContaining({ outcome: "approve", correct: true })]);
    expect(diffCounters(w.log.liveCounters({ reviewers: true }), rebuiltAll(w.records()))).toEqual([]);
    const weakRow = [...rebuiltAll(w.records()).entries()].find(([arm]) => arm === `${QUEUE}|weak`)?.[1];
    expect(weakRow).toMatchObject({ peerPairs: 1, adjudicated: 1 });
    expect(weakRow?.peerAgree ?? 0).toBe(0);
    expect(weakRow?.adjudicatedAgree ?? 0).toBe(0);
  });

  it("produces a correction for the ML team when the adjudicated label differs from the model's", async () => {
    // Arrange: the weak reviewer agreed with the model, the others do not
    const { w, decide, original, applyRevisions } = await decidedBy("approve");
    const before = w.feedback.records.length;

    // Act
    await decide("good", QUEUE, "deny");
    await decide("judge", `${QUEUE}.adjudication`, "deny");
    await applyRevisions();

    // Assert
    expect(before).toBe(0);
    expect(original().outcome?.label).toBe("deny");
    expect(w.feedback.records).toEqual([
      expect.objectContaining({ humanLabel: "deny", reviewers: ["good", "judge"], source: "review" }),
    ]);
    expect(w.notify.feedbacks).toHaveLength(1);
  });

  it("takes one more blind review when the arm allows extra reviews, and its majority settles", async () => {
    // Arrange
    const { w, deps, decide, original, applyRevisions } = await decidedBy("deny", 3);

    // Act
    const second = await decide("good", QUEUE, "approve");
    const extra = await claim(deps, reviewer("third"), QUEUE);
    const handoff = await getReview(deps, reviewer("third"), extra?.reviewId ?? "");
    await verdict(deps, reviewer("third"), extra?.reviewId ?? "", { label: "approve" });
    await applyRevisions();

    // Assert
    expect(extra?.reviewId).toBe(second.reviewId);
    expect(handoff.review.verdicts).toEqual([]);
    expect(w.reviews.items.get(second.reviewId)?.outcome?.label).toBe("approve");
    expect(original().outcome?.label).toBe("approve");
    expect((await w.decisions.get("d-1"))?.outcome).toBe("approve");
  });
});

describe("a re-review that agrees", () => {
  it("leaves the outcome as it was and revises nothing", async () => {
    // Arrange
    const { w, decide, original } = await decidedBy("deny");

    // Act
    const second = await decide("good", QUEUE, "deny");

    // Assert
    expect(w.reviews.items.get(second.reviewId)?.status).toBe("decided");
    expect(original().outcome?.label).toBe("deny");
    expect(original().revisions).toBeUndefined();
    expect(w.notify.outcomes.filter((m) => m.type === "decision.outcome-changed")).toEqual([]);
  });
});

describe("revisionFor", () => {
  it("keeps an outcome another reviewer's verdict also gave", async () => {
    // Arrange
    const { w, original } = await decidedBy("deny");
    const shared = {
      ...original(),
      verdicts: [...original().verdicts, { ...original().verdicts[0], reviewer: "peer" }],
    };
    const reReview = [...w.reviews.items.values()].find((i) => i.reReview) as ReviewItem;

    // Act
    const alone = revisionFor(original(), reReview, "approve", "2026-11-25T01:00:00.000Z");
    const backed = revisionFor(shared as ReviewItem, reReview, "approve", "2026-11-25T01:00:00.000Z");

    // Assert
    expect(alone).toMatchObject({ from: "deny", to: "approve" });
    expect(backed).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import { attachGroundTruth } from "../../../core/feedback/ground-truth";
import type { DecisionWithGroundTruth } from "../../../core/feedback/ports";
import type { ReviewItem } from "../../../core/review/item";
import { fixed } from "../../support/clock";
import { decision, feedbackWorld } from "./fixtures";

async function errorOf(run: () => Promise<unknown>): Promise<DomainError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

/** A world holding one automated decision d-1 (the model said "approve"); its log starts after it. */
async function withDecision(extra: Parameters<typeof decision>[1] = {}) {
  const w = feedbackWorld();
  await w.decisions.create(decision("d-1", extra));
  w.log.writes.length = 0;
  return w;
}

const stored = (w: ReturnType<typeof feedbackWorld>) =>
  w.decisions.items.get("d-1") as DecisionWithGroundTruth | undefined;

describe("attaching ground truth", () => {
  it("stores it beside the outcome, keeps the outcome, audits it and emits ground-truth.attached", async () => {
    // Arrange
    const w = await withDecision();

    // Act
    const result = await attachGroundTruth(
      w.groundTruth,
      "d-1",
      { label: "approve", source: "complaint" },
      "crm",
    );

    // Assert
    expect(result).toMatchObject({
      outcome: "approve",
      outcomeCorrect: true,
      modelCorrect: true,
      replayed: false,
    });
    expect(result.feedbackId).toBeUndefined();
    expect(stored(w)).toMatchObject({
      outcome: "approve",
      outcomeSource: "model",
      groundTruth: {
        label: "approve",
        source: "complaint",
        actor: "crm",
        revision: 1,
        at: fixed("2026-11-25T12:00:00.000Z"),
      },
    });
    expect(w.audit.entries.map((e) => e.action)).toEqual(["ground-truth"]);
    expect(w.log.changes().added).toEqual([
      expect.objectContaining({
        type: "ground-truth.attached",
        id: "ground-truth.attached:d-1:1",
        route: "auto",
        audited: false,
        outcomeSource: "model",
        outcome: "approve",
        predictedLabel: "approve",
        label: "approve",
        source: "complaint",
        revision: 1,
      }),
    ]);
    expect(w.feed.records.size).toBe(0);
  });

  it("turns ground truth that contradicts the prediction into a correction for the model, stored, pushed and counted", async () => {
    // Arrange
    const w = await withDecision();

    // Act
    const result = await attachGroundTruth(
      w.groundTruth,
      "d-1",
      { label: "deny", source: "chargeback" },
      "billing",
    );

    // Assert
    expect(result).toMatchObject({
      outcomeCorrect: false,
      modelCorrect: false,
      feedbackId: "fb-ground-truth-d-1",
    });
    const correction = w.feed.records.get("fb-ground-truth-d-1");
    expect(correction).toMatchObject({
      decisionId: "d-1",
      source: "ground-truth",
      groundTruthSource: "chargeback",
      humanLabel: "deny",
      prediction: { label: "approve", modelVersion: "m-7" },
      producedAt: fixed("2026-11-25T12:00:00.000Z"),
    });
    expect(w.notify.feedbacks).toEqual([correction]);
    expect(w.log.changes().added.map((e) => e.id)).toEqual([
      "ground-truth.attached:d-1:1",
      "feedback.produced:fb-ground-truth-d-1",
    ]);
    expect(w.audit.entries.map((e) => e.action)).toEqual(["ground-truth", "feedback"]);
  });

  it("answers the same ground truth again as before, without storing or auditing anything new", async () => {
    // Arrange
    const w = await withDecision();
    await attachGroundTruth(w.groundTruth, "d-1", { label: "deny", source: "chargeback" }, "billing");
    const before = structuredClone(stored(w));
    w.clock.advance(60);

    // Act
    const again = await attachGroundTruth(
      w.groundTruth,
      "d-1",
      { label: "deny", source: "chargeback" },
      "billing",
    );

    // Assert
    expect(again).toMatchObject({ replayed: true, feedbackId: "fb-ground-truth-d-1" });
    expect(stored(w)).toEqual(before);
    expect(w.audit.entries).toHaveLength(2);
    expect(w.notify.feedbacks).toHaveLength(1);
    expect(new Set(w.log.changes().added.map((e) => e.id)).size).toBe(2);
  });

  it("refuses another label for a decision that has ground truth with a 409, changing nothing", async () => {
    // Arrange
    const w = await withDecision();
    await attachGroundTruth(w.groundTruth, "d-1", { label: "deny", source: "chargeback" }, "billing");
    const before = structuredClone(stored(w));
    const eventsBefore = w.log.changes().added.length;

    // Act
    const error = await errorOf(() =>
      attachGroundTruth(w.groundTruth, "d-1", { label: "approve", source: "complaint" }, "crm"),
    );

    // Assert
    expect(error).toMatchObject({ status: 409, code: "ground_truth_conflict" });
    expect(error.message).toContain('"deny"');
    expect(stored(w)).toEqual(before);
    expect(w.log.changes().added).toHaveLength(eventsBefore);
  });

  it("refuses an unknown decision with a 404", async () => {
    // Arrange
    const w = await withDecision();

    // Act
    const error = await errorOf(() =>
      attachGroundTruth(w.groundTruth, "d-unknown", { label: "deny", source: "chargeback" }, "billing"),
    );

    // Assert
    expect(error).toMatchObject({ status: 404, code: "not_found" });
    expect(w.log.changes().added).toEqual([]);
  });

  it("refuses a decision still held for a person with a 409: there is no outcome to judge yet", async () => {
    // Arrange
    const w = await withDecision({
      route: "human",
      status: "held",
      outcome: undefined,
      outcomeSource: undefined,
    });

    // Act
    const error = await errorOf(() =>
      attachGroundTruth(w.groundTruth, "d-1", { label: "deny", source: "chargeback" }, "billing"),
    );

    // Assert
    expect(error).toMatchObject({ status: 409, code: "decision_not_settled" });
    expect(stored(w)?.groundTruth).toBeUndefined();
  });

  it("puts an automated decision whose audit verdict is in into quality's audited class", async () => {
    // Arrange
    const w = await withDecision({ audit: true, reviewId: "au-d-1" });
    w.reviews.items.set("au-d-1", { reviewId: "au-d-1", status: "decided" } as ReviewItem);

    // Act
    await attachGroundTruth(w.groundTruth, "d-1", { label: "deny", source: "chargeback" }, "billing");

    // Assert
    expect(w.log.changes().added[0]).toMatchObject({ type: "ground-truth.attached", audited: true });
  });

  it("judges a reviewer's outcome, not the prediction, as the outcome", async () => {
    // Arrange
    const w = await withDecision({
      route: "human",
      status: "decided",
      outcome: "deny",
      outcomeSource: "reviewer",
    });

    // Act
    const result = await attachGroundTruth(
      w.groundTruth,
      "d-1",
      { label: "deny", source: "chargeback" },
      "billing",
    );

    // Assert
    expect(result).toMatchObject({ outcomeCorrect: true, modelCorrect: false });
    expect(w.log.changes().added[0]).toMatchObject({
      outcomeSource: "reviewer",
      outcome: "deny",
      label: "deny",
    });
  });

  it.each([
    ["label", { source: "chargeback" }],
    ["label", { label: "", source: "chargeback" }],
    ["source", { label: "deny" }],
    ["extra", { label: "deny", source: "chargeback", extra: 1 }],
  ])("refuses a body with a bad %s with a 400, writing nothing", async (field, body) => {
    // Arrange
    const w = await withDecision();

    // Act
    const error = await errorOf(() => attachGroundTruth(w.groundTruth, "d-1", body, "billing"));

    // Assert
    expect(error.status).toBe(400);
    expect(error.message).toContain(field);
    expect(stored(w)?.groundTruth).toBeUndefined();
  });
});

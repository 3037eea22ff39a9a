import { describe, expect, it } from "vitest";
import type { DecisionWithGroundTruth } from "../../../core/feedback/ports";
import type { FeedbackRecord } from "../../../core/feedback/record";
import { REVIEWERS_SCOPE } from "../../../core/metrics/events";
import { type CountedRecord, checkedEventsOf, eventDelta, eventsOf } from "../../../core/metrics/implied";
import type { ReviewItem } from "../../../core/review/item";
import { fixed } from "../../support/clock";
import { adjudicated, decision, feedback, item, verdict } from "./records";

const ofDecision = (record: DecisionWithGroundTruth): CountedRecord => ({ kind: "decision", record });
const ofReview = (record: ReviewItem): CountedRecord => ({ kind: "review", record });
const ofFeedback = (record: FeedbackRecord): CountedRecord => ({ kind: "feedback", record });
const ids = (counted: CountedRecord) => eventsOf(counted).map((e) => e.id);
/** The experiment's events (reviewer-quality events have tests of their own: test/core/reviewers/facts.test.ts). */
const ofExperiment = <T extends { experimentId: string }>(events: readonly T[]) =>
  events.filter((e) => e.experimentId !== REVIEWERS_SCOPE);

describe("the events a decision record implies", () => {
  it("is its routing, with the automated answer's latency and the model's cost", () => {
    expect(eventsOf(ofDecision(decision()))).toEqual([
      expect.objectContaining({
        type: "decision.routed",
        id: "decision.routed:d1",
        at: fixed("2026-11-25T12:00:00.000Z"),
        route: "auto",
        latencyMs: 120,
        modelCostUsd: 0.0004,
        modelVersion: "m1",
      }),
    ]);
  });

  it("adds its ground truth, judged against the outcome it saw when attached", () => {
    // Arrange: the audit corrected the outcome after the ground truth was attached
    const record = decision({
      outcome: "deny",
      outcomeSource: "reviewer",
      groundTruth: {
        label: "approve",
        source: "chargeback",
        at: fixed("2026-11-26T09:00:00.000Z"),
        actor: "crm",
        revision: 1,
        judged: { outcome: "approve", outcomeSource: "model", audited: false },
      },
    });

    // Act
    const [, gt] = eventsOf(ofDecision(record));

    // Assert
    expect(gt).toMatchObject({
      type: "ground-truth.attached",
      id: "ground-truth.attached:d1:1",
      at: fixed("2026-11-26T09:00:00.000Z"),
      outcome: "approve",
      outcomeSource: "model",
      audited: false,
      label: "approve",
    });
  });
});

describe("the events a review item implies", () => {
  it("follows its history: rounds, verdicts with queue time and price, escalations, the outcome with its pair", () => {
    // Arrange: a double review that disagreed, then an adjudication in round 2
    const record = adjudicated();

    // Act
    const events = eventsOf(ofReview(record));

    // Assert
    expect(events.map((e) => e.id)).toEqual([
      "review.enqueued:rv-1:1",
      "review.enqueued:rv-1:2",
      "review.verdict:rv-1:1:alice",
      "review.verdict:rv-1:1:bob",
      "review.verdict:rv-1:2:carol",
      "review.escalated:rv-1:1",
      "decision.outcome:d1:review",
    ]);
    expect(events.find((e) => e.id === "review.verdict:rv-1:2:carol")).toMatchObject({
      queueSeconds: 5 * 60, // its round entered the queue at 12:31, carol claimed it at 12:36
      hourlyRateUsd: 36,
      tier: "tier-2",
    });
    expect(events.at(-1)).toMatchObject({
      route: "human",
      source: "reviewer",
      outcome: "deny",
      correct: false,
      latencyMs: 40 * 60_000,
      pair: ["approve", "deny"],
    });
  });

  it("counts an SLA breach once and a fallback outcome; an audit's fallback leaves the outcome alone", () => {
    const breach = { round: 2, at: fixed("2026-11-25T14:00:00.000Z"), action: "model" as const };
    expect(
      ids(ofReview(item({ breach, outcome: { label: "approve", source: "fallback", at: breach.at } }))),
    ).toEqual(["review.enqueued:rv-1:1", "review.fallback:rv-1:2", "decision.outcome:d1:review"]);
    expect(ids(ofReview(item({ reviewId: "au-1", kind: "audit", breach })))).toEqual([
      "review.enqueued:au-1:1",
      "review.fallback:au-1:2",
    ]);
  });

  it("marks an audit's outcome as audited, on the automated route", () => {
    const record = item({
      reviewId: "au-1",
      kind: "audit",
      verdicts: [verdict("alice", "approve", 1)],
      outcome: { label: "approve", source: "reviewer", at: fixed("2026-11-25T12:21:00.000Z") },
    });
    expect(eventsOf(ofReview(record)).at(-1)).toMatchObject({
      id: "decision.outcome:d1:audit",
      route: "auto",
      audited: true,
      correct: true,
    });
  });

  it("implies one event per id even when a retried step wrote an entry twice", () => {
    const escalation = { round: 1, fromTier: "tier-1", toTier: "tier-2", cause: "sla" as const };
    const record = item({
      escalations: [
        { ...escalation, at: fixed("2026-11-25T13:00:00.000Z") },
        { ...escalation, at: fixed("2026-11-25T13:00:05.000Z") },
      ],
    });
    expect(eventsOf(ofReview(record)).filter((e) => e.type === "review.escalated")).toMatchObject([
      { at: fixed("2026-11-25T13:00:00.000Z") },
    ]);
  });
});

describe("the events a feedback record implies", () => {
  it("is its production and one acknowledgement per stage", () => {
    const record = feedback({
      acks: [
        { stage: "training", modelVersion: "m2", at: fixed("2026-11-26T00:00:00.000Z") },
        { stage: "deployed", modelVersion: "m2", at: fixed("2026-11-27T00:00:00.000Z") },
      ],
    });
    expect(eventsOf(ofFeedback(record))).toMatchObject([
      { type: "feedback.produced", at: fixed("2026-11-25T12:20:01.000Z"), enrolled: true },
      { type: "feedback.acknowledged", stage: "training", producedAt: fixed("2026-11-25T12:20:01.000Z") },
      { type: "feedback.acknowledged", stage: "deployed", modelVersion: "m2" },
    ]);
  });
});

describe("what one write changes", () => {
  it("adds exactly the events the new image implies and the old did not", () => {
    // Arrange
    const before = item();
    const after = item({ verdicts: [verdict("alice", "deny", 1)], status: "pending" });

    // Act
    const delta = eventDelta(ofReview(before), ofReview(after));

    // Assert
    expect(ofExperiment(delta.added).map((e) => e.id)).toEqual(["review.verdict:rv-1:1:alice"]);
    expect(delta.retracted).toEqual([]);
  });

  it("changes nothing for a write that adds no history (a claim, a heartbeat, a settled decision)", () => {
    const claimed = item({
      status: "claimed",
      leaseHolder: "alice",
      leaseUntil: fixed("2026-11-25T12:20:00.000Z"),
    });
    expect(eventDelta(ofReview(item()), ofReview(claimed))).toEqual({
      added: [],
      retracted: [],
      invalid: [],
    });
    const settled = decision({
      route: "human",
      status: "decided",
      outcome: "deny",
      outcomeSource: "reviewer",
    });
    expect(eventDelta(ofDecision(decision({ route: "human" })), ofDecision(settled))).toMatchObject({
      added: [],
      retracted: [],
    });
  });

  it("takes back the old version and adds the new one when a write changes an event, so the sum is what the final record implies", () => {
    // Arrange: the verdict's handling time was rewritten
    const first = item({ verdicts: [verdict("alice", "deny", 1)] });
    const second = item({ verdicts: [verdict("alice", "deny", 1, { handlingSeconds: 90 })] });

    // Act
    const delta = eventDelta(ofReview(first), ofReview(second));

    // Assert
    expect(ofExperiment(delta.retracted)).toMatchObject([
      { id: "review.verdict:rv-1:1:alice", handlingSeconds: 60 },
    ]);
    expect(ofExperiment(delta.added)).toMatchObject([
      { id: "review.verdict:rv-1:1:alice", handlingSeconds: 90 },
    ]);
  });

  it("counts everything a new record implies at its first write", () => {
    expect(eventDelta(undefined, ofDecision(decision())).added.map((e) => e.id)).toEqual([
      "decision.routed:d1",
    ]);
  });

  it("leaves out an event a record cannot make valid, and says which and why", () => {
    // Arrange: a verdict without a time (a hand-edited item)
    const broken = item({ verdicts: [{ ...verdict("alice", "deny", 1), at: "" }] });

    // Act
    const checked = checkedEventsOf(ofReview(broken));

    // Assert
    expect(checked.events.map((e) => e.id)).toEqual(["review.enqueued:rv-1:1"]);
    // The reviewer fact of the same verdict is left out too, without costing the experiment's events.
    expect(checked.invalid.map((e) => e.id).sort()).toEqual(["review.verdict:rv-1:1:alice", "reviewer:?"]);
    expect(checked.invalid.find((e) => e.id.startsWith("review."))?.reason).toContain("at");
  });
});

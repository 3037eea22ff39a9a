import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors";
import { createExperiment } from "../../../core/experiments/manage";
import { formatPath } from "../../../core/experiments/validate";
import { acknowledgeFeedback } from "../../../core/feedback/acknowledge";
import { readSighting } from "../../../core/feedback/deployment";
import { attachGroundTruth } from "../../../core/feedback/ground-truth";
import { readIntakeMessage } from "../../../core/review/intake-message";
import { routeDecision } from "../../../core/routing/route-decision";
import { broken, type Kind, namesField, type Path } from "../../support/bad-values";
import { manualClock } from "../../support/clock";
import { experiment } from "../../support/experiments";
import { MemoryAudit, MemoryDecisions, MemoryExperiments } from "../../support/memory";
import { correction, decision, feedbackWorld } from "../feedback/fixtures";

/**
 * Generated malformed, wrongly typed, oversized and out-of-range bodies for every use case that
 * stores product or reviewer data, run in process against in-memory stores: each is refused with a
 * 400 whose details name the field that was broken, and nothing is stored.
 */

async function refusal(run: () => Promise<unknown>): Promise<DomainError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("generated bad decisions", () => {
  const valid = {
    experimentId: "claims-triage",
    unitId: "unit-1",
    decisionId: "d-1",
    item: { topic: "billing", amount: 120, customer: { tier: "gold" } },
    prediction: {
      label: "approve",
      confidence: 0.9,
      modelVersion: "m-1",
      costUsd: 0.001,
      alternatives: [{ label: "deny", confidence: 0.1 }],
    },
  };
  const fields: [Path, Kind][] = [
    [["experimentId"], "text"],
    [["unitId"], "text"],
    [["decisionId"], "text"],
    [["item"], "map"],
    [["item", "customer"], "free"],
    [["item", "amount"], "free"],
    [["item", "topic"], "text"],
    [["prediction", "label"], "text"],
    [["prediction", "confidence"], "probability"],
    [["prediction", "modelVersion"], "text"],
    [["prediction", "costUsd"], "amount"],
    [["prediction", "alternatives"], "list"],
    [["prediction", "alternatives", 0, "confidence"], "probability"],
    [["prediction", "alternatives", 0, "label"], "text"],
  ];

  it("are refused with 400 naming the broken field, and no decision or audit entry is stored", async () => {
    await fc.assert(
      fc.asyncProperty(broken(valid, fields), async ({ body, path }) => {
        const experiments = new MemoryExperiments();
        await experiments.save(experiment());
        const decisions = new MemoryDecisions();
        const audit = new MemoryAudit();
        const clock = manualClock();
        const deps = { experiments, decisions, audit, now: clock.now, newId: () => "gen-1" };

        const result = await routeDecision(deps, { request: body });

        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.status).toBe(400);
        namesField(result.error.details as { path: string }[], path);
        expect(decisions.items.size).toBe(0);
        expect(audit.entries).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("generated bad experiments", () => {
  const valid = {
    id: "exp-1",
    control: "a",
    description: "a test",
    modelPriceUsd: { "m-1": 0.01 },
    arms: [
      {
        id: "a",
        weight: 1,
        policy: {
          autoAcceptAbove: 0.9,
          topicQueues: { legal: "legal-team" },
          rules: [{ field: "amount", op: "gt", value: 100 }],
        },
      },
    ],
  };
  const fields: [Path, Kind][] = [
    [["id"], "text"],
    [["description"], "text"],
    [["modelPriceUsd"], "map"],
    [["modelPriceUsd", "m-1"], "amount"],
    [["arms", 0, "policy", "autoAcceptAbove"], "probability"],
    [["arms", 0, "policy", "topicQueues"], "map"],
    [["arms", 0, "policy", "rules", 0, "value"], "free"],
    [["arms", 0, "policy", "rules", 0, "field"], "text"],
  ];

  it("are refused with 400 naming the broken field, and nothing is stored or audited", async () => {
    await fc.assert(
      fc.asyncProperty(broken(valid, fields), async ({ body, path }) => {
        const experiments = new MemoryExperiments();
        const audit = new MemoryAudit();
        const deps = { experiments, audit, now: manualClock().now };

        const error = await refusal(() => createExperiment(deps, body, "admin-1"));

        expect(error.status).toBe(400);
        namesField(error.details, path);
        expect(experiments.items.size).toBe(0);
        expect(audit.entries).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("generated bad ground truth and acknowledgements", () => {
  it("refuse ground truth with 400 naming the field, leaving the decision as it was", async () => {
    const fields: [Path, Kind][] = [
      [["label"], "text"],
      [["source"], "text"],
    ];
    await fc.assert(
      fc.asyncProperty(broken({ label: "deny", source: "chargeback" }, fields), async ({ body, path }) => {
        const w = feedbackWorld();
        const stored = decision("d-1");
        w.decisions.items.set("d-1", stored);

        const error = await refusal(() => attachGroundTruth(w.groundTruth, "d-1", body, "producer-1"));

        expect(error.status).toBe(400);
        namesField(error.details, path);
        expect(await w.decisions.get("d-1")).toEqual(stored);
        expect(w.log.writes).toEqual([]);
        expect(w.audit.entries).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("refuse acknowledgements with 400 naming the field, acknowledging nothing", async () => {
    const fields: [Path, Kind][] = [
      [["modelVersion"], "text"],
      [["stage"], "text"],
      [["feedbackIds"], "list"],
      [["feedbackIds", 0], "text"],
    ];
    const valid = { feedbackIds: ["fb-review-d-1"], modelVersion: "m-8", stage: "training" };
    await fc.assert(
      fc.asyncProperty(broken(valid, fields), async ({ body, path }) => {
        const w = feedbackWorld();
        await w.add(correction(1, "2026-11-25T10:00:00.000Z"));

        const error = await refusal(() => acknowledgeFeedback(w.ack, body));

        expect(error.status).toBe(400);
        namesField(error.details, path);
        expect(w.log.writes).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe("generated bad queue messages", () => {
  const hold = {
    reviewId: "rv-1",
    decisionId: "d-1",
    experimentId: "claims-triage",
    arm: "a",
    kind: "review",
    baseQueue: "default",
    queue: "default",
    tierIndex: 0,
    tiers: [{ name: "tier-1", slaSeconds: 3600 }],
    slaSeconds: 3600,
    heartbeatSeconds: 300,
    deadline: "2026-11-25T13:00:00.000Z",
    fallback: { action: "model" },
    doubleReview: false,
    threshold: 0.9,
    createdAt: "2026-11-25T12:00:00.000Z",
    round: 1,
    requiredVerdicts: 1,
  };

  it("reads a valid review intake message", () => {
    expect(readIntakeMessage(JSON.stringify({ taskToken: "t", hold }))).toMatchObject({ ok: true });
  });

  it("name the broken field of a review intake message, so the intake dead-letters it", () => {
    const fields: [Path, Kind][] = [
      [["taskToken"], "notText"],
      [["hold"], "list"],
      [["hold", "reviewId"], "text"],
      [["hold", "decisionId"], "text"],
      [["hold", "deadline"], "list"],
      [["hold", "round"], "count"],
      [["hold", "tiers"], "text"],
    ];
    fc.assert(
      fc.property(broken({ taskToken: "t", hold }, fields), ({ body, path }) => {
        const read = readIntakeMessage(JSON.stringify(body));

        expect(read.ok).toBe(false);
        if (!read.ok) expect(read.problem).toContain(formatPath(path));
      }),
      { numRuns: 200 },
    );
  });

  it("names a sighting whose model version cannot be a key, so it is not confirmed", () => {
    const read = readSighting('{"modelVersion":"m\\ud800","decisionId":"d-1","at":"2026-11-25T12:00:00Z"}');

    expect(read).toEqual({
      problem: "modelVersion: is not valid Unicode text: an unpaired surrogate at character 1",
    });
  });

  it("refuse any text that is not a JSON message, for both the intake and the sightings", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().filter((j) => !j.startsWith("{")),
        ),
        (text) => {
          const intake = readIntakeMessage(text);
          const sighting = readSighting(text);

          expect(intake.ok).toBe(false);
          expect("problem" in sighting).toBe(true);
        },
      ),
    );
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatErrors, type ParsedExperiment, parseExperiment } from "../../../core/experiments/validate";

const examplePath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../examples/claims-triage.json",
);

/** examples/claims-triage.json (queues claims, legal-team, fraud-team, high-value; tiers 1 and 2), changed by `edit`. */
function example(
  edit: (e: Record<string, unknown> & { arms: { policy: Record<string, unknown> }[] }) => void = () => {},
) {
  const input = JSON.parse(readFileSync(examplePath, "utf8"));
  edit(input);
  return input;
}

function parsed(input: unknown): ParsedExperiment {
  const result = parseExperiment(input);
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.value;
}

function errorsOf(input: unknown) {
  const result = parseExperiment(input);
  if (result.ok) throw new Error("expected validation errors, got a valid experiment");
  return result.errors;
}

const gold = (settings: Record<string, unknown>) =>
  example((e) => {
    e.queues = { claims: { gold: settings } };
  });

describe("review-quality settings of an experiment", () => {
  it("default so that an existing experiment behaves as before", () => {
    // Act
    const experiment = parsed(example());

    // Assert
    expect(experiment.orderedLabels).toBe(false);
    expect(experiment.queues).toEqual({});
    for (const { policy } of experiment.arms) {
      expect(policy.reviewsPerItem).toBe(2);
      expect(policy.maxReviewsPerItem).toBeUndefined();
      expect(policy.showPrediction).toBe(true);
      expect(policy.showPredictionInAudits).toBe(false);
    }
  });

  it("fill in gold defaults for a queue: no gold, 20 items before judging, no re-review", () => {
    // Act
    const experiment = parsed(gold({ rate: 0.05, firstItems: 10, minAccuracy: 0.7 }));

    // Assert
    expect(experiment.queues.claims?.gold).toEqual({
      rate: 0.05,
      firstItems: 10,
      minAccuracy: 0.7,
      minGoldItems: 20,
      reReviewWhenPaused: false,
    });
  });

  it("accept settings for a later tier's queue and for the audit queue", () => {
    const input = example((e) => {
      e.queues = { "claims.tier-2": { gold: { rate: 0.1 } }, audit: { gold: { rate: 0.02 } } };
    });
    expect(Object.keys(parsed(input).queues)).toEqual(["claims.tier-2", "audit"]);
  });

  it("name a queue the experiment never uses and list the ones it does", () => {
    const errors = errorsOf(
      example((e) => {
        e.queues = { claim: { gold: { rate: 0.1 } } };
      }),
    );
    expect(errors).toEqual([
      {
        path: "queues.claim",
        message:
          '"claim" is not a queue of this experiment (queues: claims, claims.tier-2, legal-team, legal-team.tier-2, fraud-team, fraud-team.tier-2, high-value, high-value.tier-2, audit)',
      },
    ]);
  });

  it("reject a minimum accuracy without any gold items to judge it by", () => {
    const errors = errorsOf(gold({ minAccuracy: 0.7 }));
    expect(errors).toEqual([
      {
        path: "queues.claims.gold.minAccuracy",
        message: "needs gold items to judge reviewers by: set gold.rate or gold.firstItems above 0",
      },
    ]);
  });

  it("reject too few gold items to show the minimum on the Wilson lower bound, and say how many are needed", () => {
    // Arrange: 20 of 20 right gives a lower bound of 20/(20 + 1.96²) = 0.839 < 0.9; 35 gives 0.901
    const errors = errorsOf(gold({ rate: 0.1, minAccuracy: 0.9, minGoldItems: 20 }));

    // Assert
    expect(errors).toEqual([
      {
        path: "queues.claims.gold.minGoldItems",
        message:
          "20 is too few to show minAccuracy 0.9: even 20 of 20 right has a 95% Wilson lower bound of 0.839, so everyone would be paused; use at least 35",
      },
    ]);
    expect(parseExperiment(gold({ rate: 0.1, minAccuracy: 0.9, minGoldItems: 35 })).ok).toBe(true);
  });

  it("reject a minimum accuracy of 1, which no number of gold items can show", () => {
    const errors = errorsOf(gold({ rate: 0.1, minAccuracy: 1 }));
    expect(errors[0]?.path).toBe("queues.claims.gold.minAccuracy");
    expect(errors[0]?.message).toMatch(/cannot be shown .* lower it/);
  });

  it("name gold fields out of range with their bounds", () => {
    const errors = errorsOf(gold({ rate: 1.5, firstItems: -1, reReviewWhenPaused: "yes" }));
    expect(errors).toEqual([
      { path: "queues.claims.gold.rate", message: "must be a number between 0 and 1, got 1.5" },
      { path: "queues.claims.gold.firstItems", message: "must be a whole number between 0 and 1000, got -1" },
      { path: "queues.claims.gold.reReviewWhenPaused", message: 'must be true or false, got "yes"' },
    ]);
  });

  it("reject a review cap below the reviews per item", () => {
    const errors = errorsOf(
      example((e) => {
        Object.assign(e.arms[1]?.policy ?? {}, { reviewsPerItem: 3, maxReviewsPerItem: 2 });
      }),
    );
    expect(errors).toEqual([
      { path: "arms[1].policy.maxReviewsPerItem", message: "must be at least reviewsPerItem (3), got 2" },
    ]);
  });

  it("reject one review per item: agreement needs at least two", () => {
    const errors = errorsOf(
      example((e) => {
        Object.assign(e.arms[0]?.policy ?? {}, { reviewsPerItem: 1 });
      }),
    );
    expect(errors).toEqual([
      { path: "arms[0].policy.reviewsPerItem", message: "must be a whole number between 2 and 10, got 1" },
    ]);
  });

  it("accept adaptive overlap and hidden predictions", () => {
    const experiment = parsed(
      example((e) => {
        Object.assign(e.arms[0]?.policy ?? {}, {
          reviewsPerItem: 3,
          maxReviewsPerItem: 5,
          showPrediction: false,
        });
      }),
    );
    expect(experiment.arms[0]?.policy).toMatchObject({
      reviewsPerItem: 3,
      maxReviewsPerItem: 5,
      showPrediction: false,
    });
  });

  it("reject ordered labels without labels to order", () => {
    const errors = errorsOf(
      example((e) => {
        e.labels = [];
        e.orderedLabels = true;
        for (const arm of e.arms) (arm.policy.sla as { fallback: unknown }).fallback = { action: "model" };
      }),
    );
    expect(errors).toEqual([
      { path: "orderedLabels", message: "needs labels listed lowest to highest (at least two), got 0" },
    ]);
  });
});

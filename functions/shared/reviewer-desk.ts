import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoLapsedLeases } from "../../adapters/dynamodb/lapsed-leases";
import { DynamoReReviewWrites } from "../../adapters/dynamodb/re-review-writes";
import { DynamoReviewDesk } from "../../adapters/dynamodb/review-desk";
import {
  DynamoGoldStore,
  DynamoReviewerStates,
  DynamoVerdictSearch,
} from "../../adapters/dynamodb/reviewer-store";
import { sfnClient } from "../../adapters/sfn/client";
import { SfnWorkflow } from "../../adapters/sfn/workflow";
import type { Experiment } from "../../core/experiments/schema";
import type { ReviewerDeskDeps } from "../../core/reviewers/desk";
import { sendForReReview } from "../../core/reviewers/re-review";
import { deps } from "./deps";

/** Queue settings are read on every claim: the experiment list is kept for a few seconds per container. */
function cachedList(list: () => Promise<Experiment[]>, ttlMs = 5_000): () => Promise<Experiment[]> {
  let cached: { at: number; value: Promise<Experiment[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at >= ttlMs) {
      const value = list();
      cached = { at: Date.now(), value };
      value.catch(() => {
        cached = undefined;
      });
    }
    return cached.value;
  };
}

/** The review desk with its reviewer side: gold serving, qualification, the reviewers' states. */
export function reviewerDesk(): ReviewerDeskDeps {
  const experiments = deps.experiments();
  const table = requireEnv("REVIEWS_TABLE");
  const arn = process.env.REVIEW_STATE_MACHINE_ARN;
  const reviews = deps.reviews();
  const audit = deps.audit();
  const search = new DynamoVerdictSearch(documentClient(), table);
  return {
    reviews,
    desk: new DynamoReviewDesk(documentClient(), table),
    // Only the reviews API resumes workflows; the reviewers API never touches one.
    workflow: arn
      ? new SfnWorkflow(sfnClient(), arn)
      : {
          succeed: () => Promise.reject(new Error("no workflow here")),
          heartbeat: () => Promise.reject(new Error("no workflow here")),
          stop: () => Promise.reject(new Error("no workflow here")),
        },
    experiments: deps.cachedExperiments(),
    audit,
    now: deps.now,
    reReview: (reviewer, queue, window, reason) =>
      sendForReReview({ search, reviews, audit, now: deps.now }, reviewer, queue, window, reason),
    gold: new DynamoGoldStore(documentClient(), table),
    states: new DynamoReviewerStates(documentClient(), table),
    reReviewWrites: new DynamoReReviewWrites(documentClient(), table),
    leases: new DynamoLapsedLeases(documentClient(), table),
    listExperiments: cachedList(() => experiments.list()),
    newId: deps.newId,
  };
}

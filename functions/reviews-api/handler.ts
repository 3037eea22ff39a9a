import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoReviewHistory } from "../../adapters/dynamodb/review-history";
import { DomainError, validationFailed } from "../../core/errors";
import { claimFilter } from "../../core/review/claim-query";
import { getReview } from "../../core/review/desk";
import { parseQueuesClaim, type Reviewer } from "../../core/review/entitlement";
import { readQueueHistory } from "../../core/review/queue-history-query";
import { VerdictSchema } from "../../core/review/verdict";
import { claim, heartbeatAny, releaseAny, verdict } from "../../core/reviewers/desk";
import { reviewerQueueStats } from "../../core/reviewers/queue-stats";
import { BUDGETS, parseStorable } from "../../core/storage/dynamodb-limits";
import { type Caller, httpApi } from "../shared/http";
import { reviewerDesk } from "../shared/reviewer-desk";

// Claims go through the reviewer side: gold items, paused reviewers (core/reviewers/desk.ts).
const desk = reviewerDesk();
const history = new DynamoReviewHistory(documentClient(), requireEnv("REVIEWS_TABLE"));

const reviewerOf = (caller: Caller): Reviewer => ({
  id: caller.id,
  admin: caller.roles.includes("admin"),
  queues: parseQueuesClaim(caller.claims.queues),
});

export const handler = httpApi({
  "GET /v1/queues": {
    roles: ["reviewer", "admin"],
    run: async ({ caller }) => ({ body: { queues: await reviewerQueueStats(desk, reviewerOf(caller)) } }),
  },
  "GET /v1/queues/history": {
    roles: ["reviewer", "admin"],
    run: async ({ caller, query }) => ({
      body: await readQueueHistory({ history, now: desk.now }, reviewerOf(caller), query),
    }),
  },
  "POST /v1/queues/{queue}/claim": {
    roles: ["reviewer", "admin"],
    async run({ caller, params, query }) {
      const filter = await claimFilter(desk.experiments, query);
      const item = await claim(desk, reviewerOf(caller), params.queue ?? "", filter);
      if (!item) {
        const of = filter.experimentId ? ` of experiment "${filter.experimentId}"` : "";
        return {
          status: 200,
          body: { review: null, message: `queue "${params.queue}" has nothing${of} to claim` },
        };
      }
      return { body: await getReview(desk, reviewerOf(caller), item.reviewId) };
    },
  },
  "GET /v1/reviews/{id}": {
    roles: ["reviewer", "admin"],
    run: async ({ caller, params }) => ({ body: await getReview(desk, reviewerOf(caller), params.id ?? "") }),
  },
  "POST /v1/reviews/{id}/verdict": {
    roles: ["reviewer", "admin"],
    async run({ caller, params, body }) {
      if (body === undefined)
        throw new DomainError(400, "missing_body", 'request body is empty; send { "label": ... }');
      const parsed = parseStorable(VerdictSchema, body, "verdict", BUDGETS.verdict);
      if (!parsed.ok) throw validationFailed("verdict", parsed.errors);
      return { body: await verdict(desk, reviewerOf(caller), params.id ?? "", parsed.value) };
    },
  },
  "POST /v1/reviews/{id}/release": {
    roles: ["reviewer", "admin"],
    async run({ caller, params }) {
      await releaseAny(desk, reviewerOf(caller), params.id ?? "");
      return { body: { reviewId: params.id, status: "pending" } };
    },
  },
  "POST /v1/reviews/{id}/heartbeat": {
    roles: ["reviewer", "admin"],
    run: async ({ caller, params }) => ({
      body: await heartbeatAny(desk, reviewerOf(caller), params.id ?? ""),
    }),
  },
});

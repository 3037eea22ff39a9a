import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { DomainError } from "../../core/errors";
import { REVIEWERS_SCOPE } from "../../core/metrics/events";
import { addGold } from "../../core/reviewers/gold-upload";
import { queueScale } from "../../core/reviewers/queue-scale";
import { parseScorecardQuery, reviewerScorecards } from "../../core/reviewers/scorecard-query";
import { changeStanding, parseStandingChange } from "../../core/reviewers/standing";
import { httpApi } from "../shared/http";
import { reviewerDesk } from "../shared/reviewer-desk";

const desk = reviewerDesk();
const metrics = new DynamoMetricsStore(documentClient(), requireEnv("METRICS_TABLE"), {
  shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
});
const scorecards = {
  // Reviewer rows are hourly counter items of their own scope (no roll-ups).
  rows: (fromHour?: string) => metrics.readExperiment(REVIEWERS_SCOPE, { fromHour: fromHour ?? "0000" }),
  states: desk.states,
  labelsOf: (queue: string) => queueScale(desk, queue),
};

/** Gold uploads, scorecards and reviewers' standing (docs/review.md, "Reviewer quality"). */
export const handler = httpApi({
  "POST /v1/queues/{queue}/gold": {
    roles: ["admin"],
    async run({ caller, params, query, body }) {
      if (typeof body !== "string" || body.trim() === "") {
        throw new DomainError(
          400,
          "missing_body",
          "send the gold items as JSON Lines (content-type: application/x-ndjson), one item per line",
        );
      }
      const result = await addGold(desk, params.queue ?? "", body, {
        ...(query.experimentId ? { experimentId: query.experimentId } : {}),
        dryRun: query.dryRun === "true" || query.dryRun === "1",
        actor: caller.id,
      });
      return { status: result.checked !== undefined ? 200 : 201, body: result };
    },
  },
  "GET /v1/reviewers": {
    roles: ["admin"],
    run: async ({ query }) => ({
      body: await reviewerScorecards(scorecards, parseScorecardQuery(query)),
      headers: { "cache-control": "no-store" },
    }),
  },
  "GET /v1/reviewers/me": {
    roles: ["reviewer", "admin"],
    run: async ({ caller, query }) => {
      if (query.reviewer !== undefined && query.reviewer !== caller.id)
        throw new DomainError(403, "forbidden", "a reviewer sees their own scorecard only; drop ?reviewer=");
      return {
        body: await reviewerScorecards(scorecards, { ...parseScorecardQuery(query), reviewer: caller.id }),
        headers: { "cache-control": "no-store" },
      };
    },
  },
  "POST /v1/reviewers/{reviewer}/pause": {
    roles: ["admin"],
    run: async ({ caller, params, body }) => ({
      body: await changeStanding(desk, caller.id, params.reviewer ?? "", parseStandingChange(body), "pause"),
    }),
  },
  "POST /v1/reviewers/{reviewer}/reinstate": {
    roles: ["admin"],
    run: async ({ caller, params, body }) => ({
      body: await changeStanding(
        desk,
        caller.id,
        params.reviewer ?? "",
        parseStandingChange(body),
        "reinstate",
      ),
    }),
  },
});

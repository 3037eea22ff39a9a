import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { getReport, parseReportQuery, SealedCounterCache } from "../../core/report";
import { deps } from "../shared/deps";
import { httpApi } from "../shared/http";

const report = {
  experiments: deps.experiments(),
  // The store reads sealed days from their daily roll-ups (written by the guardrail run); hours older
  // than the seal (a week) never change, so a warm container re-reads only the last week, and drops
  // what it kept when the roll-ups' epoch says sealed hours were rewritten.
  counters: new SealedCounterCache(
    new DynamoMetricsStore(documentClient(), requireEnv("METRICS_TABLE"), {
      shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
    }),
  ),
  now: deps.now,
};

/**
 * The experiment report (docs/report.md): the config and the counters (roll-ups + recent hours),
 * then pure computation in core/report. Read-only: it never writes roll-ups itself.
 */
export const handler = httpApi({
  "GET /v1/experiments/{id}/report": {
    roles: ["analyst", "admin"],
    run: async ({ params, query }) => ({
      body: await getReport(report, params.id ?? "", parseReportQuery(query)),
      headers: { "cache-control": "no-store" },
    }),
  },
});

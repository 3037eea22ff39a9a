import { documentClient, requireEnv } from "../../adapters/dynamodb/client";
import { DynamoMetricsStore } from "../../adapters/dynamodb/metrics-store";
import { getReport, parseReportQuery, SealedCounterCache } from "../../core/report";
import { deps } from "../shared/deps";
import { httpApi } from "../shared/http";

const report = {
  experiments: deps.experiments(),
  // Hours older than the dedupe window never change: a warm container re-reads only the last week.
  counters: new SealedCounterCache(
    new DynamoMetricsStore(documentClient(), requireEnv("METRICS_TABLE"), {
      shards: Number(process.env.METRICS_SHARDS ?? "") || undefined,
    }),
  ),
  now: deps.now,
};

/** The experiment report (docs/report.md): two reads, then pure computation in core/report. */
export const handler = httpApi({
  "GET /v1/experiments/{id}/report": {
    roles: ["analyst", "admin"],
    run: async ({ params, query }) => ({
      body: await getReport(report, params.id ?? "", parseReportQuery(query)),
      headers: { "cache-control": "no-store" },
    }),
  },
});

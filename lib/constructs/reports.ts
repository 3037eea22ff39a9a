import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import { HitlFunction } from "./hitl-function";

export interface ReportsProps {
  readonly experimentsTable: dynamodb.ITableV2;
  readonly metricsTable: dynamodb.ITableV2;
  readonly key: kms.IKey;
  /** Counter shards the metrics counter writes (must match MetricsPipeline's). */
  readonly shards?: number;
}

/**
 * The experiment report behind `GET /v1/experiments/{id}/report` (the stack adds the route with
 * `fn`). It reads the experiment's config (one GetItem) and its counters (one Query per shard), then
 * computes: nothing else, so it gets nothing else.
 */
export class Reports extends Construct {
  readonly fn: lambda.IFunction;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    const fn = new HitlFunction(this, "ReportsApi", {
      entry: "reports-api",
      description: "GET /v1/experiments/{id}/report: the experiment report from the counters",
      // A 30-day, 2-arm run is ~5,760 counter items: the Queries and the fold take well under a second
      // with a full vCPU share; 1 GB keeps that margin (Lambda CPU grows with memory).
      memorySize: 1024,
      timeout: Duration.seconds(15),
      environment: {
        EXPERIMENTS_TABLE: props.experimentsTable.tableName,
        METRICS_TABLE: props.metricsTable.tableName,
        METRICS_SHARDS: String(props.shards ?? DEFAULT_SHARDS),
      },
    }).fn;
    props.experimentsTable.grant(fn, "dynamodb:GetItem");
    props.metricsTable.grant(fn, "dynamodb:Query");
    props.key.grantDecrypt(fn);
    this.fn = fn;
  }
}

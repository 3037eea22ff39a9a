import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import { HitlFunction } from "./hitl-function";

export interface MetricsPipelineProps {
  readonly metricsQueue: sqs.IQueue;
  /** Malformed or stale events go straight here, with the reason. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly metricsTable: dynamodb.ITableV2;
  readonly key: kms.IKey;
  /** Counter shards per (experiment, arm, hour); only ever raise it. */
  readonly shards?: number;
}

/**
 * The aggregator: metrics queue → function (batches of up to 100, partial batch responses) →
 * exactly-once counters in the metrics table. Malformed events go straight to the queue's (alarmed)
 * dead-letter queue with the reason attached.
 */
export class MetricsPipeline extends Construct {
  readonly fn: lambda.IFunction;

  constructor(scope: Construct, id: string, props: MetricsPipelineProps) {
    super(scope, id);
    // 30 s: the metrics queue's 180 s visibility timeout is 6 × this, as AWS advises.
    const fn = new HitlFunction(this, "Aggregator", {
      entry: "metrics-aggregator",
      description: "Counts metric events exactly once into per-arm, per-hour counters",
      timeout: Duration.seconds(30),
      environment: {
        METRICS_TABLE: props.metricsTable.tableName,
        METRICS_SHARDS: String(props.shards ?? DEFAULT_SHARDS),
        METRICS_DLQ_URL: props.deadLetterQueue.queueUrl,
      },
    }).fn;
    // TransactWriteItems is authorized per action: Put (dedupe and unit items) needs PutItem, Update
    // (counters) UpdateItem; BatchGetItem reads first-seen unit items. No delete, no scan, no query.
    props.metricsTable.grant(fn, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem");
    props.key.grantEncryptDecrypt(fn);
    props.deadLetterQueue.grantSendMessages(fn);
    fn.addEventSource(
      new SqsEventSource(props.metricsQueue, {
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        reportBatchItemFailures: true,
      }),
    );
    this.fn = fn;
  }
}

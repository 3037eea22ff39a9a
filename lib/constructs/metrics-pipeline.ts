import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq, SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import { HitlFunction } from "./hitl-function";

export interface MetricsPipelineProps {
  readonly metricsQueue: sqs.IQueue;
  /** Malformed or stale events go straight here, with the reason. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly metricsTable: dynamodb.ITableV2;
  /** Its stream's INSERTs of decision records are the routed decisions. */
  readonly decisionsTable: dynamodb.ITableV2;
  /** Where the stream's event source reports a batch it gave up on. */
  readonly streamFailures: sqs.IQueue;
  readonly key: kms.IKey;
  /** Counter shards per (experiment, arm, hour); only ever raise it. */
  readonly shards?: number;
}

/**
 * Two writers of the same counters. The routed counter: decisions table stream → function (one
 * batch per shard at a time, a tumbling window so the event names its shard) → counters, exactly
 * once through a per-shard mark. The aggregator: metrics queue → function (batches of up to 100, partial batch responses) →
 * exactly-once counters in the metrics table. Malformed events go straight to the queue's (alarmed)
 * dead-letter queue with the reason attached.
 */
export class MetricsPipeline extends Construct {
  readonly fn: lambda.IFunction;
  readonly routedCounter: lambda.IFunction;

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

    const counter = new HitlFunction(this, "RoutedCounter", {
      entry: "routed-counter",
      description: "Counts routed decisions from the decisions table's stream, exactly once per shard mark",
      timeout: Duration.seconds(60),
      environment: {
        METRICS_TABLE: props.metricsTable.tableName,
        METRICS_SHARDS: String(props.shards ?? DEFAULT_SHARDS),
      },
    }).fn;
    // Mark and unit reads (GetItem, BatchGetItem), unit items (PutItem), mark and counters (UpdateItem
    // in TransactWriteItems). The event source grants the stream reads and the failure queue's send.
    props.metricsTable.grant(
      counter,
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    );
    props.key.grantEncryptDecrypt(counter);
    counter.addEventSource(
      new DynamoEventSource(props.decisionsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 1000,
        maxBatchingWindow: Duration.seconds(1),
        // Only for the shard id in the event (the mark's key): the function keeps no window state.
        tumblingWindow: Duration.seconds(60),
        parallelizationFactor: 1,
        // A failing batch is a failing write (bad records are skipped, not thrown): retry for hours.
        retryAttempts: 1000,
        onFailure: new SqsDlq(props.streamFailures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual("INSERT"),
            dynamodb: { NewImage: { sk: { S: lambda.FilterRule.isEqual("DECISION") } } },
          }),
        ],
      }),
    );
    this.routedCounter = counter;
  }
}

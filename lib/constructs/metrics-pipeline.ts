import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import { HitlFunction } from "./hitl-function";

export interface MetricsPipelineProps {
  readonly metricsTable: dynamodb.ITableV2;
  /** Decisions (routed, ground truth) and feedback records (produced, acknowledged). */
  readonly decisionsTable: dynamodb.ITableV2;
  /** Review items (enqueued, verdicts, escalations, breaches, outcomes). */
  readonly reviewsTable: dynamodb.ITableV2;
  /** Where the streams' event sources report a batch they gave up on. */
  readonly streamFailures: sqs.IQueue;
  readonly key: kms.IKey;
  /** Counter shards per (experiment, arm, hour); only ever raise it. */
  readonly shards?: number;
}

/**
 * Which stream records can imply a metric event; the others never reach the function (Lambda does
 * not bill filtered records). Sound by construction of the writers: a decision implies its events
 * at INSERT and when ground truth is attached; every feedback write may add an ack; a review item
 * write may add history unless it is a claim or a heartbeat, the only writes that leave the item
 * claimed *with* a lease holder (a completing verdict removes the holder). Tested by replaying every
 * write of the review and feedback flows through these patterns (test/lib/stream-filters.test.ts).
 */
export const DECISIONS_STREAM_FILTERS = [
  { eventName: ["INSERT"], dynamodb: { NewImage: { sk: { S: ["DECISION"] } } } },
  {
    eventName: ["MODIFY"],
    dynamodb: {
      NewImage: { sk: { S: ["DECISION"] }, groundTruth: { M: { label: { S: [{ exists: true }] } } } },
    },
  },
  { eventName: ["INSERT", "MODIFY"], dynamodb: { NewImage: { sk: { S: ["FEEDBACK"] } } } },
  // An implicit signal appended (core/feedback/types/signal-events.ts).
  {
    eventName: ["MODIFY"],
    dynamodb: { NewImage: { sk: { S: ["DECISION"] }, signalCount: { N: [{ exists: true }] } } },
  },
] as const;

export const REVIEWS_STREAM_FILTERS = [
  {
    eventName: ["INSERT", "MODIFY"],
    dynamodb: { NewImage: { status: { S: [{ "anything-but": ["claimed"] }] } } },
  },
  {
    eventName: ["MODIFY"],
    dynamodb: { NewImage: { status: { S: ["claimed"] }, leaseHolder: { S: [{ exists: false }] } } },
  },
] as const;

/**
 * Every metric is counted from a committed record: the decisions and reviews tables' streams (old
 * and new images) → one counter function (one batch per shard at a time, a tumbling window so the
 * event names its shard) → what each write adds to the events its record implies, exactly once per
 * shard mark, into the metrics table (docs/metrics.md §5).
 */
export class MetricsPipeline extends Construct {
  readonly counter: lambda.IFunction;

  constructor(scope: Construct, id: string, props: MetricsPipelineProps) {
    super(scope, id);
    const counter = new HitlFunction(this, "Counter", {
      entry: "metrics-counter",
      description: "Counts metric events from the records tables' streams, exactly once per shard mark",
      timeout: Duration.seconds(60),
      environment: {
        METRICS_TABLE: props.metricsTable.tableName,
        METRICS_SHARDS: String(props.shards ?? DEFAULT_SHARDS),
      },
    }).fn;
    // Mark and unit reads (GetItem, BatchGetItem), unit items (PutItem), mark and counters (UpdateItem
    // in TransactWriteItems). The event sources grant the stream reads and the failure queue's send.
    props.metricsTable.grant(
      counter,
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
    );
    props.key.grantEncryptDecrypt(counter);
    const source = (table: dynamodb.ITableV2, filters: readonly object[]) =>
      new DynamoEventSource(table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 1000,
        maxBatchingWindow: Duration.seconds(1),
        // Only for the shard id in the event (the mark's key): the function keeps no window state.
        tumblingWindow: Duration.seconds(60),
        parallelizationFactor: 1,
        // A failing batch is a failing write (bad records are skipped, not thrown): retry for hours.
        retryAttempts: 1000,
        onFailure: new SqsDlq(props.streamFailures),
        filters: filters.map((pattern) => lambda.FilterCriteria.filter(pattern as Record<string, unknown>)),
      });
    counter.addEventSource(source(props.decisionsTable, DECISIONS_STREAM_FILTERS));
    counter.addEventSource(source(props.reviewsTable, REVIEWS_STREAM_FILTERS));
    this.counter = counter;
  }
}

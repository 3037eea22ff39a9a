import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { HitlFunction } from "./hitl-function";

export interface ReviewRevisionsProps {
  readonly reviewsTable: dynamodb.ITableV2;
  readonly decisionsTable: dynamodb.ITableV2;
  readonly auditTable: dynamodb.ITableV2;
  readonly outcomesQueue: sqs.IQueue;
  readonly feedbackQueue: sqs.IQueue;
  /** Where the stream's event source reports a batch it gave up on. */
  readonly streamFailures: sqs.IQueue;
  readonly key: kms.IKey;
  readonly environment: Record<string, string>;
}

/** Only writes that carry a revision reach the function (the original item's `revisedAt`). */
export const REVISIONS_STREAM_FILTERS = [
  { eventName: ["MODIFY"], dynamodb: { NewImage: { revisedAt: { S: [{ exists: true }] } } } },
] as const;

/**
 * A re-review that overturns an outcome writes the revision on the original review item (with the
 * re-review's verdict, one transaction); this function reads it from the reviews table's stream and
 * updates the decision, the outcomes queue, the feedback and the audit trail
 * (core/reviewers/revision-apply.ts). The reviews API itself never touches a decision.
 */
export class ReviewRevisions extends Construct {
  readonly fn: lambda.IFunction;

  constructor(scope: Construct, id: string, props: ReviewRevisionsProps) {
    super(scope, id);
    const fn = new HitlFunction(this, "Function", {
      entry: "review-revisions",
      description: "Applies outcomes overturned by re-reviews: decision, outcome message, feedback",
      timeout: Duration.seconds(30),
      environment: {
        ...props.environment,
        OUTCOMES_QUEUE_URL: props.outcomesQueue.queueUrl,
        FEEDBACK_QUEUE_URL: props.feedbackQueue.queueUrl,
      },
    }).fn;
    // The decision's read and settle, the correction's conditional put; audit entries are only added.
    props.decisionsTable.grant(fn, "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem");
    props.auditTable.grant(fn, "dynamodb:PutItem");
    for (const q of [props.outcomesQueue, props.feedbackQueue]) q.grantSendMessages(fn);
    props.key.grantEncryptDecrypt(fn);
    fn.addEventSource(
      new DynamoEventSource(props.reviewsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        retryAttempts: 1000,
        onFailure: new SqsDlq(props.streamFailures),
        filters: REVISIONS_STREAM_FILTERS.map((pattern) =>
          lambda.FilterCriteria.filter(pattern as unknown as Record<string, unknown>),
        ),
      }),
    );
    this.fn = fn;
  }
}

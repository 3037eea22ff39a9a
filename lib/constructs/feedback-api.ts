import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { HitlFunction } from "./hitl-function";
import type { QueueWithDlq } from "./queue-with-dlq";

export interface FeedbackApiProps {
  /** Holds decisions, feedback records (the `feed` index) and model-version items. */
  readonly decisions: dynamodb.ITableV2;
  readonly reviews: dynamodb.ITableV2;
  /** Read for an experiment's `signals` settings when an implicit signal arrives. */
  readonly experiments: dynamodb.ITableV2;
  readonly auditTrail: dynamodb.ITableV2;
  readonly feedbackQueue: sqs.IQueue;
  readonly key: kms.IKey;
  /** Decisions seen with a model version awaiting confirmation (a queue of the stateful stack). */
  readonly sightings: QueueWithDlq;
}

/**
 * The ML team's side of the feedback loop (docs/feedback.md): the API function (export, acknowledge,
 * ground truth) and deployment confirmation (sightings queue → confirmation function). Grants are
 * the least each needs: on the decisions table GetItem and UpdateItem (acks, ground truth and the
 * corrections it creates are conditional updates; no PutItem, so no decision can be overwritten) and
 * Query on the `feed` index only; on the audit trail PutItem only; on the reviews table GetItem.
 */
export class FeedbackApi extends Construct {
  /** Serves GET /v1/feedback, POST /v1/feedback/ack, POST /v1/decisions/{id}/ground-truth and …/signals. */
  readonly fn: lambda.IFunction;
  /** Confirms deployments from sightings the routing function sends. */
  readonly confirmFn: lambda.IFunction;
  /** Sightings of model versions awaiting deployment confirmation (re-sent while unconfirmed, so losing them loses nothing). */
  readonly sightings: QueueWithDlq;

  constructor(scope: Construct, id: string, props: FeedbackApiProps) {
    super(scope, id);
    const { decisions } = props;
    const readFeed = (fn: lambda.IFunction) =>
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ["dynamodb:Query"],
          resources: [`${decisions.tableArn}/index/feed`],
        }),
      );

    const api = new HitlFunction(this, "Api", {
      entry: "feedback-api",
      description: "ML feedback loop: export corrections, acknowledge them, attach ground truth",
      timeout: Duration.seconds(30),
      environment: {
        DECISIONS_TABLE: decisions.tableName,
        REVIEWS_TABLE: props.reviews.tableName,
        EXPERIMENTS_TABLE: props.experiments.tableName,
        AUDIT_TABLE: props.auditTrail.tableName,
        FEEDBACK_QUEUE_URL: props.feedbackQueue.queueUrl,
      },
    }).fn;
    decisions.grant(api, "dynamodb:GetItem", "dynamodb:UpdateItem");
    readFeed(api);
    // Whether an automated decision's audit is in (ground truth's quality class).
    props.reviews.grant(api, "dynamodb:GetItem");
    props.experiments.grant(api, "dynamodb:GetItem");
    props.auditTrail.grant(api, "dynamodb:PutItem");
    // Ground truth that contradicts the model is pushed to ML pipelines like every other correction.
    props.feedbackQueue.grantSendMessages(api);
    props.key.grantEncryptDecrypt(api);
    this.fn = api;

    // The sightings queue (stateful stack) has a 180 s visibility timeout: 6 × this function's 30 s.
    this.sightings = props.sightings;
    const confirm = new HitlFunction(this, "Deployments", {
      entry: "feedback-api/deployments",
      description: "Confirms model deployments: deployed acks for the corrections a sighted version took in",
      timeout: Duration.seconds(30),
      environment: {
        DECISIONS_TABLE: decisions.tableName,
      },
    }).fn;
    decisions.grant(confirm, "dynamodb:GetItem", "dynamodb:UpdateItem");
    readFeed(confirm);
    props.key.grantEncryptDecrypt(confirm);
    confirm.addEventSource(
      new SqsEventSource(this.sightings.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    this.confirmFn = confirm;
  }

  /**
   * Lets the routing function report model versions awaiting confirmation: it reads their registry
   * items with the GetItem it already has and sends sightings here.
   */
  watchDeploymentsFrom(routeFunction: lambda.Function): void {
    this.sightings.queue.grantSendMessages(routeFunction);
    routeFunction.addEnvironment("DEPLOYMENT_SIGHTINGS_QUEUE_URL", this.sightings.queue.queueUrl);
  }
}

import { Duration } from "aws-cdk-lib";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import { Construct } from "constructs";
import { DEFAULT_SHARDS } from "../../core/metrics/aggregate";
import { HitlFunction } from "./hitl-function";

export interface GuardrailsProps {
  readonly experimentsTable: dynamodb.ITableV2;
  readonly metricsTable: dynamodb.ITableV2;
  readonly auditTable: dynamodb.ITableV2;
  readonly key: kms.IKey;
  /** How often the check runs. Default 15 minutes. */
  readonly every?: Duration;
  /** Counter shards the metrics counter writes (must match MetricsPipeline's). */
  readonly shards?: number;
}

/**
 * The quality guardrail that acts: an EventBridge rule runs the check every 15 minutes; it pauses
 * treatment arms whose quality is worse than control's by more than the margin (a new config
 * version), writes `arm-paused` to the experiment's audit trail and announces it on `topic`
 * (subscribe the team's e-mail or chat there). docs/guardrails.md has the semantics.
 */
export class Guardrails extends Construct {
  readonly fn: lambda.IFunction;
  readonly topic: sns.ITopic;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: GuardrailsProps) {
    super(scope, id);
    const topic = new sns.Topic(this, "ArmPausedTopic", {
      displayName: "hitl-lab guardrail: arm paused",
      masterKey: props.key,
      enforceSSL: true,
    });
    const fn = new HitlFunction(this, "Check", {
      entry: "guardrails",
      description: "Scheduled quality guardrail: pauses arms worse than control beyond the margin",
      timeout: Duration.seconds(60),
      environment: {
        EXPERIMENTS_TABLE: props.experimentsTable.tableName,
        METRICS_TABLE: props.metricsTable.tableName,
        AUDIT_TABLE: props.auditTable.tableName,
        METRICS_SHARDS: String(props.shards ?? DEFAULT_SHARDS),
        GUARDRAIL_TOPIC_ARN: topic.topicArn,
      },
    }).fn;
    // Scan lists the experiments (tens of items), GetItem re-reads one after a concurrent change,
    // PutItem is the versioned save (a transaction of two conditional Puts).
    props.experimentsTable.grant(fn, "dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem");
    props.metricsTable.grant(fn, "dynamodb:Query");
    // Daily roll-ups (docs/metrics.md §4.1): Put the roll-up items, Put/Update the watermark; only
    // items whose partition key starts with ROLLUP#, never a counter, mark or unit item.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"],
        resources: [props.metricsTable.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["ROLLUP#*"] } },
      }),
    );
    // The audit trail is append-only: PutItem with attribute_not_exists, nothing else.
    props.auditTable.grant(fn, "dynamodb:PutItem");
    props.key.grant(fn, "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*");
    topic.grantPublish(fn);

    this.rule = new events.Rule(this, "Schedule", {
      description: "Runs the quality guardrail check",
      schedule: events.Schedule.rate(props.every ?? Duration.minutes(15)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(10) })],
    });
    this.fn = fn;
    this.topic = topic;
  }
}

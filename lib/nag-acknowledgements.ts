import { type Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { RouterStateMachine } from "./constructs/router-state-machine";

const ack = (scope: Stack | RouterStateMachine | IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id, reason });

/**
 * cdk-nag AwsSolutions findings we accept, each with the reason. Everything else must pass
 * (test/lib/nag.test.ts fails on any finding not listed here).
 */
export function acknowledgeStatefulFindings(stack: Stack): void {
  ack(
    stack,
    "AwsSolutions-COG8",
    "The Plus feature plan (threat protection) is billed per active user; tokens are short-lived and MFA is required. Turn it on per deployment if the threat model asks for it.",
  );
  const preToken = stack.node.findChild("PreToken");
  ack(
    preToken,
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    "The user pool's token trigger logs to its own log group; the managed basic execution role grants nothing else.",
  );
  ack(
    preToken,
    "AwsSolutions-IAM5[Resource::*]",
    "X-Ray's PutTraceSegments and PutTelemetryRecords do not support resource-level permissions.",
  );
  ack(
    stack.node.findChild("StreamCountFailures"),
    "AwsSolutions-SQS3",
    "This queue is itself a dead-letter destination: the records streams' event sources send it the shard and sequence range of a batch it gave up on. It is alarmed like every dead-letter queue.",
  );
}

export function acknowledgeStatelessFindings(stack: Stack, router: RouterStateMachine): void {
  ack(
    stack,
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
    "The AWS-managed basic execution role grants only CreateLogGroup/CreateLogStream/PutLogEvents; each function logs to its own log group with a retention.",
  );
  ack(
    stack,
    "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
    "Scoped to the single data key of this app; GenerateDataKey* is how DynamoDB and SQS encrypt with a customer-managed key.",
  );
  ack(
    stack,
    "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
    "Scoped to the single data key of this app (added by CDK's table grants for customer-managed keys).",
  );
  // The ids name CDK's cross-stack exports of the two tables' ARNs; the nag test fails if they move.
  for (const tableArnExport of [
    "HitlData:ExportsOutputFnGetAttDecisionsTable2B2636B5ArnBABF5DD9",
    "HitlData:ExportsOutputFnGetAttReviewsTable1E51AE49Arn1D7ABE14",
  ]) {
    ack(
      stack,
      `AwsSolutions-IAM5[Resource::${tableArnExport}/index/*]`,
      "Query access to this one table's own indexes (feed, byQueue, byDecision), nothing wider.",
    );
  }
  ack(
    stack,
    "AwsSolutions-IAM5[Resource::<RouteDecisionFnC645A08F.Arn>:*]",
    "Step Functions may invoke any version of this one function (CDK's LambdaInvoke grant).",
  );
  ack(
    stack,
    "AwsSolutions-IAM5[Resource::<ReviewStepsFn79D6C933.Arn>:*]",
    "Step Functions may invoke any version of this one function (CDK's LambdaInvoke grant).",
  );
  ack(
    stack,
    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:us-east-1:<AWS::AccountId>:execution:<ReviewStateMachineCFBDE53B.Name>:*]",
    "StopExecution on executions of the review state machine only (one per held item, named by review id), to withdraw a held decision.",
  );
  ack(
    stack,
    "AwsSolutions-IAM5[Resource::*]",
    "CloudWatch Logs delivery and X-Ray actions (PutTraceSegments, PutTelemetryRecords: state machines and functions) do not support resource-level permissions.",
  );
  ack(
    router,
    "AwsSolutions-SF1",
    "The router runs once per decision: ALL-level logs would cost about $1 per million decisions, a fifth of the automated path's budget. Errors are logged; failed executions alarm.",
  );
}

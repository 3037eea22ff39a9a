import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

export interface AlarmsProps {
  readonly key: kms.IKey;
  readonly deadLetterQueues: sqs.IQueue[];
  readonly stateMachines: sfn.StateMachine[];
}

/** Operators hear about anything dead-lettered and any failed or timed-out execution. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", { masterKey: props.key, enforceSSL: true });
    const action = new actions.SnsAction(this.topic);
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
    };
    for (const dlq of props.deadLetterQueues) {
      alarm(
        `${dlq.node.scope?.node.id ?? dlq.node.id}Dlq`,
        dlq.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum" }),
        "Messages were dead-lettered: inspect them and redrive (see README: Operating it).",
      );
    }
    for (const sm of props.stateMachines) {
      const name = sm.node.scope?.node.id ?? sm.node.id;
      alarm(`${name}Failed`, sm.metricFailed({ statistic: "Sum" }), `${name} executions failed.`);
      alarm(`${name}TimedOut`, sm.metricTimedOut({ statistic: "Sum" }), `${name} executions timed out.`);
    }
  }
}

import { Duration } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";

export interface ReviewStateMachineProps {
  readonly intakeQueue: sqs.IQueue;
  readonly stepsFunction: lambda.IFunction;
}

/**
 * A step whose function died (timed out, ran out of memory, its process exited) is run again: the
 * steps find what a crashed attempt wrote and write the same records (docs/metrics.md). Without
 * this a crash between two writes failed the execution and left the decision held for good.
 */
export const CRASH_RETRY: sfn.RetryProps = {
  errors: ["Lambda.Unknown", "Runtime.ExitError", "Sandbox.Timedout"],
  interval: Duration.seconds(2),
  maxAttempts: 6,
  backoffRate: 2,
};

/**
 * Holds one item for people (Standard: `.waitForTaskToken` needs it). The hold is a loop so any
 * number of SLA tiers works with one Task state:
 *
 *   Hold ──verdict──▶ Settle ──(adjudicate)──▶ Hold
 *     │ States.Timeout           ▲
 *     ▼                          │
 *   Escalate ──next tier─────────┘ (via Hold)   ──last tier──▶ Fallback ──(keep holding)──▶ Hold
 *     │ States.HeartbeatTimeout: LeaseExpired ──▶ Hold (same deadline), or as Escalate at the deadline
 *
 * The task token goes to the intake queue and from there into the reviews table; it never leaves
 * the server. `$.slaSeconds` is what is left of the current tier's SLA.
 */
export class ReviewStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ReviewStateMachineProps) {
    super(scope, id);
    const step = (name: string, action: string) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: props.stepsFunction,
        payload: sfn.TaskInput.fromObject({ action, "state.$": "$" }),
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
      }).addRetry(CRASH_RETRY);

    const hold = new tasks.SqsSendMessage(this, "Hold", {
      queue: props.intakeQueue,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      messageBody: sfn.TaskInput.fromObject({
        taskToken: sfn.JsonPath.taskToken,
        hold: sfn.JsonPath.entirePayload,
      }),
      taskTimeout: sfn.Timeout.at("$.slaSeconds"),
      heartbeatTimeout: sfn.Timeout.at("$.heartbeatSeconds"),
      resultPath: "$.verdict",
    });
    const settle = step("Settle", "settle");
    const escalate = step("Escalate", "escalate");
    const leaseExpired = step("LeaseExpired", "leaseExpired");
    const fallback = step("Fallback", "fallback");
    const done = new sfn.Succeed(this, "Done");

    const afterStep = (name: string) =>
      new sfn.Choice(this, name).when(sfn.Condition.stringEquals("$.next", "hold"), hold).otherwise(done);
    // Escalate and LeaseExpired both may end the last tier: a lease that runs out at the SLA
    // deadline (the heartbeat is capped by the SLA, so the two clocks often end together)
    // escalates from LeaseExpired, and without this branch the workflow ended with the item held.
    const afterEscalation = (name: string) =>
      new sfn.Choice(this, name)
        .when(sfn.Condition.stringEquals("$.next", "hold"), hold)
        .when(sfn.Condition.stringEquals("$.next", "fallback"), fallback)
        .otherwise(done);

    hold.addCatch(escalate, { errors: ["States.Timeout"], resultPath: "$.timeout" });
    hold.addCatch(leaseExpired, { errors: ["States.HeartbeatTimeout"], resultPath: "$.timeout" });
    hold.next(settle);
    settle.next(afterStep("AfterSettle"));
    leaseExpired.next(afterEscalation("AfterLeaseExpired"));
    escalate.next(afterEscalation("AfterEscalate"));
    fallback.next(afterStep("AfterFallback"));

    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(hold),
      timeout: Duration.days(365),
      // Only held items run here (human volume), so full logs and tracing cost little.
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, "Logs", { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}

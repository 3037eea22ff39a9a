import { Duration } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";
import { CRASH_RETRY } from "./review-state-machine";

export interface RouterStateMachineProps {
  readonly routeFunction: lambda.IFunction;
  readonly reviewStateMachine: sfn.IStateMachine;
}

/**
 * The synchronous router (Express): route the decision, and only when a person must look at it
 * start the Standard review workflow. Automated decisions never start a Standard execution.
 */
export class RouterStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RouterStateMachineProps) {
    super(scope, id);
    const route = new tasks.LambdaInvoke(this, "RouteDecision", {
      lambdaFunction: props.routeFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      // Recording a decision is idempotent; within the Express execution's 30 s, one quick retry.
    }).addRetry({ ...CRASH_RETRY, interval: Duration.seconds(1), maxAttempts: 2 });
    const respond = new sfn.Pass(this, "Respond", { outputPath: "$.result" });
    // The review id is the execution name, so a retried decision never starts a second hold.
    const startReview = new tasks.StepFunctionsStartExecution(this, "StartReview", {
      stateMachine: props.reviewStateMachine,
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      name: sfn.JsonPath.stringAt("$.hold.reviewId"),
      input: sfn.TaskInput.fromJsonPathAt("$.hold"),
      resultPath: sfn.JsonPath.DISCARD,
    });
    startReview.addRetry({ errors: ["StepFunctions.ExecutionLimitExceededException"], maxAttempts: 3 });
    // A replayed decision whose hold already finished: the review exists, answer as before.
    startReview.addCatch(respond, {
      errors: ["StepFunctions.ExecutionAlreadyExistsException"],
      resultPath: sfn.JsonPath.DISCARD,
    });
    startReview.next(respond);
    const needsPerson = new sfn.Choice(this, "NeedsPerson")
      .when(sfn.Condition.isPresent("$.hold"), startReview)
      .otherwise(respond);

    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(route.next(needsPerson)),
      timeout: Duration.seconds(30),
      // X-Ray samples (1 request a second, then 5%), so tracing every decision costs about $0.25 per million.
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, "Logs", { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ERROR,
      },
    });
  }
}

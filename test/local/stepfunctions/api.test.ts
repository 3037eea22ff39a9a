import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type SqsServer, startSqs } from "../../../local/sqs";
import {
  createStepFunctionsService,
  type Listener,
  type StepFunctionsService,
} from "../../../local/stepfunctions/service";
import {
  ACCOUNT,
  baseDeps,
  CREDENTIALS,
  createQueue,
  machineArn,
  REGION,
  receiveJson,
  sqsClient,
  taskTokenOf,
} from "./helpers";

const HOLD = machineArn("ApiHold");
const ROUTER = machineArn("ApiRouter");

describe("local Step Functions API (AWS JSON 1.0) driven by @aws-sdk/client-sfn", () => {
  let sqsServer: SqsServer;
  let sqs: SQSClient;
  let service: StepFunctionsService;
  let listener: Listener;
  let sfn: SFNClient;
  let queueUrl: string;

  beforeAll(async () => {
    sqsServer = await startSqs({ region: REGION, accountId: ACCOUNT });
    sqs = sqsClient(sqsServer.endpoint);
    queueUrl = await createQueue(sqs, "api-intake");
    service = createStepFunctionsService(baseDeps({ sqsEndpoint: sqsServer.endpoint }));
    service.registerStateMachine({
      arn: HOLD,
      name: "ApiHold",
      type: "STANDARD",
      definition: {
        StartAt: "Hold",
        States: {
          Hold: {
            Type: "Task",
            Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Parameters: { QueueUrl: queueUrl, MessageBody: { "taskToken.$": "$$.Task.Token" } },
            TimeoutSeconds: 60,
            End: true,
          },
        },
      },
    });
    service.registerStateMachine({
      arn: ROUTER,
      name: "ApiRouter",
      type: "EXPRESS",
      definition: {
        StartAt: "Route",
        States: {
          Route: {
            Type: "Choice",
            Choices: [{ Variable: "$.confidence", NumericGreaterThan: 0.8, Next: "Auto" }],
            Default: "Reject",
          },
          Auto: { Type: "Pass", Parameters: { route: "auto" }, End: true },
          Reject: { Type: "Fail", Error: "Route.LowConfidence", Cause: "needs a human" },
        },
      },
    });
    listener = await service.listen({ port: 0 });
    // Required for StartSyncExecution against a local endpoint: see local/README.md.
    sfn = new SFNClient({
      endpoint: listener.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
      disableHostPrefix: true,
    });
  });

  afterAll(async () => {
    sfn.destroy();
    await service.close();
    sqs.destroy();
    await sqsServer.stop();
  });

  it("listens on 127.0.0.1", () => {
    expect(new URL(listener.endpoint).hostname).toBe("127.0.0.1");
  });

  it("starts, describes and completes a held execution through StartExecution and SendTaskSuccess", async () => {
    // Arrange
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: HOLD, name: "api-1", input: "{}" }),
    );
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));

    // Act
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"label":"approve"}' }));
    const finished = await vi.waitFor(
      async () => {
        const description = await sfn.send(
          new DescribeExecutionCommand({ executionArn: started.executionArn }),
        );
        if (description.status !== "SUCCEEDED") throw new Error(`still ${description.status}`);
        return description;
      },
      { timeout: 5_000, interval: 20 },
    );

    // Assert
    expect(started.startDate).toBeInstanceOf(Date);
    expect(running.status).toBe("RUNNING");
    expect(finished.output).toBe('{"label":"approve"}');
    expect(finished.stopDate).toBeInstanceOf(Date);
  });

  it("runs an Express machine with StartSyncExecution and reports a failure with status 200", async () => {
    // Arrange
    const confident = { stateMachineArn: ROUTER, input: '{"confidence":0.9}' };
    const unsure = { stateMachineArn: ROUTER, input: '{"confidence":0.1}' };

    // Act
    const auto = await sfn.send(new StartSyncExecutionCommand(confident));
    const failed = await sfn.send(new StartSyncExecutionCommand(unsure));

    // Assert
    expect(auto).toMatchObject({ status: "SUCCEEDED", output: '{"route":"auto"}' });
    expect(failed).toMatchObject({ status: "FAILED", error: "Route.LowConfidence", cause: "needs a human" });
    expect(failed.$metadata.httpStatusCode).toBe(200);
  });

  it("answers an unknown execution with a 400 ExecutionDoesNotExist error", async () => {
    // Arrange
    const executionArn = `${HOLD.replace(":stateMachine:", ":execution:")}:missing`;

    // Act
    const error: unknown = await sfn
      .send(new DescribeExecutionCommand({ executionArn }))
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    expect(error).toMatchObject({ name: "ExecutionDoesNotExist", $metadata: { httpStatusCode: 400 } });
  });

  it("answers a second SendTaskSuccess on the same token with TaskTimedOut", async () => {
    // Arrange
    await sfn.send(new StartExecutionCommand({ stateMachineArn: HOLD, name: "api-2" }));
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" }));

    // Act
    const error: unknown = await sfn
      .send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" }))
      .catch((e: unknown) => e);

    // Assert
    expect(error).toMatchObject({ name: "TaskTimedOut" });
  });

  it("serves state machines, execution lists, history and StopExecution", async () => {
    // Arrange
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: HOLD, name: "api-3" }),
    );
    await receiveJson(sqs, queueUrl);

    // Act
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: "Withdrawn" }));
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: HOLD }));
    const aborted = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: HOLD, statusFilter: "ABORTED" }),
    );
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    // Assert
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(machines.stateMachines?.map((m) => m.name).sort()).toEqual(["ApiHold", "ApiRouter"]);
    expect(machine).toMatchObject({ name: "ApiHold", type: "STANDARD", status: "ACTIVE" });
    expect(JSON.parse(machine.definition ?? "{}")).toMatchObject({ StartAt: "Hold" });
    expect(aborted.executions?.map((e) => e.name)).toEqual(["api-3"]);
    expect(history.events?.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "ExecutionAborted",
    ]);
    expect(history.events?.[1]?.stateEnteredEventDetails?.name).toBe("Hold");
  });

  it("speaks the AWS JSON 1.0 wire format: epoch-second dates and {__type, message} errors", async () => {
    // Arrange
    const headers = { "Content-Type": "application/x-amz-json-1.0" };

    // Act
    const ok = await fetch(listener.endpoint, {
      method: "POST",
      headers: { ...headers, "X-Amz-Target": "AWSStepFunctions.StartExecution" },
      body: JSON.stringify({ stateMachineArn: HOLD, name: "wire-1" }),
    });
    const bad = await fetch(listener.endpoint, {
      method: "POST",
      headers: { ...headers, "X-Amz-Target": "AWSStepFunctions.DescribeExecution" },
      body: JSON.stringify({ executionArn: "arn:aws:states:us-east-1:000000000000:execution:ApiHold:none" }),
    });

    // Assert
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    const started = (await ok.json()) as { startDate: unknown };
    expect(typeof started.startDate).toBe("number");
    expect(Math.abs((started.startDate as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      __type: "ExecutionDoesNotExist",
      message: "Execution Does Not Exist: 'arn:aws:states:us-east-1:000000000000:execution:ApiHold:none'",
    });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { createStepFunctionsService, type StepFunctionsService } from "../../../local/stepfunctions/service";
import { baseDeps, functionArn, lambdaError, machineArn, waitForStatus } from "./helpers";

const SCORE_FN = functionArn("score");

/** Router-like machine: Choice → Pass (auto) or lambda:invoke with Retry and Catch. */
const routerDefinition = {
  StartAt: "Classify",
  States: {
    Classify: {
      Type: "Choice",
      Choices: [{ Variable: "$.confidence", NumericGreaterThanEquals: 0.9, Next: "Auto" }],
      Default: "Score",
    },
    Auto: { Type: "Pass", Result: { route: "auto" }, ResultPath: "$.decision", End: true },
    Score: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: SCORE_FN, "Payload.$": "$" },
      ResultSelector: { "score.$": "$.Payload.score" },
      ResultPath: "$.scored",
      Retry: [{ ErrorEquals: ["Flaky"], IntervalSeconds: 1, MaxAttempts: 1 }],
      Catch: [{ ErrorEquals: ["ValidationError"], ResultPath: "$.error", Next: "Rejected" }],
      Next: "Done",
    },
    Rejected: { Type: "Pass", Parameters: { route: "rejected", "error.$": "$.error.Error" }, End: true },
    Done: { Type: "Succeed" },
  },
};

describe("local Step Functions: states, lambda:invoke, Retry and Catch", () => {
  let service: StepFunctionsService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  function serviceWith(
    invokeFunction: (arn: string, payload: unknown) => Promise<unknown>,
  ): StepFunctionsService {
    service = createStepFunctionsService(baseDeps({ invokeFunction }));
    return service;
  }

  it("routes a confident decision through Choice to the Pass state without invoking a function", async () => {
    // Arrange
    const calls: unknown[] = [];
    const sfn = serviceWith(async (_arn, payload) => calls.push(payload));
    sfn.registerStateMachine({
      arn: machineArn("Router"),
      name: "Router",
      type: "STANDARD",
      definition: routerDefinition,
    });

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: machineArn("Router"),
      input: JSON.stringify({ confidence: 0.95 }),
    });
    const done = await waitForStatus(sfn, executionArn, "SUCCEEDED");

    // Assert
    expect(JSON.parse(done.output ?? "null")).toEqual({ confidence: 0.95, decision: { route: "auto" } });
    expect(calls).toEqual([]);
  });

  it("invokes the function of a lambda:invoke task with its Payload and applies ResultSelector", async () => {
    // Arrange
    const calls: { arn: string; payload: unknown }[] = [];
    const sfn = serviceWith(async (arn, payload) => {
      calls.push({ arn, payload });
      return { score: 0.4 };
    });
    sfn.registerStateMachine({
      arn: machineArn("Router"),
      name: "Router",
      type: "STANDARD",
      definition: routerDefinition,
    });

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: machineArn("Router"),
      input: JSON.stringify({ confidence: 0.5 }),
    });
    const done = await waitForStatus(sfn, executionArn, "SUCCEEDED");

    // Assert
    expect(calls).toEqual([{ arn: SCORE_FN, payload: { confidence: 0.5 } }]);
    expect(JSON.parse(done.output ?? "null")).toEqual({ confidence: 0.5, scored: { score: 0.4 } });
    const { events } = await sfn.getExecutionHistory(executionArn);
    expect(events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "ChoiceStateEntered",
      "ChoiceStateExited",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ]);
  });

  it("returns the AWS-shaped lambda:invoke result when the state selects nothing", async () => {
    // Arrange
    const sfn = serviceWith(async () => ({ ok: true }));
    const definition = {
      StartAt: "Invoke",
      States: {
        Invoke: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: SCORE_FN, Payload: { fixed: 1 } },
          End: true,
        },
      },
    };
    sfn.registerStateMachine({ arn: machineArn("Raw"), name: "Raw", type: "EXPRESS", definition });

    // Act
    const result = await sfn.startSyncExecution({ stateMachineArn: machineArn("Raw") });

    // Assert
    expect(result.status).toBe("SUCCEEDED");
    expect(JSON.parse(result.output ?? "null")).toMatchObject({
      ExecutedVersion: "$LATEST",
      Payload: { ok: true },
      StatusCode: 200,
      SdkHttpMetadata: { HttpStatusCode: 200 },
    });
  });

  it("catches a custom Lambda error name with Catch and hands over the error", async () => {
    // Arrange
    const sfn = serviceWith(async () => {
      throw lambdaError("ValidationError", "confidence out of range");
    });
    sfn.registerStateMachine({
      arn: machineArn("Router"),
      name: "Router",
      type: "STANDARD",
      definition: routerDefinition,
    });

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: machineArn("Router"),
      input: JSON.stringify({ confidence: 0.1 }),
    });
    const done = await waitForStatus(sfn, executionArn, "SUCCEEDED");

    // Assert
    expect(JSON.parse(done.output ?? "null")).toEqual({ route: "rejected", error: "ValidationError" });
  });

  it("retries an error named in Retry and succeeds on the next attempt", async () => {
    // Arrange
    let attempts = 0;
    const sfn = serviceWith(async () => {
      attempts++;
      if (attempts === 1) throw lambdaError("Flaky", "try again");
      return { score: 0.7 };
    });
    sfn.registerStateMachine({
      arn: machineArn("Router"),
      name: "Router",
      type: "STANDARD",
      definition: routerDefinition,
    });

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: machineArn("Router"),
      input: JSON.stringify({ confidence: 0.2 }),
    });
    const done = await waitForStatus(sfn, executionArn, "SUCCEEDED");

    // Assert
    expect(attempts).toBe(2);
    expect(JSON.parse(done.output ?? "null")).toEqual({ confidence: 0.2, scored: { score: 0.7 } });
  });

  it("fails the execution with the Lambda error and its JSON cause when nothing catches it", async () => {
    // Arrange
    const sfn = serviceWith(async () => {
      throw lambdaError("Error", "boom");
    });
    sfn.registerStateMachine({
      arn: machineArn("Router"),
      name: "Router",
      type: "STANDARD",
      definition: routerDefinition,
    });

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: machineArn("Router"),
      input: JSON.stringify({ confidence: 0.2 }),
    });
    const done = await waitForStatus(sfn, executionArn, "FAILED");

    // Assert
    expect(done.error).toBe("Error");
    expect(JSON.parse(done.cause ?? "null")).toEqual({ errorType: "Error", errorMessage: "boom" });
  });

  it("catches any Lambda error with States.TaskFailed and passes a direct Lambda ARN the effective input", async () => {
    // Arrange
    const payloads: unknown[] = [];
    const sfn = serviceWith(async (_arn, payload) => {
      payloads.push(payload);
      throw lambdaError("SomethingElse", "nope");
    });
    const definition = {
      StartAt: "Direct",
      States: {
        Direct: {
          Type: "Task",
          Resource: SCORE_FN,
          InputPath: "$.item",
          Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.caught", Next: "Handled" }],
          End: true,
        },
        Handled: { Type: "Pass", OutputPath: "$.caught.Error", End: true },
      },
    };
    sfn.registerStateMachine({ arn: machineArn("Direct"), name: "Direct", type: "EXPRESS", definition });

    // Act
    const result = await sfn.startSyncExecution({
      stateMachineArn: machineArn("Direct"),
      input: JSON.stringify({ item: { id: "d-1" } }),
    });

    // Assert
    expect(payloads).toEqual([{ id: "d-1" }]);
    expect(result.output).toBe(JSON.stringify("SomethingElse"));
  });

  it("fails with States.Runtime, which even States.ALL cannot catch, on an unsupported resource", async () => {
    // Arrange
    const sfn = serviceWith(async () => null);
    const definition = {
      StartAt: "Glue",
      States: {
        Glue: {
          Type: "Task",
          Resource: "arn:aws:states:::glue:startJobRun",
          Parameters: { JobName: "x" },
          Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Succeed" },
      },
    };
    sfn.registerStateMachine({ arn: machineArn("Glue"), name: "Glue", type: "EXPRESS", definition });

    // Act
    const result = await sfn.startSyncExecution({ stateMachineArn: machineArn("Glue") });

    // Assert
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("States.Runtime");
    expect(result.cause).toContain("arn:aws:states:::glue:startJobRun");
  });

  it("reports a Fail state's Error and Cause as the execution's error and cause", async () => {
    // Arrange
    const sfn = serviceWith(async () => null);
    const definition = {
      StartAt: "Nope",
      States: { Nope: { Type: "Fail", Error: "Policy.Rejected", Cause: "topic is blocked" } },
    };
    sfn.registerStateMachine({ arn: machineArn("Fail"), name: "Fail", type: "EXPRESS", definition });

    // Act
    const result = await sfn.startSyncExecution({ stateMachineArn: machineArn("Fail") });

    // Assert
    expect(result).toMatchObject({ status: "FAILED", error: "Policy.Rejected", cause: "topic is blocked" });
  });

  it("exposes the real execution id, name and input through $$.Execution", async () => {
    // Arrange
    const sfn = serviceWith(async () => null);
    const definition = {
      StartAt: "Context",
      States: {
        Context: {
          Type: "Pass",
          Parameters: {
            "id.$": "$$.Execution.Id",
            "name.$": "$$.Execution.Name",
            "input.$": "$$.Execution.Input",
          },
          End: true,
        },
      },
    };
    sfn.registerStateMachine({ arn: machineArn("Ctx"), name: "Ctx", type: "STANDARD", definition });

    // Act
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: machineArn("Ctx"),
      name: "ctx-1",
      input: '{"a":1}',
    });
    const done = await waitForStatus(sfn, executionArn, "SUCCEEDED");

    // Assert
    expect(JSON.parse(done.output ?? "null")).toEqual({ id: executionArn, name: "ctx-1", input: { a: 1 } });
  });
});

describe("local Step Functions: execution lifecycle", () => {
  let service: StepFunctionsService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  const waitDefinition = {
    StartAt: "Hold",
    States: { Hold: { Type: "Wait", Seconds: 30, End: true } },
  };

  it("returns the same execution for a duplicate name with the same input and rejects different input", async () => {
    // Arrange
    service = createStepFunctionsService(baseDeps());
    service.registerStateMachine({
      arn: machineArn("Hold"),
      name: "Hold",
      type: "STANDARD",
      definition: waitDefinition,
    });
    const first = await service.startExecution({
      stateMachineArn: machineArn("Hold"),
      name: "d-1",
      input: '{"x":1}',
    });

    // Act
    const again = await service.startExecution({
      stateMachineArn: machineArn("Hold"),
      name: "d-1",
      input: '{"x":1}',
    });
    const conflict = service.startExecution({
      stateMachineArn: machineArn("Hold"),
      name: "d-1",
      input: '{"x":2}',
    });

    // Assert
    expect(again.executionArn).toBe(first.executionArn);
    expect(first.executionArn).toBe(`${machineArn("Hold").replace(":stateMachine:", ":execution:")}:d-1`);
    await expect(conflict).rejects.toMatchObject({ name: "ExecutionAlreadyExists" });
  });

  it("refuses StartSyncExecution for a STANDARD state machine", async () => {
    // Arrange
    service = createStepFunctionsService(baseDeps());
    service.registerStateMachine({
      arn: machineArn("Hold"),
      name: "Hold",
      type: "STANDARD",
      definition: waitDefinition,
    });

    // Act
    const attempt = service.startSyncExecution({ stateMachineArn: machineArn("Hold") });

    // Assert
    await expect(attempt).rejects.toMatchObject({ name: "StateMachineTypeNotSupported" });
  });

  it("aborts a running execution on StopExecution and keeps the given error and cause", async () => {
    // Arrange
    service = createStepFunctionsService(baseDeps());
    service.registerStateMachine({
      arn: machineArn("Hold"),
      name: "Hold",
      type: "STANDARD",
      definition: waitDefinition,
    });
    const { executionArn } = await service.startExecution({ stateMachineArn: machineArn("Hold") });

    // Act
    await service.stopExecution(executionArn, "Decision.Withdrawn", "the product withdrew it");
    const stopped = await service.describeExecution(executionArn);

    // Assert
    expect(stopped).toMatchObject({
      status: "ABORTED",
      error: "Decision.Withdrawn",
      cause: "the product withdrew it",
    });
    expect(stopped.stopDate).toBeInstanceOf(Date);
  });

  it("times out an execution that runs longer than the machine's TimeoutSeconds", async () => {
    // Arrange
    service = createStepFunctionsService(baseDeps());
    const definition = { ...waitDefinition, TimeoutSeconds: 1 };
    service.registerStateMachine({ arn: machineArn("Short"), name: "Short", type: "STANDARD", definition });

    // Act
    const { executionArn } = await service.startExecution({ stateMachineArn: machineArn("Short") });
    const done = await waitForStatus(service, executionArn, "TIMED_OUT", 5_000);

    // Assert
    expect(done.error).toBe("States.Timeout");
  });

  it("lists executions newest first and filters them by status", async () => {
    // Arrange
    service = createStepFunctionsService(baseDeps());
    service.registerStateMachine({
      arn: machineArn("Hold"),
      name: "Hold",
      type: "STANDARD",
      definition: waitDefinition,
    });
    const a = await service.startExecution({ stateMachineArn: machineArn("Hold"), name: "a" });
    await new Promise((r) => setTimeout(r, 5));
    const b = await service.startExecution({ stateMachineArn: machineArn("Hold"), name: "b" });
    await service.stopExecution(a.executionArn);

    // Act
    const all = await service.listExecutions(machineArn("Hold"));
    const running = await service.listExecutions(machineArn("Hold"), "RUNNING");

    // Assert
    expect(all.executions.map((e) => e.name)).toEqual(["b", "a"]);
    expect(running.executions.map((e) => e.executionArn)).toEqual([b.executionArn]);
  });

  it("answers ExecutionDoesNotExist for an unknown execution", async () => {
    // Arrange
    service = createStepFunctionsService(baseDeps());

    // Act
    const attempt = service.describeExecution(
      `${machineArn("Nope").replace(":stateMachine:", ":execution:")}:x`,
    );

    // Assert
    await expect(attempt).rejects.toMatchObject({ name: "ExecutionDoesNotExist" });
  });
});

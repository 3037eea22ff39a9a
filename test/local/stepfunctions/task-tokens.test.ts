import type { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqsServer, startSqs } from "../../../local/sqs";
import { createStepFunctionsService, type StepFunctionsService } from "../../../local/stepfunctions/service";
import {
  ACCOUNT,
  baseDeps,
  createQueue,
  machineArn,
  REGION,
  receiveJson,
  sqsClient,
  taskTokenOf,
  waitForStatus,
} from "./helpers";

/** The review hold: send the item with a token to the intake queue, wait for the verdict. */
function holdDefinition(queueUrl: string, timing: Record<string, unknown>, catchers?: unknown[]): object {
  return {
    StartAt: "Hold",
    States: {
      Hold: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: {
          QueueUrl: queueUrl,
          MessageBody: { "itemId.$": "$.itemId", "taskToken.$": "$$.Task.Token" },
        },
        ResultPath: "$.verdict",
        ...timing,
        Catch: catchers ?? [
          { ErrorEquals: ["States.Timeout"], ResultPath: "$.error", Next: "Escalate" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "Rejected" },
        ],
        Next: "Decided",
      },
      Decided: { Type: "Pass", End: true },
      Escalate: { Type: "Pass", Parameters: { route: "escalate", "error.$": "$.error.Error" }, End: true },
      Rejected: {
        Type: "Pass",
        Parameters: { route: "rejected", "error.$": "$.error.Error", "cause.$": "$.error.Cause" },
        End: true,
      },
    },
  };
}

describe("local Step Functions: waitForTaskToken through the SQS stand-in", () => {
  let sqsServer: SqsServer;
  let sqs: SQSClient;
  let service: StepFunctionsService;
  let queueCount = 0;

  beforeAll(async () => {
    sqsServer = await startSqs({ region: REGION, accountId: ACCOUNT });
    sqs = sqsClient(sqsServer.endpoint);
    service = createStepFunctionsService(baseDeps({ sqsEndpoint: sqsServer.endpoint }));
  });

  afterAll(async () => {
    await service.close();
    sqs.destroy();
    await sqsServer.stop();
  });

  /** A fresh queue and a machine holding items on it. */
  async function holdMachine(timing: Record<string, unknown>, catchers?: unknown[]) {
    queueCount++;
    const queueUrl = await createQueue(sqs, `intake-${queueCount}`);
    const arn = machineArn(`Hold${queueCount}`);
    service.registerStateMachine({
      arn,
      name: `Hold${queueCount}`,
      type: "STANDARD",
      definition: holdDefinition(queueUrl, timing, catchers),
    });
    return { arn, queueUrl };
  }

  it("sends a task token with the SQS message and continues with the output of SendTaskSuccess", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ TimeoutSeconds: 30 });
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-1"}',
    });
    const message = await receiveJson(sqs, queueUrl);
    const token = taskTokenOf(message);

    // Act
    await service.sendTaskSuccess(token, JSON.stringify({ label: "approve" }));
    const done = await waitForStatus(service, executionArn, "SUCCEEDED");

    // Assert
    expect(message).toEqual({ itemId: "r-1", taskToken: token });
    expect(token.length).toBeGreaterThan(20);
    expect(token.length).toBeLessThanOrEqual(2048);
    expect(JSON.parse(done.output ?? "null")).toEqual({ itemId: "r-1", verdict: { label: "approve" } });
  });

  it("answers TaskTimedOut to a second verdict on a closed token and InvalidToken to an unknown one", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ TimeoutSeconds: 30 });
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-2"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    await service.sendTaskSuccess(token, '{"label":"approve"}');
    await waitForStatus(service, executionArn, "SUCCEEDED");

    // Act
    const second = service.sendTaskSuccess(token, '{"label":"reject"}');
    const unknown = service.sendTaskSuccess("not-a-token", "{}");

    // Assert
    await expect(second).rejects.toMatchObject({ name: "TaskTimedOut" });
    await expect(unknown).rejects.toMatchObject({ name: "InvalidToken" });
  });

  it("hands SendTaskFailure's error and cause to the matching Catch", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ TimeoutSeconds: 30 });
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-3"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));

    // Act
    await service.sendTaskFailure(token, "Review.Withdrawn", "the decision was withdrawn");
    const done = await waitForStatus(service, executionArn, "SUCCEEDED");

    // Assert
    expect(JSON.parse(done.output ?? "null")).toEqual({
      route: "rejected",
      error: "Review.Withdrawn",
      cause: "the decision was withdrawn",
    });
  });

  it("times out an unanswered task after TimeoutSeconds into Catch States.Timeout", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ TimeoutSeconds: 1 });
    const started = Date.now();

    // Act
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-4"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    const done = await waitForStatus(service, executionArn, "SUCCEEDED");

    // Assert
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(JSON.parse(done.output ?? "null")).toEqual({ route: "escalate", error: "States.Timeout" });
    await expect(service.sendTaskSuccess(token, "{}")).rejects.toMatchObject({ name: "TaskTimedOut" });
    const { events } = await service.getExecutionHistory(executionArn);
    expect(events.map((event) => event.type)).toContain("TaskTimedOut");
  });

  it("reads the timeout from TimeoutSecondsPath and does not let States.TaskFailed catch States.Timeout", async () => {
    // Arrange
    const { arn } = await holdMachine({ TimeoutSecondsPath: "$.slaSeconds" }, [
      { ErrorEquals: ["States.TaskFailed"], Next: "Decided" },
    ]);

    // Act
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: JSON.stringify({ itemId: "r-5", slaSeconds: 1 }),
    });
    const done = await waitForStatus(service, executionArn, "FAILED");

    // Assert
    expect(done.error).toBe("States.Timeout");
  });

  it("keeps a heartbeating task alive past HeartbeatSeconds but still ends it at TimeoutSeconds", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ HeartbeatSeconds: 1, TimeoutSeconds: 2 });
    const started = Date.now();
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-6"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));

    // Act: beat every 300 ms, well inside HeartbeatSeconds
    const beating = setInterval(() => {
      service.sendTaskHeartbeat(token).catch(() => clearInterval(beating));
    }, 300);
    const done = await waitForStatus(service, executionArn, "SUCCEEDED").finally(() =>
      clearInterval(beating),
    );

    // Assert
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(5_000);
    expect(JSON.parse(done.output ?? "null")).toEqual({ route: "escalate", error: "States.Timeout" });
  });

  it("fails a task whose heartbeats stop with States.HeartbeatTimeout", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ HeartbeatSeconds: 1, TimeoutSeconds: 30 });
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-7"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));

    // Act
    await service.sendTaskHeartbeat(token);
    const done = await waitForStatus(service, executionArn, "SUCCEEDED");

    // Assert
    expect(JSON.parse(done.output ?? "null")).toMatchObject({
      route: "rejected",
      error: "States.HeartbeatTimeout",
    });
  });

  it("closes the pending token when the execution is stopped", async () => {
    // Arrange
    const { arn, queueUrl } = await holdMachine({ TimeoutSeconds: 30 });
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: '{"itemId":"r-8"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));

    // Act
    await service.stopExecution(executionArn, "Decision.Withdrawn");
    const verdict = service.sendTaskSuccess(token, "{}");

    // Assert
    await expect(verdict).rejects.toMatchObject({ name: "TaskTimedOut" });
    expect((await service.describeExecution(executionArn)).status).toBe("ABORTED");
  });
});

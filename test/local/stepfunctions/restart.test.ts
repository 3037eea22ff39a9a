import { rmSync } from "node:fs";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
  tempDir,
  waitForStatus,
} from "./helpers";

const HOLD = machineArn("ReviewHold");

function reviewDefinition(queueUrl: string, timeoutSeconds: number): object {
  return {
    StartAt: "Prepare",
    States: {
      Prepare: { Type: "Pass", Parameters: { "itemId.$": "$.itemId", tier: 1 }, Next: "Hold" },
      Hold: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: {
          QueueUrl: queueUrl,
          MessageBody: { "itemId.$": "$.itemId", "taskToken.$": "$$.Task.Token" },
        },
        TimeoutSeconds: timeoutSeconds,
        ResultPath: "$.verdict",
        Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "Fallback" }],
        Next: "Outcome",
      },
      Outcome: {
        Type: "Pass",
        Parameters: { "itemId.$": "$.itemId", "label.$": "$.verdict.label" },
        End: true,
      },
      Fallback: { Type: "Pass", Parameters: { "itemId.$": "$.itemId", label: "fallback" }, End: true },
    },
  };
}

describe("local Step Functions: restart while items are held", () => {
  let sqsServer: SqsServer;
  let sqs: SQSClient;
  const services: StepFunctionsService[] = [];
  const dirs: string[] = [];
  let queueCount = 0;

  beforeAll(async () => {
    sqsServer = await startSqs({ region: REGION, accountId: ACCOUNT });
    sqs = sqsClient(sqsServer.endpoint);
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  afterAll(async () => {
    sqs.destroy();
    await sqsServer.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A service on dataDir with the review machine registered, as the local cloud does on each start. */
  function startService(dataDir: string, queueUrl: string, timeoutSeconds: number): StepFunctionsService {
    const service = createStepFunctionsService(baseDeps({ sqsEndpoint: sqsServer.endpoint, dataDir }));
    service.registerStateMachine({
      arn: HOLD,
      name: "ReviewHold",
      type: "STANDARD",
      definition: reviewDefinition(queueUrl, timeoutSeconds),
    });
    services.push(service);
    return service;
  }

  async function freshSetup(): Promise<{ dataDir: string; queueUrl: string }> {
    const dataDir = tempDir("sfn-restart");
    dirs.push(dataDir);
    queueCount++;
    return { dataDir, queueUrl: await createQueue(sqs, `held-${queueCount}`) };
  }

  async function queueDepth(queueUrl: string): Promise<number> {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? "0");
  }

  it("continues a held execution to its end when the verdict arrives after a restart", async () => {
    // Arrange
    const { dataDir, queueUrl } = await freshSetup();
    const before = startService(dataDir, queueUrl, 60);
    const { executionArn } = await before.startExecution({
      stateMachineArn: HOLD,
      input: '{"itemId":"h-1"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    await before.close();

    // Act
    const after = startService(dataDir, queueUrl, 60);
    const resumed = await after.resumePending();
    const runningAfterRestart = await after.describeExecution(executionArn);
    await after.sendTaskSuccess(token, JSON.stringify({ label: "approve" }));
    const done = await waitForStatus(after, executionArn, "SUCCEEDED");

    // Assert
    expect(resumed).toBe(1);
    expect(runningAfterRestart.status).toBe("RUNNING");
    expect(JSON.parse(done.output ?? "null")).toEqual({ itemId: "h-1", label: "approve" });
    expect(await queueDepth(queueUrl)).toBe(0);
  });

  it("keeps the original TimeoutSeconds deadline of a held task across a restart", async () => {
    // Arrange
    const { dataDir, queueUrl } = await freshSetup();
    const before = startService(dataDir, queueUrl, 2);
    const { executionArn } = await before.startExecution({
      stateMachineArn: HOLD,
      input: '{"itemId":"h-2"}',
    });
    await receiveJson(sqs, queueUrl);
    await before.close();
    await new Promise((r) => setTimeout(r, 1_500));

    // Act
    const after = startService(dataDir, queueUrl, 2);
    await after.resumePending();
    const done = await waitForStatus(after, executionArn, "SUCCEEDED");

    // Assert
    const elapsed = (done.stopDate?.getTime() ?? 0) - done.startDate.getTime();
    expect(JSON.parse(done.output ?? "null")).toEqual({ itemId: "h-2", label: "fallback" });
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    // A deadline restarted at resume time would end 3.5 s after the start.
    expect(elapsed).toBeLessThan(3_200);
  });

  it("answers TaskDoesNotExist for a held token until resumePending() re-arms it", async () => {
    // Arrange
    const { dataDir, queueUrl } = await freshSetup();
    const before = startService(dataDir, queueUrl, 60);
    await before.startExecution({ stateMachineArn: HOLD, input: '{"itemId":"h-3"}' });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    await before.close();
    const after = startService(dataDir, queueUrl, 60);

    // Act
    const tooEarly = after.sendTaskSuccess(token, '{"label":"x"}');

    // Assert
    await expect(tooEarly).rejects.toMatchObject({ name: "TaskDoesNotExist" });
  });

  it("resumes an execution that was between states (in a Wait) at that state", async () => {
    // Arrange
    const dataDir = tempDir("sfn-restart-wait");
    dirs.push(dataDir);
    const arn = machineArn("Pause");
    const definition = {
      StartAt: "Pause",
      States: {
        Pause: { Type: "Wait", Seconds: 1, Next: "After" },
        After: { Type: "Pass", Result: "done", End: true },
      },
    };
    const before = createStepFunctionsService(baseDeps({ dataDir }));
    services.push(before);
    before.registerStateMachine({ arn, name: "Pause", type: "STANDARD", definition });
    const { executionArn } = await before.startExecution({ stateMachineArn: arn });
    await new Promise((r) => setTimeout(r, 100));
    await before.close();

    // Act
    const after = createStepFunctionsService(baseDeps({ dataDir }));
    services.push(after);
    after.registerStateMachine({ arn, name: "Pause", type: "STANDARD", definition });
    const resumed = await after.resumePending();
    const done = await waitForStatus(after, executionArn, "SUCCEEDED");

    // Assert
    expect(resumed).toBe(1);
    expect(done.output).toBe(JSON.stringify("done"));
  });

  it("keeps finished executions and their closed tokens across a restart", async () => {
    // Arrange
    const { dataDir, queueUrl } = await freshSetup();
    const before = startService(dataDir, queueUrl, 60);
    const { executionArn } = await before.startExecution({
      stateMachineArn: HOLD,
      input: '{"itemId":"h-5"}',
    });
    const token = taskTokenOf(await receiveJson(sqs, queueUrl));
    await before.sendTaskSuccess(token, '{"label":"approve"}');
    await waitForStatus(before, executionArn, "SUCCEEDED");
    await before.close();

    // Act
    const after = startService(dataDir, queueUrl, 60);
    const resumed = await after.resumePending();
    const described = await after.describeExecution(executionArn);
    const late = after.sendTaskSuccess(token, '{"label":"reject"}');

    // Assert
    expect(resumed).toBe(0);
    expect(described.status).toBe("SUCCEEDED");
    await expect(late).rejects.toMatchObject({ name: "TaskTimedOut" });
  });
});

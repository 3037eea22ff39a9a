import type { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqsServer, startSqs } from "../../local/sqs";
import { createStepFunctionsService, type StepFunctionsService } from "../../local/stepfunctions/service";
import {
  ACCOUNT,
  baseDeps,
  createQueue,
  functionArn,
  machineArn,
  REGION,
  receiveJson,
  sqsClient,
  waitForStatus,
} from "../local/stepfunctions/helpers";
import { synthesize } from "./synth";

/**
 * The review workflow as synthesized from the CDK app, run on the local Step Functions stand-in with
 * a real SQS emulator and a scripted steps function: which step follows which answer.
 */
const { compute } = synthesize();
const resources = compute.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, unknown> }
>;

const STEPS_FN = functionArn("review-steps");

/** The review workflow's ASL with the hold queue and the steps function pointed at this test's. */
function reviewDefinition(queueUrl: string): Record<string, unknown> {
  const machine = Object.entries(resources).find(
    ([id, r]) => id.startsWith("ReviewStateMachine") && r.Type === "AWS::StepFunctions::StateMachine",
  )?.[1];
  if (!machine) throw new Error("no review state machine");
  const parts = (machine.Properties.DefinitionString as { "Fn::Join": [string, unknown[]] })["Fn::Join"][1];
  const definition = JSON.parse(parts.map((p) => (typeof p === "string" ? p : "TOKEN")).join("")) as {
    States: Record<string, Record<string, unknown>>;
  };
  for (const state of Object.values(definition.States)) {
    if (state.Type !== "Task") continue;
    if (String(state.Resource).includes("sqs:sendMessage")) {
      state.Resource = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
      (state.Parameters as Record<string, unknown>).QueueUrl = queueUrl;
    } else {
      state.Resource = STEPS_FN;
    }
  }
  return definition;
}

describe("the review workflow", () => {
  let sqsServer: SqsServer;
  let sqs: SQSClient;
  let service: StepFunctionsService;
  let queueUrl: string;
  const calls: string[] = [];

  beforeAll(async () => {
    sqsServer = await startSqs({ region: REGION, accountId: ACCOUNT });
    sqs = sqsClient(sqsServer.endpoint);
    queueUrl = await createQueue(sqs, "review-intake");
    // The steps function as core/review/steps.ts answers on the last tier: a lease that runs out
    // at the deadline escalates, and there is no tier left, so the fallback comes next.
    const invokeFunction = async (_arn: string, payload: unknown) => {
      const { action, state } = payload as { action: string; state: Record<string, unknown> };
      calls.push(action);
      if (action === "leaseExpired") return { ...state, next: "fallback" };
      return { ...state, next: "done" };
    };
    service = createStepFunctionsService(baseDeps({ sqsEndpoint: sqsServer.endpoint, invokeFunction }));
    service.registerStateMachine({
      arn: machineArn("Review"),
      name: "Review",
      type: "STANDARD",
      definition: reviewDefinition(queueUrl),
    });
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    sqs?.destroy();
    await sqsServer?.stop();
  });

  it("takes the fallback when a lease runs out at the last tier's deadline, instead of ending with the item held", async () => {
    // Arrange: a hold whose lease (1 s) runs out long before its SLA (60 s) would
    const input = { reviewId: "rv-1", slaSeconds: 60, heartbeatSeconds: 1 };

    // Act
    const { executionArn } = await service.startExecution({
      stateMachineArn: machineArn("Review"),
      input: JSON.stringify(input),
    });
    await receiveJson(sqs, queueUrl);
    const end = await waitForStatus(service, executionArn, "SUCCEEDED", 20_000);

    // Assert
    expect(calls).toEqual(["leaseExpired", "fallback"]);
    expect(end.status).toBe("SUCCEEDED");
  });
});

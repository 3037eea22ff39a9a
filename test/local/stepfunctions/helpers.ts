// Shared pieces for the local Step Functions tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { vi } from "vitest";
import type {
  ExecutionDescription,
  StepFunctionsDeps,
  StepFunctionsService,
} from "../../../local/stepfunctions/service";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
export const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function machineArn(name: string): string {
  return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
}

export function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hitl-${prefix}-`));
}

/** An Error shaped like a failed Lambda invocation (name = errorType). */
export function lambdaError(errorType: string, errorMessage: string): Error {
  const error = new Error(errorMessage);
  error.name = errorType;
  return error;
}

export function baseDeps(overrides: Partial<StepFunctionsDeps> = {}): StepFunctionsDeps {
  return {
    region: REGION,
    accountId: ACCOUNT,
    credentials: CREDENTIALS,
    invokeFunction: async () => {
      throw lambdaError("ResourceNotFoundException", "no functions in this test");
    },
    sqsEndpoint: "http://127.0.0.1:9",
    dynamodbEndpoint: "http://127.0.0.1:9",
    ...overrides,
  };
}

export async function waitForStatus(
  service: StepFunctionsService,
  executionArn: string,
  status: ExecutionDescription["status"],
  timeoutMs = 10_000,
): Promise<ExecutionDescription> {
  return vi.waitFor(
    async () => {
      const description = await service.describeExecution(executionArn);
      if (description.status !== status)
        throw new Error(`status is ${description.status}, waiting for ${status}`);
      return description;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: REGION, credentials: CREDENTIALS });
}

export async function createQueue(client: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name }));
  if (QueueUrl === undefined) throw new Error("no queue url");
  return QueueUrl;
}

/** Receives (and deletes) the next message's JSON body, long polling until it arrives. */
export async function receiveJson(client: SQSClient, queueUrl: string, timeoutMs = 10_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    const message = Messages?.[0];
    if (message?.Body !== undefined) {
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      return JSON.parse(message.Body);
    }
  }
  throw new Error(`no message on ${queueUrl} within ${timeoutMs} ms`);
}

export function taskTokenOf(body: unknown): string {
  if (
    typeof body === "object" &&
    body !== null &&
    "taskToken" in body &&
    typeof body.taskToken === "string"
  ) {
    return body.taskToken;
  }
  throw new Error(`message has no taskToken: ${JSON.stringify(body)}`);
}

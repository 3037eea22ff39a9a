import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqsServer, startSqs } from "../../local/sqs";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

function clientFor(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: REGION, credentials: CREDENTIALS });
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes?: Record<string, string>,
): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error("no queue url");
  return QueueUrl;
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
  );
  return Attributes?.QueueArn ?? "";
}

describe("SQS stand-in (fauxqs on 127.0.0.1)", () => {
  let server: SqsServer;
  let sqs: SQSClient;

  beforeAll(async () => {
    server = await startSqs({ region: REGION, accountId: ACCOUNT });
    sqs = clientFor(server.endpoint);
  });

  afterAll(async () => {
    sqs.destroy();
    await server.stop();
  });

  it("serves on 127.0.0.1 with queue URLs and ARNs in the local cloud's account", async () => {
    // Arrange
    const name = "naming";

    // Act
    const url = await createQueue(sqs, name);
    const arn = await queueArn(sqs, url);

    // Assert
    expect(new URL(server.endpoint).hostname).toBe("127.0.0.1");
    expect(url).toBe(`${server.endpoint}/${ACCOUNT}/${name}`);
    expect(arn).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`);
  });

  it("moves a message to the dead-letter queue after maxReceiveCount receives", async () => {
    // Arrange
    const dlqUrl = await createQueue(sqs, "work-dlq");
    const redrivePolicy = JSON.stringify({
      deadLetterTargetArn: await queueArn(sqs, dlqUrl),
      maxReceiveCount: 2,
    });
    const workUrl = await createQueue(sqs, "work", { RedrivePolicy: redrivePolicy, VisibilityTimeout: "30" });
    await sqs.send(new SendMessageCommand({ QueueUrl: workUrl, MessageBody: "poison" }));

    // Act: two failed receives (visibility 0 returns the message at once), then a third receive
    const receives: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: workUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      receives.push(Messages?.length ?? 0);
    }
    const { Messages: dead } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
      }),
    );

    // Assert
    expect(receives).toEqual([1, 1, 0]);
    expect(dead?.[0]?.Body).toBe("poison");
  });

  it("hands a message sent during a long poll to the waiting receiver with its attributes", async () => {
    // Arrange
    const url = await createQueue(sqs, "long-poll");
    const waiting = sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        WaitTimeSeconds: 5,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );

    // Act
    await new Promise((r) => setTimeout(r, 200));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"id":1}',
        MessageAttributes: { kind: { DataType: "String", StringValue: "decision" } },
      }),
    );
    const { Messages } = await waiting;

    // Assert
    expect(Messages?.[0]?.Body).toBe('{"id":1}');
    expect(Messages?.[0]?.MessageAttributes?.kind?.StringValue).toBe("decision");
    expect(Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("1");
  });

  it("hides a received message for its visibility timeout until ChangeMessageVisibility releases it", async () => {
    // Arrange
    const url = await createQueue(sqs, "visibility");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "held" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    const receiptHandle = first.Messages?.[0]?.ReceiptHandle;

    // Act
    const whileHidden = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }),
    );
    await sqs.send(
      new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle }),
    );
    const afterDelete = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));

    // Assert
    expect(whileHidden.Messages ?? []).toHaveLength(0);
    expect(again.Messages?.[0]?.Body).toBe("held");
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("2");
    expect(afterDelete.Messages ?? []).toHaveLength(0);
  });

  it("resolves an AWS-style queue URL to the local queue of that name", async () => {
    // Arrange
    await createQueue(sqs, "aws-style");
    const awsUrl = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/aws-style`;

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: awsUrl, MessageBody: "via aws url" }));
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: awsUrl, WaitTimeSeconds: 1 }));

    // Assert
    expect(Messages?.[0]?.Body).toBe("via aws url");
  });
});

describe("SQS stand-in persistence", () => {
  it("keeps queues and messages in dataDir across a restart on another port", async () => {
    // Arrange
    const dataDir = mkdtempSync(join(tmpdir(), "hitl-sqs-"));
    const first = await startSqs({ region: REGION, accountId: ACCOUNT, dataDir });
    const firstClient = clientFor(first.endpoint);
    await createQueue(firstClient, "kept");
    await firstClient.send(
      new SendMessageCommand({ QueueUrl: `${first.endpoint}/${ACCOUNT}/kept`, MessageBody: "survives" }),
    );
    firstClient.destroy();
    await first.stop();

    // Act
    const second = await startSqs({ region: REGION, accountId: ACCOUNT, dataDir });
    const secondClient = clientFor(second.endpoint);
    const url = await createQueue(secondClient, "kept");
    const { Messages } = await secondClient.send(
      new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }),
    );
    secondClient.destroy();
    await second.stop();
    rmSync(dataDir, { recursive: true, force: true });

    // Assert
    expect(url).toBe(`${second.endpoint}/${ACCOUNT}/kept`);
    expect(Messages?.[0]?.Body).toBe("survives");
  });
});

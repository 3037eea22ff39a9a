import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SqsPoller, startSqsPoller } from "../../../local/event-sources";
import { startSqs } from "../../../local/sqs";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";

let server: Awaited<ReturnType<typeof startSqs>>;
let sqs: SQSClient;
let queueCount = 0;
const pollers: SqsPoller[] = [];

async function queue(visibilityTimeout = 1): Promise<{ url: string; arn: string }> {
  const name = `poller-test-${++queueCount}`;
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: String(visibilityTimeout) } }),
  );
  return { url: created.QueueUrl as string, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` };
}

function poll(
  target: { url: string; arn: string },
  invoke: (event: SQSEvent) => Promise<unknown>,
  extra: { batchSize?: number; batchingWindowSeconds?: number; reportBatchItemFailures?: boolean } = {},
): SqsPoller {
  const poller = startSqsPoller({
    sqs,
    queueUrl: target.url,
    queueArn: target.arn,
    region: REGION,
    batchSize: extra.batchSize ?? 10,
    batchingWindowSeconds: extra.batchingWindowSeconds ?? 0,
    reportBatchItemFailures: extra.reportBatchItemFailures ?? false,
    concurrency: 1,
    invoke,
    label: "test",
  });
  pollers.push(poller);
  return poller;
}

async function visibleAndInFlight(url: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  server = await startSqs({ region: REGION, accountId: ACCOUNT });
  sqs = new SQSClient({
    region: REGION,
    endpoint: server.endpoint,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  sqs.destroy();
  await server.stop();
});

describe("the SQS event source poller", () => {
  it("gathers up to BatchSize messages within the batching window into one invocation", async () => {
    const target = await queue();
    const batches: SQSEvent[] = [];
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.url,
        Entries: [1, 2, 3, 4, 5].map((n) => ({ Id: String(n), MessageBody: `m${n}` })),
      }),
    );

    poll(target, async (event) => void batches.push(event), { batchSize: 5, batchingWindowSeconds: 1 });
    await until(() => batches.flatMap((b) => b.Records).length === 5);

    expect(batches).toHaveLength(1);
    expect(batches[0]?.Records[0]).toMatchObject({ eventSourceARN: target.arn, awsRegion: REGION });
    await until(async () => (await visibleAndInFlight(target.url)) === 0);
  });

  it("deletes the successes and retries only the reported failures", async () => {
    const target = await queue();
    const seen: Array<{ body: string; receiveCount: string }> = [];
    await sqs.send(new SendMessageCommand({ QueueUrl: target.url, MessageBody: "good" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: target.url, MessageBody: "flaky" }));

    poll(
      target,
      async (event) => {
        for (const r of event.Records)
          seen.push({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount });
        const flaky = event.Records.filter(
          (r) => r.body === "flaky" && r.attributes.ApproximateReceiveCount === "1",
        );
        return { batchItemFailures: flaky.map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { reportBatchItemFailures: true },
    );
    await until(() => seen.some((s) => s.body === "flaky" && s.receiveCount === "2"));

    expect(seen.filter((s) => s.body === "good")).toHaveLength(1);
    await until(async () => (await visibleAndInFlight(target.url)) === 0);
  });

  it("leaves the whole batch for a retry when the function throws", async () => {
    const target = await queue();
    let calls = 0;
    await sqs.send(new SendMessageCommand({ QueueUrl: target.url, MessageBody: "x" }));

    poll(target, async (event) => {
      calls++;
      if (event.Records[0]?.attributes.ApproximateReceiveCount === "1") throw new Error("first try fails");
      return undefined;
    });
    await until(() => calls === 2);

    await until(async () => (await visibleAndInFlight(target.url)) === 0);
    expect(calls).toBe(2);
  });

  it("stops promptly while idle", async () => {
    const target = await queue();
    const poller = poll(target, async () => undefined);
    const started = Date.now();

    await poller.stop();

    expect(Date.now() - started).toBeLessThan(2500);
  });
});

import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { succeededIds, toEvent } from "./sqs-event";

export interface SqsPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** Poll loops running at once (ScalingConfig.MaximumConcurrency). */
  readonly concurrency: number;
  readonly invoke: (event: SQSEvent) => Promise<unknown>;
  /** Names the mapping in log lines. */
  readonly label: string;
  readonly log?: (line: string) => void;
  /**
   * Long-poll wait of an empty receive. Short, so stop() never has to abort a receive (an aborted
   * receive can still take a message server-side and hide it until its visibility timeout).
   */
  readonly waitSeconds?: number;
}

export interface SqsPoller {
  stop(): Promise<void>;
}

const ERROR_BACKOFF_MS = 1000;

/** Lambda's SQS event source mapping: receive batches, invoke, delete what succeeded. */
export function startSqsPoller(opts: SqsPollerOptions): SqsPoller {
  let stopped = false;
  const log = opts.log ?? (() => undefined);
  const waitSeconds = opts.waitSeconds ?? 1;

  const receive = async (max: number, wait: number): Promise<Message[]> => {
    const out = await opts.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: wait,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    return out.Messages ?? [];
  };

  /** Gathers up to BatchSize messages within the batching window, which opens at the first message. */
  const collect = async (): Promise<Message[]> => {
    const batch = await receive(opts.batchSize, waitSeconds);
    if (batch.length === 0 || opts.batchingWindowSeconds <= 0) return batch;
    const deadline = Date.now() + opts.batchingWindowSeconds * 1000;
    while (batch.length < opts.batchSize && !stopped) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const wait = Math.min(20, Math.ceil(remaining / 1000));
      batch.push(...(await receive(opts.batchSize - batch.length, wait)));
    }
    return batch;
  };

  const remove = async (messages: readonly Message[]): Promise<void> => {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      await opts.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: opts.queueUrl,
          Entries: chunk.map((message, j) => ({ Id: String(j), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  };

  const handle = async (batch: Message[]): Promise<void> => {
    const ids = batch.map((message) => message.MessageId ?? "");
    let succeeded: readonly string[];
    try {
      const result = await opts.invoke(toEvent(batch, opts.queueArn, opts.region));
      succeeded = succeededIds(ids, result, opts.reportBatchItemFailures);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log(
        `[${opts.label}] batch of ${batch.length} failed (${reason}); it returns after the visibility timeout`,
      );
      succeeded = [];
    }
    const done = new Set(succeeded);
    await remove(batch.filter((message) => done.has(message.MessageId ?? "")));
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        const batch = await collect();
        if (batch.length > 0) await handle(batch);
      } catch (error) {
        if (stopped) break;
        log(`[${opts.label}] polling failed: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, ERROR_BACKOFF_MS));
      }
    }
  };

  const loops = Array.from({ length: Math.max(1, opts.concurrency) }, () => loop());
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetter, QueueMessage } from "../../core/ports";
import { count, logger, METRIC } from "../observability";

/**
 * Moves a message that can never be processed (not JSON, not the right shape) straight to its
 * queue's dead-letter queue, with `errorCode`/`errorMessage` attributes. Retrying it five times first
 * would only delay the alarm; the message itself is kept whole for inspection and redrive.
 */
export class SqsDeadLetter implements DeadLetter {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(record: QueueMessage, code: string, reason: string): Promise<void> {
    logger.warn("message dead-lettered", { messageId: record.messageId, code, reason });
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: record.body,
        MessageAttributes: {
          errorCode: { DataType: "String", StringValue: code },
          errorMessage: { DataType: "String", StringValue: reason.slice(0, 1000) },
          originalMessageId: { DataType: "String", StringValue: record.messageId },
        },
      }),
    );
    count(METRIC.deadLettered);
  }
}

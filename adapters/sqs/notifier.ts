import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { FeedbackRecord, OutcomeMessage } from "../../core/feedback/record";
import type { Notifier } from "../../core/ports";

/** Outcomes go to the queue product systems consume; corrections to the queue ML pipelines consume. */
export class SqsNotifier implements Notifier {
  constructor(
    private readonly sqs: SQSClient,
    private readonly outcomesQueueUrl: string,
    private readonly feedbackQueueUrl: string,
  ) {}

  async outcome(message: OutcomeMessage): Promise<void> {
    await this.send(this.outcomesQueueUrl, message, message.type);
  }

  async feedback(record: FeedbackRecord): Promise<void> {
    await this.send(this.feedbackQueueUrl, record, "feedback.produced");
  }

  private async send(queueUrl: string, body: unknown, type: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(body),
        MessageAttributes: { type: { DataType: "String", StringValue: type } },
      }),
    );
  }
}

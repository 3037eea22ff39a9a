import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { MetricEvent } from "../../core/metrics/events";
import type { EventPublisher } from "../../core/ports";

/** Sends metric events to the metrics queue, ten to a request (SQS's batch limit). */
export class SqsEventPublisher implements EventPublisher {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async publish(events: MetricEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((event, j) => ({ Id: String(j), MessageBody: JSON.stringify(event) })),
        }),
      );
      if (result.Failed?.length) {
        const first = result.Failed[0];
        throw new Error(
          `metrics queue refused ${result.Failed.length} event(s): ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }
}

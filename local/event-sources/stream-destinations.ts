import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { OnFailureRecord } from "./dynamodb-stream-event";

/** An SQS OnFailure destination: the record is the message body, as Lambda sends it. */
export function sqsDestination(sqs: SQSClient, queueUrl: string): (record: OnFailureRecord) => Promise<void> {
  return async (record) => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
  };
}

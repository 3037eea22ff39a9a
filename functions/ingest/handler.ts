import type { SQSRecord } from "aws-lambda";
import { requireEnv } from "../../adapters/dynamodb/client";
import { sfnClient } from "../../adapters/sfn/client";
import { runRouter } from "../../adapters/sfn/router";
import { sqsClient } from "../../adapters/sqs/client";
import { SqsDeadLetter } from "../../adapters/sqs/dead-letter";
import { sqsRecords } from "../shared/batch";

const routerArn = requireEnv("ROUTER_STATE_MACHINE_ARN");
const deadLetter = new SqsDeadLetter(sqsClient(), requireEnv("INGEST_DLQ_URL"));

/**
 * The asynchronous path: each message is a decision body, routed by the same state machine as
 * the HTTP API. A message that can never succeed (not JSON, not a decision, unknown experiment)
 * goes straight to the dead-letter queue with the reason attached; a transient failure is
 * reported back so SQS retries just that message.
 */
export const handler = sqsRecords(processRecord, { inParallel: true });

async function processRecord(record: SQSRecord): Promise<void> {
  let request: unknown;
  try {
    request = JSON.parse(record.body);
  } catch (error) {
    return deadLetter.send(
      record,
      "malformed_json",
      `message body is not valid JSON: ${(error as Error).message}`,
    );
  }
  const result = await runRouter(sfnClient(), routerArn, {
    request,
    receivedAt: new Date(Number(record.attributes.SentTimestamp) || Date.now()).toISOString(),
    actor: "ingest-queue",
  });
  if (!result.ok) return deadLetter.send(record, result.error.code, result.error.message);
}

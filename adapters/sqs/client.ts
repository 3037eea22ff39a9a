import { SQSClient } from "@aws-sdk/client-sqs";
import { countOperations } from "../aws-operations";
import { traced } from "../observability";

let client: SQSClient | undefined;

/** One SQS client per process, reused across invocations; the endpoint comes from AWS_ENDPOINT_URL_SQS. */
export function sqsClient(): SQSClient {
  client ??= countOperations(traced(new SQSClient({})));
  return client;
}

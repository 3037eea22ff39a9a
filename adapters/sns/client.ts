import { SNSClient } from "@aws-sdk/client-sns";
import { countOperations } from "../aws-operations";
import { traced } from "../observability";

let client: SNSClient | undefined;

/** One SNS client per process, reused across invocations. */
export function snsClient(): SNSClient {
  client ??= countOperations(traced(new SNSClient({})));
  return client;
}

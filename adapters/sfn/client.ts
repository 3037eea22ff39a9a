import { SFNClient } from "@aws-sdk/client-sfn";
import { countOperations } from "../aws-operations";
import { traced } from "../observability";

let client: SFNClient | undefined;

/**
 * StartSyncExecution lives on AWS's `sync-states` host, which the SDK reaches by prefixing the
 * host name. A custom endpoint (the local cloud, LocalStack) serves every action on one host, so
 * the prefix is turned off exactly when AWS_ENDPOINT_URL_SFN points somewhere else.
 */
export function sfnClient(): SFNClient {
  client ??= countOperations(
    traced(new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) })),
  );
  return client;
}

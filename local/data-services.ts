// DynamoDB and SQS for the local cloud: its own stand-ins (DynamoDB Local, fauxqs), or services that
// already run elsewhere (moto, LocalStack) named by endpoint. Either way the rest of the local cloud
// only sees two endpoints.
import { startDynamoDbLocal } from "./dynamodb";
import type { ProcessIdentity } from "./processes";
import { isMoto, startRequestGate } from "./request-gate";
import { startSqs } from "./sqs";

export interface ExternalEndpoints {
  /** A DynamoDB endpoint (with its Streams API on the same URL) to use instead of DynamoDB Local. */
  readonly dynamodb?: string;
  /** An SQS endpoint (JSON protocol) to use instead of fauxqs. */
  readonly sqs?: string;
}

export interface DataServicesOptions {
  readonly external?: ExternalEndpoints;
  readonly ports: { readonly dynamodb: number; readonly sqs: number };
  readonly dataDir: (name: string) => string | undefined;
  readonly region: string;
  readonly accountId: string;
  readonly onDynamoDbStarted?: (processes: readonly ProcessIdentity[]) => void;
  /** Registers a stop step for what was started (nothing for an external service). */
  readonly onStop: (name: string, stop: () => Promise<void>) => void;
}

export interface DataServices {
  /** `endpoint` is what clients use: for moto, the transaction gate in front of `upstream`. */
  readonly dynamodb: {
    readonly endpoint: string;
    readonly external: boolean;
    readonly upstream?: string;
    /** moto's server: slower per call on big tables (see local/README.md). */
    readonly moto?: boolean;
  };
  readonly sqs: { readonly endpoint: string; readonly external: boolean };
}

/** An endpoint option's value as a URL the SDK takes, or an error naming the option. */
export function parseEndpoint(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} endpoint "${value}" is not a URL (e.g. http://127.0.0.1:5000)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`${what} endpoint "${value}" must start with http:// or https://`);
  // The SDK joins request paths onto it; a trailing slash would double them.
  return value.replace(/\/+$/, "");
}

/** moto's DynamoDB is used through a gate that runs each transaction alone (see request-gate.ts). */
async function externalDynamoDb(
  endpoint: string,
  opts: DataServicesOptions,
): Promise<DataServices["dynamodb"]> {
  if (!(await isMoto(endpoint))) return { endpoint, external: true };
  const gate = await startRequestGate(endpoint);
  opts.onStop("the DynamoDB request gate", () => gate.stop());
  return { endpoint: gate.endpoint, external: true, upstream: endpoint, moto: true };
}

export async function startDataServices(opts: DataServicesOptions): Promise<DataServices> {
  const external = opts.external ?? {};
  const [dynamodb, sqs] = await Promise.all([
    external.dynamodb
      ? externalDynamoDb(parseEndpoint(external.dynamodb, "DynamoDB"), opts)
      : startDynamoDbLocal({
          port: opts.ports.dynamodb,
          dataDir: opts.dataDir("dynamodb"),
          ...(opts.onDynamoDbStarted ? { onStarted: opts.onDynamoDbStarted } : {}),
        }).then((server) => {
          opts.onStop("DynamoDB Local", () => server.stop());
          return { endpoint: server.endpoint, external: false };
        }),
    external.sqs
      ? { endpoint: parseEndpoint(external.sqs, "SQS"), external: true }
      : startSqs({
          port: opts.ports.sqs,
          dataDir: opts.dataDir("sqs"),
          region: opts.region,
          accountId: opts.accountId,
        }).then((server) => {
          opts.onStop("SQS", () => server.stop());
          return { endpoint: server.endpoint, external: false };
        }),
  ]);
  return { dynamodb, sqs };
}

import { InvalidArgumentError } from "commander";
import { DEFAULT_PORTS } from "../local/cloud";
import { parseEndpoint } from "../local/data-services";

export type PortName = keyof typeof DEFAULT_PORTS;
export type Ports = Record<PortName, number>;

/** With `--port-base N` the services take N, N+1, N+2 and N+3, in this order. */
export const PORT_ORDER: readonly PortName[] = ["api", "dynamodb", "sqs", "stepfunctions"];

/** commander's parser for a port option: a whole number in [0, 65535], 0 meaning a free port. */
export function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError("must be a port number from 0 to 65535 (0 picks a free port)");
  }
  return port;
}

/** commander's parser for `--port-base`: room for four ports from it. */
export function portBaseOption(value: string): number {
  const base = Number(value);
  if (!/^\d+$/.test(value) || base < 1 || base > 65_535 - (PORT_ORDER.length - 1)) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${65_535 - (PORT_ORDER.length - 1)}`);
  }
  return base;
}

/** The port options of `hitl dev`, as commander names them. */
export type PortOptions = { portBase?: number } & Partial<Record<`${PortName}Port`, number>>;

/** The local cloud's ports: the defaults, or laid out from a base, then each service's own option. */
export function resolvePorts(options: PortOptions): Ports {
  const ports = { ...DEFAULT_PORTS } as Ports;
  PORT_ORDER.forEach((name, i) => {
    if (options.portBase !== undefined) ports[name] = options.portBase + i;
    const own = options[`${name}Port`];
    if (own !== undefined) ports[name] = own;
  });
  const used = new Map<number, PortName>();
  for (const name of PORT_ORDER) {
    const port = ports[name];
    const other = used.get(port);
    if (port !== 0 && other)
      throw new Error(`the ${other} and ${name} ports are both ${port}: give each its own`);
    used.set(port, name);
  }
  return ports;
}

/** commander's parser for `--dynamodb-endpoint` / `--sqs-endpoint`: an http(s) URL. */
export function endpointOption(value: string): string {
  try {
    return parseEndpoint(value, "the");
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

/** The endpoint options of `hitl dev`, as commander names them. */
export interface EndpointOptions {
  dynamodbEndpoint?: string;
  sqsEndpoint?: string;
}

/**
 * DynamoDB and SQS services to use instead of starting the stand-ins: each option, else the SDK's
 * own variable for that service (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SQS`).
 */
export function externalEndpoints(
  options: EndpointOptions,
  env: NodeJS.ProcessEnv = process.env,
): { dynamodb?: string; sqs?: string } {
  const dynamodb = options.dynamodbEndpoint ?? (env.AWS_ENDPOINT_URL_DYNAMODB || undefined);
  const sqs = options.sqsEndpoint ?? (env.AWS_ENDPOINT_URL_SQS || undefined);
  return { ...(dynamodb ? { dynamodb } : {}), ...(sqs ? { sqs } : {}) };
}

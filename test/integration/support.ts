import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, inject } from "vitest";

export const cloud = inject("cloud");

export const dynamodb = new DynamoDBClient({
  endpoint: cloud.endpoints.dynamodb,
  region: cloud.region,
  credentials: cloud.credentials,
});
export const sqs = new SQSClient({
  endpoint: cloud.endpoints.sqs,
  region: cloud.region,
  credentials: cloud.credentials,
});

// Keep-alive sockets of these clients would otherwise keep the test worker alive after the suite.
afterAll(() => {
  dynamodb.destroy();
  sqs.destroy();
});

/** The local name of a resource by the tail of its construct path, e.g. "DecisionsTable" or "IngestQueue/Queue". */
export function nameOf(pathTail: string): string {
  const entry = Object.entries(cloud.names).find(([path]) => path.endsWith(`/${pathTail}/Resource`));
  if (!entry)
    throw new Error(`no resource at */${pathTail}/Resource among ${Object.keys(cloud.names).join(", ")}`);
  return entry[1];
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One HTTP call to the local API with a role's (or an identity's) bearer token. */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { role?: keyof typeof cloud.tokens; token?: string; body?: unknown; rawBody?: string } = {},
): Promise<HttpAnswer<T>> {
  const token = options.token ?? (options.role ? cloud.tokens[options.role] : undefined);
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(new URL(path, cloud.apiUrl), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(payload === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

const TABLES = ["ExperimentsTable", "DecisionsTable", "ReviewsTable", "AuditTable", "MetricsTable"];
const QUEUES = ["IngestQueue", "ReviewIntakeQueue", "OutcomesQueue", "FeedbackQueue"];

/**
 * Everything stored: every item of every table, and every queue's message counts (visible and in
 * flight, for work queues and dead-letter queues). Two equal snapshots mean nothing was written.
 */
export async function snapshot(): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const table of TABLES) {
    const items: unknown[] = [];
    let start: ScanCommand["input"]["ExclusiveStartKey"];
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: nameOf(table), ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    state[table] = items.map((i) => JSON.stringify(i)).sort();
  }
  for (const queue of QUEUES) {
    for (const part of ["Queue", "Dlq"]) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: nameOf(`${queue}/${part}`),
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      state[`${queue}/${part}`] = Attributes;
    }
  }
  return state;
}

export { eventually } from "../support/eventually";

let unique = 0;
/** An id unique to this run, so suites sharing the cloud never collide. */
export const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++unique}`;

/** Queues a function consumes: work is pending while any of them holds a message. */
const CONSUMED = ["IngestQueue/Queue", "ReviewIntakeQueue/Queue"];

/**
 * A snapshot taken once background work has gone quiet: the consumed queues are empty (a message
 * held in an event source's batching window counts as in flight) and two snapshots agree. They are
 * taken 1.5 s apart because a record's stream record reaches the metrics counter only after the
 * stream poller's interval (0.25 s) and the mapping's 1 s batching window.
 */
export async function settledSnapshot(timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let previous = await snapshot();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const current = await snapshot();
    const idle = CONSUMED.every((queue) => {
      const counts = current[queue] as Record<string, string> | undefined;
      return (
        counts?.ApproximateNumberOfMessages === "0" && counts?.ApproximateNumberOfMessagesNotVisible === "0"
      );
    });
    if (idle && JSON.stringify(current) === JSON.stringify(previous)) return current;
    if (Date.now() > deadline) throw new Error("the local cloud did not go quiet");
    previous = current;
  }
}

/**
 * Creates a running experiment through the API (admin) with long SLAs, returning its id. Its held
 * items go to `queue` (default "default"); suites that claim use a queue of their own, since the
 * cloud is shared and other suites leave items waiting.
 */
export async function createExperiment(
  overrides: Record<string, unknown> = {},
  queue = "default",
): Promise<string> {
  const id = uid("exp");
  const policy = (autoAcceptAbove: number) => ({
    autoAcceptAbove,
    queue,
    alwaysHumanTopics: ["legal"],
    auditRate: 0,
    sla: {
      tiers: [{ name: "tier-1", slaSeconds: 3600 }],
      fallback: { action: "model" },
      heartbeatSeconds: 600,
    },
  });
  const answer = await call("POST", "/v1/experiments", {
    role: "admin",
    body: {
      id,
      status: "running",
      control: "conservative",
      labels: ["approve", "deny"],
      arms: [
        { id: "conservative", weight: 0.5, policy: policy(0.95) },
        { id: "aggressive", weight: 0.5, policy: policy(0.8) },
      ],
      ...overrides,
    },
  });
  if (answer.status !== 201)
    throw new Error(`experiment not created: ${answer.status} ${JSON.stringify(answer.body)}`);
  return id;
}

import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type DynamoDbLocal, startDynamoDbLocal } from "../../../local/dynamodb";

/** DynamoDB Local for one test file, with clients and the environment the handlers read. */
export interface LocalDynamo {
  server: DynamoDbLocal;
  client: DynamoDBClient;
  db: DynamoDBDocumentClient;
  /** A new client (for fault injection) pointed at the same server. */
  newClient(): DynamoDBClient;
  stop(): Promise<void>;
}

export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = await startDynamoDbLocal({});
  process.env.AWS_ENDPOINT_URL_DYNAMODB = server.endpoint;
  process.env.AWS_REGION = "us-east-1";
  process.env.AWS_ACCESS_KEY_ID = "local";
  process.env.AWS_SECRET_ACCESS_KEY = "local";
  const newClient = () =>
    new DynamoDBClient({
      endpoint: server.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  const client = newClient();
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    server,
    client,
    db,
    newClient,
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

const S = "S" as const;
const index = (name: string, pk: string, sk: string) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: pk, KeyType: "HASH" as const },
    { AttributeName: sk, KeyType: "RANGE" as const },
  ],
  Projection: { ProjectionType: "ALL" as const },
});

/** A table with the stacks' key schema (pk/sk strings), optional GSIs, stream and TTL on `expiresAt`. */
export async function createTable(
  client: DynamoDBClient,
  name: string,
  options: { indexes?: [string, string, string][]; ttl?: boolean; stream?: boolean } = {},
): Promise<string> {
  const attributes = new Set(["pk", "sk", ...(options.indexes ?? []).flatMap(([, pk, sk]) => [pk, sk])]);
  const input: CreateTableCommandInput = {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    AttributeDefinitions: [...attributes].map((a) => ({ AttributeName: a, AttributeType: S })),
    ...(options.indexes?.length
      ? { GlobalSecondaryIndexes: options.indexes.map(([n, pk, sk]) => index(n, pk, sk)) }
      : {}),
    ...(options.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" as const } }
      : {}),
  };
  await client.send(new CreateTableCommand(input));
  if (options.ttl)
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      }),
    );
  return name;
}

let tableCount = 0;

/** A fresh MetricsTable (as in lib/stateful-stack.ts), so tests do not share counters. */
export const createMetricsTable = (client: DynamoDBClient) =>
  createTable(client, `MetricsTable${++tableCount}`, { ttl: true });

/** The records tables of lib/stateful-stack.ts, with their indexes and streams (old and new images). */
export async function createRecordTables(client: DynamoDBClient) {
  const n = ++tableCount;
  const [decisions, reviews, experiments, audit] = await Promise.all([
    createTable(client, `DecisionsTable${n}`, {
      ttl: true,
      stream: true,
      indexes: [["feed", "feedPartition", "feedKey"]],
    }),
    createTable(client, `ReviewsTable${n}`, {
      stream: true,
      indexes: [
        ["byQueue", "pendingQueue", "priorityKey"],
        ["byDecision", "decisionId", "sk"],
      ],
    }),
    createTable(client, `ExperimentsTable${n}`),
    createTable(client, `AuditTable${n}`),
  ]);
  return { decisions, reviews, experiments, audit };
}

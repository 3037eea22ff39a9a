import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type Projection,
  ResourceNotFoundException,
  type StreamViewType,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { resourcesOf } from "./load";
import type { TemplateResolver } from "./resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "./types";

export const TABLE_TYPES = ["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"];

export interface ProvisionedTable {
  readonly ref: ResourceRef;
  readonly name: string;
  readonly created: boolean;
  /** The table's stream (DynamoDB Local's LatestStreamArn) when the template asks for one. */
  readonly streamArn?: string;
}

interface Index {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function keySchema(value: unknown): KeySchemaElement[] {
  return records(value).map((key) => ({
    AttributeName: String(key.AttributeName),
    KeyType: key.KeyType === "RANGE" ? "RANGE" : "HASH",
  }));
}

function attributeDefinitions(value: unknown): AttributeDefinition[] {
  return records(value).map((attribute) => ({
    AttributeName: String(attribute.AttributeName),
    AttributeType: attribute.AttributeType === "N" ? "N" : attribute.AttributeType === "B" ? "B" : "S",
  }));
}

function projection(value: unknown): Projection {
  if (!isRecord(value)) return { ProjectionType: "ALL" };
  const type =
    value.ProjectionType === "KEYS_ONLY" || value.ProjectionType === "INCLUDE" ? value.ProjectionType : "ALL";
  const nonKey = Array.isArray(value.NonKeyAttributes) ? value.NonKeyAttributes.map(String) : undefined;
  return { ProjectionType: type, ...(nonKey ? { NonKeyAttributes: nonKey } : {}) };
}

/** Only the parts DynamoDB Local needs; capacity settings, SSE, PITR and tags mean nothing locally. */
function indexes(value: unknown): Index[] {
  return records(value).map((index) => ({
    IndexName: String(index.IndexName),
    KeySchema: keySchema(index.KeySchema),
    Projection: projection(index.Projection),
  }));
}

function streamViewType(value: string): StreamViewType {
  const types: StreamViewType[] = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];
  return types.find((type) => type === value) ?? "NEW_AND_OLD_IMAGES";
}

export function createTableInput(resolver: TemplateResolver, ref: ResourceRef): CreateTableCommandInput {
  const prop = (name: string): unknown => resolver.property(ref, name);
  const stream = prop("StreamSpecification");
  const gsis: GlobalSecondaryIndex[] = indexes(prop("GlobalSecondaryIndexes"));
  const lsis: LocalSecondaryIndex[] = indexes(prop("LocalSecondaryIndexes"));
  return {
    TableName: resolver.physicalName(ref.stack, ref.logicalId),
    KeySchema: keySchema(prop("KeySchema")),
    AttributeDefinitions: attributeDefinitions(prop("AttributeDefinitions")),
    BillingMode: "PAY_PER_REQUEST",
    ...(gsis.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis.length ? { LocalSecondaryIndexes: lsis } : {}),
    ...(isRecord(stream) && typeof stream.StreamViewType === "string"
      ? {
          StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType(stream.StreamViewType) },
        }
      : {}),
  };
}

async function describeTable(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** A second start keeps the data; indexes added to the template since are added to the table. */
async function addMissingIndexes(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
  table: TableDescription,
) {
  const existing = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}

/**
 * The stream the template asks for, on a table that may predate it (a persisted `.hitl`): enabled,
 * or switched to the template's view type (a new stream, as on AWS). A stream the template no
 * longer asks for is left alone: nothing reads it.
 */
async function ensureStream(
  client: DynamoDBClient,
  input: CreateTableCommandInput,
  table: TableDescription,
): Promise<string | undefined> {
  const wanted = input.StreamSpecification?.StreamViewType;
  if (!wanted) return undefined;
  const current = table.StreamSpecification?.StreamEnabled
    ? table.StreamSpecification.StreamViewType
    : undefined;
  if (current === wanted && table.LatestStreamArn) return table.LatestStreamArn;
  const update = (StreamEnabled: boolean) =>
    client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        StreamSpecification: StreamEnabled ? { StreamEnabled, StreamViewType: wanted } : { StreamEnabled },
      }),
    );
  if (current) await update(false);
  return (await update(true)).TableDescription?.LatestStreamArn;
}

async function enableTtl(client: DynamoDBClient, name: string, spec: unknown): Promise<void> {
  if (!isRecord(spec) || spec.Enabled === false || typeof spec.AttributeName !== "string") return;
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === "ENABLED" || status === "ENABLING") return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: name,
      TimeToLiveSpecification: { AttributeName: spec.AttributeName, Enabled: true },
    }),
  );
}

/** Creates every table of the templates that does not exist yet, with its indexes, stream and TTL. */
export async function provisionTables(
  resolver: TemplateResolver,
  assembly: CloudAssembly,
  client: DynamoDBClient,
): Promise<ProvisionedTable[]> {
  const refs = TABLE_TYPES.flatMap((type) => resourcesOf(assembly, type)).filter((ref) =>
    resolver.isActive(ref),
  );
  return Promise.all(
    refs.map(async (ref) => {
      const input = createTableInput(resolver, ref);
      const name = input.TableName as string;
      const existing = await describeTable(client, name);
      let streamArn: string | undefined;
      if (existing) {
        await addMissingIndexes(client, input, existing);
        streamArn = await ensureStream(client, input, existing);
      } else {
        const created = await client.send(new CreateTableCommand(input));
        streamArn = created.TableDescription?.LatestStreamArn;
      }
      await enableTtl(client, name, resolver.property(ref, "TimeToLiveSpecification"));
      // Fn::GetAtt [Table, StreamArn] (and imports of it) now name the stream that really exists.
      if (streamArn) resolver.override(ref.stack, ref.logicalId, { attrs: { StreamArn: streamArn } });
      return { ref, name, created: !existing, ...(streamArn ? { streamArn } : {}) };
    }),
  );
}

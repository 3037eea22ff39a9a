/**
 * The floor: DynamoDB Local's raw PutItem rate at the benchmark's concurrency, with a copy of a
 * real decision record as the item, on a plain table (no index) the benchmark creates and drops.
 * Every routed decision does at least this write, so routing can never beat it.
 */
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { closedLoop, progressReporter } from "./load";
import { type CpuSample, cpuMeter, cpuMsPer } from "./machine";
import { type Summary, summarize } from "./stats";

export interface FloorResult {
  puts: number;
  concurrency: number;
  rate: number;
  latency: Summary;
  errors: number;
  /** Billed units of one put of the item (DynamoDB Local's ConsumedCapacity). */
  wruPerPut: number;
  cpu: CpuSample;
  /** CPU of this process and DynamoDB Local per put. */
  cpuMsPerPut: number;
}

export async function createFloorTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
    }),
  );
}

export async function dropFloorTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  await dynamodb.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
}

export async function measureFloor(
  dynamodb: DynamoDBClient,
  options: {
    table: string;
    item: Record<string, AttributeValue>;
    puts: number;
    warmup: number;
    concurrency: number;
    label: string;
    progress: (line: string) => void;
  },
): Promise<FloorResult> {
  let serial = 0;
  const put = async () => {
    const key = `floor-${options.label}-${serial++}`;
    await dynamodb.send(
      new PutItemCommand({ TableName: options.table, Item: { ...options.item, pk: { S: key } } }),
    );
  };
  const probe = await dynamodb.send(
    new PutItemCommand({
      TableName: options.table,
      Item: { ...options.item, pk: { S: `floor-probe-${options.label}` } },
      ReturnConsumedCapacity: "TOTAL",
    }),
  );
  if (options.warmup > 0) await closedLoop(options.warmup, options.concurrency, put);
  const meter = cpuMeter();
  const result = await closedLoop(
    options.puts,
    options.concurrency,
    put,
    progressReporter(`floor (${options.label})`, options.puts, options.progress),
  );
  const cpu = meter();
  return {
    puts: options.puts,
    concurrency: options.concurrency,
    rate: result.rate,
    latency: summarize(result.latenciesMs),
    errors: result.errors,
    wruPerPut: probe.ConsumedCapacity?.CapacityUnits ?? Number.NaN,
    cpu,
    cpuMsPerPut: cpuMsPer(cpu, result.rate),
  };
}

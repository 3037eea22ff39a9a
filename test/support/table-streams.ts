import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import { DECISIONS_STREAM_FILTERS, REVIEWS_STREAM_FILTERS } from "../../lib/constructs/metrics-pipeline";
import { type LambdaStreamRecord, toLambdaRecord } from "../../local/event-sources/dynamodb-stream-event";
import { compileFilters } from "../../local/event-sources/event-pattern";

/** One shard's records as Lambda would get them, in order. */
export interface ShardRecords {
  streamArn: string;
  shardId: string;
  records: LambdaStreamRecord[];
}

/**
 * Everything a table's stream (DynamoDB Local's, a real one) holds, in Lambda's event shape, passed
 * through the event source mapping's filter criteria as the app's CDK code declares them.
 */
export async function readTableStream(
  local: { client: DynamoDBClient; endpoint: string },
  table: string,
  filters: readonly unknown[],
): Promise<ShardRecords[]> {
  const { Table } = await local.client.send(new DescribeTableCommand({ TableName: table }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${table} has no stream`);
  const streams = new DynamoDBStreamsClient({
    endpoint: local.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const passes = compileFilters(filters);
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const out: ShardRecords[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId ?? "";
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        )
      ).ShardIterator;
      const records: LambdaStreamRecord[] = [];
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        const got = (page.Records ?? []).map((r) => toLambdaRecord(r, { region: "us-east-1", streamArn }));
        records.push(...got.filter((r) => passes(r)));
        // An open shard always hands back an iterator: an empty page means it is read to its end.
        iterator = got.length > 0 ? page.NextShardIterator : undefined;
      }
      out.push({ streamArn, shardId, records });
    }
    return out;
  } finally {
    streams.destroy();
  }
}

/** The decisions and reviews tables' streams, filtered as their mappings filter them. */
export async function readRecordStreams(
  local: { client: DynamoDBClient; endpoint: string },
  tables: { decisions: string; reviews: string },
): Promise<ShardRecords[]> {
  return [
    ...(await readTableStream(local, tables.decisions, DECISIONS_STREAM_FILTERS)),
    ...(await readTableStream(local, tables.reviews, REVIEWS_STREAM_FILTERS)),
  ];
}

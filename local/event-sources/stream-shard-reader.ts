// Reads one shard in order into a buffer, getting a fresh iterator when DynamoDB Local's expires
// (after 15 minutes) or after an error, always from the last record read or checkpointed.
import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
} from "@aws-sdk/client-dynamodb-streams";
import { type LambdaStreamRecord, toLambdaRecord } from "./dynamodb-stream-event";

/** GetRecords' own maximum. */
const PAGE = 1000;

export interface ShardReaderOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly shardId: string;
  readonly region: string;
  /** The checkpoint to start after; undefined: the shard's oldest record (TRIM_HORIZON). */
  readonly after: () => string | undefined;
  readonly log: (line: string) => void;
}

export interface ShardReader {
  /** Records read and not yet taken, in shard order. */
  readonly buffer: LambdaStreamRecord[];
  /** The shard is closed and every record of it has been read into the buffer. */
  readonly ended: boolean;
  /** One GetRecords; resolves with how many records it added. */
  read(): Promise<number>;
  /** Forgets the buffer: the next read starts after the checkpoint again. */
  reset(): void;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "";
}

export function createShardReader(opts: ShardReaderOptions): ShardReader {
  const buffer: LambdaStreamRecord[] = [];
  let iterator: string | undefined;
  let lastRead: string | undefined;
  let ended = false;

  const getIterator = async (): Promise<string | undefined> => {
    const after = lastRead ?? opts.after();
    const input: GetShardIteratorCommandInput = {
      StreamArn: opts.streamArn,
      ShardId: opts.shardId,
      ...(after
        ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: after }
        : { ShardIteratorType: "TRIM_HORIZON" }),
    };
    try {
      return (await opts.streams.send(new GetShardIteratorCommand(input))).ShardIterator;
    } catch (error) {
      if (errorName(error) === "TrimmedDataAccessException" && after) {
        opts.log(
          `records after ${after} of ${opts.shardId} were trimmed (24 h); reading from the oldest left`,
        );
        return (
          await opts.streams.send(
            new GetShardIteratorCommand({
              ...input,
              ShardIteratorType: "TRIM_HORIZON",
              SequenceNumber: undefined,
            }),
          )
        ).ShardIterator;
      }
      throw error;
    }
  };

  const read = async (): Promise<number> => {
    if (ended) return 0;
    try {
      iterator ??= await getIterator();
    } catch (error) {
      if (errorName(error) !== "ResourceNotFoundException") throw error;
      // The shard outlived its 24 h: nothing left to read.
      opts.log(`${opts.shardId} no longer exists; treating it as read`);
      ended = true;
      return 0;
    }
    if (iterator === undefined) {
      ended = true;
      return 0;
    }
    let page: GetRecordsCommandOutput;
    try {
      page = await opts.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: PAGE }));
    } catch (error) {
      // Expired or trimmed: ask for a new iterator from the last record read, next time.
      if (["ExpiredIteratorException", "TrimmedDataAccessException"].includes(errorName(error))) {
        iterator = undefined;
        return 0;
      }
      throw error;
    }
    const records = (page.Records ?? []).map((record) =>
      toLambdaRecord(record, { region: opts.region, streamArn: opts.streamArn }),
    );
    buffer.push(...records);
    lastRead = records.at(-1)?.dynamodb.SequenceNumber ?? lastRead;
    // No next iterator: the shard is closed and this was its last page.
    iterator = page.NextShardIterator;
    if (iterator === undefined) ended = true;
    return records.length;
  };

  return {
    buffer,
    get ended() {
      return ended;
    },
    read,
    reset() {
      buffer.length = 0;
      iterator = undefined;
      lastRead = undefined;
      ended = false;
    },
  };
}

// Which shards of a stream may be read now: Lambda keeps a shard's records in order across a
// rollover by reading a child shard only once its parent is read to the end.
import type { Shard } from "@aws-sdk/client-dynamodb-streams";

export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
}

export function shardInfo(shard: Shard): ShardInfo {
  return {
    shardId: shard.ShardId ?? "",
    ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}),
  };
}

/**
 * The listed shards to start, in listing order: not finished, not already being read, and either
 * without a parent, with a finished parent, or with a parent no longer listed (trimmed away).
 */
export function readyShards(
  listed: readonly ShardInfo[],
  isFinished: (shardId: string) => boolean,
  isRunning: (shardId: string) => boolean,
): string[] {
  const present = new Set(listed.map((shard) => shard.shardId));
  return listed
    .filter((shard) => shard.shardId !== "" && !isFinished(shard.shardId) && !isRunning(shard.shardId))
    .filter(
      (shard) =>
        shard.parentShardId === undefined ||
        !present.has(shard.parentShardId) ||
        isFinished(shard.parentShardId),
    )
    .map((shard) => shard.shardId);
}

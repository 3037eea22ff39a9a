import { describe, expect, it } from "vitest";
import { readyShards, shardInfo } from "../../../local/event-sources/stream-shards";

const none = () => false;

describe("which shards a stream poller reads", () => {
  it("starts shards without a parent at once", () => {
    const listed = [{ shardId: "a" }, { shardId: "b" }];

    expect(readyShards(listed, none, none)).toEqual(["a", "b"]);
  });

  it("holds a child back until its parent is read to the end", () => {
    const listed = [{ shardId: "parent" }, { shardId: "child", parentShardId: "parent" }];

    const whileParentRuns = readyShards(listed, none, (id) => id === "parent");
    const afterParent = readyShards(listed, (id) => id === "parent", none);

    expect(whileParentRuns).toEqual([]);
    expect(afterParent).toEqual(["child"]);
  });

  it("starts a child whose parent is no longer listed (trimmed after 24 hours)", () => {
    const listed = [{ shardId: "child", parentShardId: "gone" }];

    expect(readyShards(listed, none, none)).toEqual(["child"]);
  });

  it("never starts a finished shard or one already being read", () => {
    const listed = [{ shardId: "done" }, { shardId: "busy" }, { shardId: "new" }];

    expect(
      readyShards(
        listed,
        (id) => id === "done",
        (id) => id === "busy",
      ),
    ).toEqual(["new"]);
  });

  it("reads the shard id and parent from DescribeStream's shape", () => {
    expect(shardInfo({ ShardId: "s-2", ParentShardId: "s-1" })).toEqual({
      shardId: "s-2",
      parentShardId: "s-1",
    });
    expect(shardInfo({ ShardId: "s-1" })).toEqual({ shardId: "s-1" });
  });
});

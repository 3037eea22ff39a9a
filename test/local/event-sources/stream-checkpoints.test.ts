import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileCheckpoints, memoryCheckpoints } from "../../../local/event-sources";

describe("stream checkpoints", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hitl-checkpoints-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("survive in a file, and a missing file means no checkpoint yet", () => {
    const file = path.join(dir, "nested", "Stack.Mapping.json");
    const checkpoint = {
      streamArn: "arn:aws:dynamodb:ddblocal:000000000000:table/T/stream/x",
      shards: {
        "shard-1": { sequenceNumber: "000000000000000000004", window: { start: 60, state: { n: 2 } } },
      },
    };

    const before = fileCheckpoints(file).load();
    fileCheckpoints(file).save(checkpoint);

    expect(before).toBeUndefined();
    expect(fileCheckpoints(file).load()).toEqual(checkpoint);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(checkpoint);
  });

  it("are copied when kept in memory, so later changes do not leak into the saved one", () => {
    const store = memoryCheckpoints();
    const shards: Record<string, { sequenceNumber: string }> = { a: { sequenceNumber: "1" } };

    store.save({ streamArn: "s", shards });
    shards.a = { sequenceNumber: "2" };

    expect(store.load()).toEqual({ streamArn: "s", shards: { a: { sequenceNumber: "1" } } });
  });
});

// Where a stream poller remembers how far each shard got: in memory, or in a JSON file so a restarted
// local cloud resumes after the last processed record (Lambda keeps this in its own service).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export interface ShardCheckpoint {
  /** The last record done with: invoked successfully, dropped by the filter, or given up on. */
  readonly sequenceNumber?: string;
  /** Closed and read to its end: its child shards may start. */
  readonly finished?: boolean;
  /** The open tumbling window (epoch seconds) and the state its last invocation returned. */
  readonly window?: { readonly start: number; readonly state: Record<string, unknown> };
  /** End (epoch seconds) of the last window closed on this shard: later records never reopen it. */
  readonly closedUntil?: number;
}

export interface StreamCheckpoint {
  /** A new stream (another ARN) starts from the mapping's StartingPosition again. */
  readonly streamArn: string;
  readonly shards: Readonly<Record<string, ShardCheckpoint>>;
}

export interface CheckpointStore {
  load(): StreamCheckpoint | undefined;
  save(checkpoint: StreamCheckpoint): void;
}

export function memoryCheckpoints(): CheckpointStore {
  let saved: StreamCheckpoint | undefined;
  return {
    load: () => saved,
    save: (checkpoint) => {
      saved = structuredClone(checkpoint);
    },
  };
}

function isStreamCheckpoint(value: unknown): value is StreamCheckpoint {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { streamArn?: unknown; shards?: unknown };
  return typeof candidate.streamArn === "string" && typeof candidate.shards === "object";
}

/** One JSON file, replaced atomically (write, then rename) on every save. */
export function fileCheckpoints(file: string): CheckpointStore {
  return {
    load() {
      if (!existsSync(file)) return undefined;
      const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (!isStreamCheckpoint(parsed)) throw new Error(`${file} is not a stream checkpoint`);
      return parsed;
    },
    save(checkpoint) {
      mkdirSync(path.dirname(file), { recursive: true });
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
      renameSync(temporary, file);
    },
  };
}

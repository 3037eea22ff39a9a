// Lambda's DynamoDB stream event source mapping against DynamoDB Local: one reader per shard, one
// batch in flight per shard (ParallelizationFactor 1), children after their parents, filters,
// batching window, tumbling windows, retries that never skip ahead, and an on-failure destination.
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  type Shard,
} from "@aws-sdk/client-dynamodb-streams";
import {
  type LambdaStreamRecord,
  type OnFailureRecord,
  onFailureRecord,
  type StreamInvokeEvent,
  streamEvent,
  type TumblingWindow,
  windowOf,
} from "./dynamodb-stream-event";
import { compileFilters } from "./event-pattern";
import { type CheckpointStore, memoryCheckpoints, type ShardCheckpoint } from "./stream-checkpoints";
import { describeError, type InvocationPolicy, invokeWithRetries } from "./stream-invocation";
import { createShardReader, type ShardReader } from "./stream-shard-reader";
import { readyShards, shardInfo } from "./stream-shards";

export interface DynamoDbStreamPollerOptions {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  /** The region records report (`awsRegion`). */
  readonly region: string;
  /** Named in on-failure records. */
  readonly functionArn: string;
  /** Where a new mapping starts; shards found later (children) always start at their oldest record. */
  readonly startingPosition: "TRIM_HORIZON" | "LATEST";
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  /** 0: no tumbling window. */
  readonly tumblingWindowSeconds: number;
  /** -1: retry until the batch succeeds. */
  readonly maximumRetryAttempts: number;
  /** -1: records never get too old to retry. */
  readonly maximumRecordAgeSeconds?: number;
  /**
   * FunctionResponseTypes has ReportBatchItemFailures: a response naming failed items fails the
   * whole batch (Lambda would checkpoint up to the first failed item; retrying all is still in order).
   */
  readonly reportBatchItemFailures?: boolean;
  /** FilterCriteria patterns (JSON text or objects); none: every record is delivered. */
  readonly filterPatterns?: readonly unknown[];
  readonly invoke: (event: StreamInvokeEvent) => Promise<unknown>;
  /** The OnFailure destination; without one a batch given up on is only logged. */
  readonly onFailure?: (record: OnFailureRecord) => Promise<void>;
  /** Default: in memory. */
  readonly checkpoints?: CheckpointStore;
  /** Names the mapping in log lines. */
  readonly label: string;
  readonly log?: (line: string) => void;
  /** Wait between reads of an idle shard; Lambda polls each shard four times a second. */
  readonly pollIntervalMs?: number;
  /** How often DescribeStream looks for new shards (a finished shard also triggers a look). */
  readonly describeIntervalMs?: number;
  /** Wait before retry n: first · 2^(n-1), at most max. */
  readonly retryBackoffMs?: { readonly first: number; readonly max: number };
}

export interface DynamoDbStreamPoller {
  /** Lets the batch in flight finish (no further retries), then stops every shard. */
  stop(): Promise<void>;
}

const ERROR_BACKOFF_MS = 1000;
/** A window closes this long after its end when no record of a later window came first. */
const WINDOW_CLOSE_GRACE_SECONDS = 1;

type Step =
  | { kind: "batch"; records: LambdaStreamRecord[]; last: string; window?: TumblingWindow }
  | { kind: "skip"; last: string }
  | { kind: "close-window" }
  | { kind: "idle" }
  | { kind: "finished" };

export function startDynamoDbStreamPoller(opts: DynamoDbStreamPollerOptions): DynamoDbStreamPoller {
  const log = (line: string) => (opts.log ?? (() => undefined))(`[${opts.label}] ${line}`);
  const store = opts.checkpoints ?? memoryCheckpoints();
  const matches = compileFilters(opts.filterPatterns ?? []);
  const pollMs = opts.pollIntervalMs ?? 250;
  const describeMs = opts.describeIntervalMs ?? 5000;
  const windowSize = opts.tumblingWindowSeconds;

  const saved = store.load();
  const fresh = saved?.streamArn !== opts.streamArn;
  if (saved && fresh) log(`the stream changed since the last run; starting at ${opts.startingPosition}`);
  const shards: Record<string, ShardCheckpoint> = fresh || !saved ? {} : { ...saved.shards };
  const save = () => store.save({ streamArn: opts.streamArn, shards: { ...shards } });

  const abort = new AbortController();
  let stopped = false;
  const sleep = (ms: number) =>
    delay(Math.max(0, ms), undefined, { signal: abort.signal }).catch(() => undefined);
  let wake: () => void = () => undefined;
  const running = new Map<string, Promise<void>>();

  const listShards = async (): Promise<Shard[]> => {
    const listed: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await opts.streams.send(
        new DescribeStreamCommand({ StreamArn: opts.streamArn, ExclusiveStartShardId: start }),
      );
      listed.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return listed;
  };

  const readerBase = (shardId: string) => ({
    streams: opts.streams,
    streamArn: opts.streamArn,
    shardId,
    region: opts.region,
    log,
  });

  /** LATEST for a new mapping: checkpoint every open shard at its current end, skip closed ones. */
  const skipToLatest = async (): Promise<void> => {
    for (const shard of await listShards()) {
      const shardId = shard.ShardId ?? "";
      if (shard.SequenceNumberRange?.EndingSequenceNumber) {
        shards[shardId] = { finished: true };
        continue;
      }
      const reader = createShardReader({ ...readerBase(shardId), after: () => undefined });
      let last: string | undefined;
      while ((await reader.read()) > 0) {
        last = reader.buffer.at(-1)?.dynamodb.SequenceNumber;
        reader.buffer.length = 0;
      }
      shards[shardId] = last ? { sequenceNumber: last } : {};
    }
    save();
  };

  /** The record's window, never one already closed on this shard (DynamoDB Local rounds times down). */
  const windowFor = (shardId: string, record: LambdaStreamRecord): TumblingWindow => {
    const checkpoint = shards[shardId] ?? {};
    const floor = Math.max(checkpoint.closedUntil ?? 0, checkpoint.window?.start ?? 0);
    return windowOf(Math.max(record.dynamodb.ApproximateCreationDateTime, floor), windowSize);
  };

  /** Gathers the next batch: up to BatchSize matching records, within the batching window and one tumbling window. */
  const collect = async (shardId: string, reader: ShardReader): Promise<Step> => {
    const records: LambdaStreamRecord[] = [];
    let last: string | undefined;
    let window: TumblingWindow | undefined;
    let deadline = Number.POSITIVE_INFINITY;
    const done = (): Step | undefined => {
      if (records.length > 0 && last) return { kind: "batch", records, last, ...(window ? { window } : {}) };
      return last ? { kind: "skip", last } : undefined;
    };
    while (!stopped) {
      while (reader.buffer.length > 0 && records.length < opts.batchSize) {
        const record = reader.buffer[0] as LambdaStreamRecord;
        const wanted = matches(record);
        if (windowSize > 0) {
          // A batch never spans two windows, and a window closes before a later one opens.
          const recordWindow = windowFor(shardId, record);
          const open = shards[shardId]?.window;
          if (window && recordWindow.start !== window.start) return done() as Step;
          if (open && recordWindow.start > open.start) return done() ?? { kind: "close-window" };
          if (wanted) window ??= recordWindow;
        }
        reader.buffer.shift();
        last = record.dynamodb.SequenceNumber;
        if (!wanted) continue;
        records.push(record);
        if (records.length === 1) deadline = Date.now() + opts.batchingWindowSeconds * 1000;
      }
      if (records.length >= opts.batchSize) return done() as Step;
      if (reader.buffer.length === 0 && reader.ended) {
        return done() ?? (shards[shardId]?.window ? { kind: "close-window" } : { kind: "finished" });
      }
      if (records.length > 0 && Date.now() >= deadline) return done() as Step;
      // Records the filter dropped are checkpointed page by page.
      if (records.length === 0 && last) return done() as Step;
      if ((await reader.read()) > 0 || reader.ended) continue;
      if (records.length > 0) {
        await sleep(Math.min(pollMs, deadline - Date.now()));
        continue;
      }
      const open = shards[shardId]?.window;
      if (open && Date.now() / 1000 >= open.start + windowSize + WINDOW_CLOSE_GRACE_SECONDS) {
        return { kind: "close-window" };
      }
      return { kind: "idle" };
    }
    return { kind: "idle" };
  };

  const policy: InvocationPolicy = {
    invoke: opts.invoke,
    tumbling: windowSize > 0,
    reportBatchItemFailures: opts.reportBatchItemFailures ?? false,
    maximumRetryAttempts: opts.maximumRetryAttempts,
    maximumRecordAgeSeconds: opts.maximumRecordAgeSeconds ?? -1,
    backoff: opts.retryBackoffMs ?? { first: 1000, max: 30_000 },
    sleep,
    isStopped: () => stopped,
    log,
  };

  const checkpoint = (shardId: string, next: ShardCheckpoint) => {
    shards[shardId] = next;
    save();
  };

  const deliver = async (shardId: string, step: Extract<Step, { kind: "batch" }>): Promise<void> => {
    const current = shards[shardId] ?? {};
    const first = step.records[0]?.dynamodb.SequenceNumber;
    const what = `batch of ${step.records.length} (${first}…${step.records.at(-1)?.dynamodb.SequenceNumber}) of ${shardId}`;
    const window = step.window;
    const state = window && current.window?.start === window.start ? current.window.state : {};
    const event = streamEvent(
      step.records,
      window ? { shardId, streamArn: opts.streamArn, window, state, final: false } : undefined,
    );
    const result = await invokeWithRetries(
      policy,
      what,
      event,
      step.records[0]?.dynamodb.ApproximateCreationDateTime,
    );
    if (result.kind === "stopped") return;
    if (result.kind === "gave-up") {
      const record = onFailureRecord({
        functionArn: opts.functionArn,
        streamArn: opts.streamArn,
        shardId,
        records: step.records,
        condition: result.condition,
        attempts: result.attempts,
        ...(result.functionError ? { functionError: result.functionError } : {}),
        requestId: randomUUID(),
        now: new Date(),
      });
      if (opts.onFailure) await opts.onFailure(record);
      log(
        `gave up on ${what} (${result.condition})${opts.onFailure ? "; sent to the on-failure destination" : ""}`,
      );
    }
    const { window: _open, ...rest } = current;
    const kept =
      result.kind === "done" && window ? { window: { start: window.start, state: result.state ?? {} } } : {};
    checkpoint(shardId, {
      ...rest,
      sequenceNumber: step.last,
      // A batch given up on leaves the window's state as it was.
      ...(result.kind === "done" ? kept : current.window ? { window: current.window } : {}),
    });
  };

  /** The final invocation of a window (empty Records, isFinalInvokeForWindow), then a fresh state. */
  const closeWindow = async (shardId: string): Promise<void> => {
    const current = shards[shardId] ?? {};
    const open = current.window;
    if (!open) return;
    const window = { start: open.start, end: open.start + windowSize };
    const event = streamEvent([], {
      shardId,
      streamArn: opts.streamArn,
      window,
      state: open.state,
      final: true,
    });
    const result = await invokeWithRetries(
      policy,
      `final invocation of window ${window.start} of ${shardId}`,
      event,
      undefined,
    );
    if (result.kind === "stopped") return;
    if (result.kind === "gave-up")
      log(`gave up on the final invocation of window ${window.start} of ${shardId}`);
    const { window: _closed, ...rest } = current;
    checkpoint(shardId, { ...rest, closedUntil: window.end });
  };

  const runShard = async (shardId: string): Promise<void> => {
    const reader = createShardReader({
      ...readerBase(shardId),
      after: () => shards[shardId]?.sequenceNumber,
    });
    while (!stopped) {
      try {
        const step = await collect(shardId, reader);
        if (step.kind === "batch") await deliver(shardId, step);
        else if (step.kind === "skip") checkpoint(shardId, { ...shards[shardId], sequenceNumber: step.last });
        else if (step.kind === "close-window") await closeWindow(shardId);
        else if (step.kind === "idle") await sleep(pollMs);
        else {
          checkpoint(shardId, { ...shards[shardId], finished: true });
          return;
        }
      } catch (error) {
        if (stopped) return;
        log(`reading ${shardId} failed: ${describeError(error)}`);
        // Start again from the checkpoint: nothing after it was acknowledged.
        reader.reset();
        await sleep(ERROR_BACKOFF_MS);
      }
    }
  };

  const scan = async (): Promise<void> => {
    let started = false;
    while (!stopped) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      try {
        if (!started && fresh && opts.startingPosition === "LATEST") await skipToLatest();
        started = true;
        const listed = (await listShards()).map(shardInfo);
        const present = new Set(listed.map((shard) => shard.shardId));
        for (const shardId of Object.keys(shards)) {
          if (!present.has(shardId) && !running.has(shardId)) delete shards[shardId];
        }
        const ready = readyShards(
          listed,
          (shardId) => shards[shardId]?.finished === true,
          (shardId) => running.has(shardId),
        );
        for (const shardId of ready) {
          const worker = runShard(shardId).finally(() => {
            running.delete(shardId);
            wake();
          });
          running.set(shardId, worker);
        }
      } catch (error) {
        if (!stopped) log(`DescribeStream failed: ${describeError(error)}`);
      }
      await Promise.race([sleep(describeMs), woken]);
    }
    await Promise.all(running.values());
  };

  const scanning = scan();
  return {
    async stop() {
      stopped = true;
      abort.abort();
      wake();
      await scanning;
    },
  };
}

// Execution records, and their persistence (one JSON file per STANDARD execution under dataDir).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isJsonObject, type Json, type JsonObject } from "./json";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
export type StateMachineType = "STANDARD" | "EXPRESS";

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** epoch milliseconds */
  timestamp: number;
  type: string;
  details?: JsonObject;
}

/** A task waiting for SendTaskSuccess/Failure, as needed to re-arm it after a restart. */
export interface PendingTask {
  stateName: string;
  token: string;
  resource: string;
  /** epoch ms; TimeoutSeconds counts from the first attempt start and is not extended by heartbeats */
  timeoutAt?: number;
  heartbeatSeconds?: number;
  /** epoch ms */
  heartbeatDeadline?: number;
  /** The request carrying the token went out (else a resume sends it again with the same token). */
  submitted?: boolean;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  type: StateMachineType;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** epoch ms */
  startDate: number;
  stopDate?: number;
  /** The top-level state the execution is in, with that state's raw input (where a restart resumes). */
  position?: { stateName: string; rawInput: Json };
  pending?: PendingTask;
  /** Tokens of tasks that closed: Send* on them answers TaskTimedOut, as AWS does. */
  closedTokens: string[];
  history: HistoryEvent[];
}

const MAX_HISTORY_EVENTS = 5_000;
const MAX_CLOSED_TOKENS = 200;

export function appendHistory(record: ExecutionRecord, type: string, details?: JsonObject): void {
  if (record.history.length >= MAX_HISTORY_EVENTS) return;
  const previous = record.history.at(-1);
  const id = (previous?.id ?? 0) + 1;
  record.history.push({ id, previousEventId: previous?.id ?? 0, timestamp: Date.now(), type, details });
}

export function rememberClosedToken(record: ExecutionRecord, token: string): void {
  record.closedTokens.push(token);
  if (record.closedTokens.length > MAX_CLOSED_TOKENS) record.closedTokens.shift();
}

function looksLikeRecord(value: unknown): value is ExecutionRecord {
  return (
    isJsonObject(value) &&
    typeof value.executionArn === "string" &&
    typeof value.stateMachineArn === "string" &&
    typeof value.status === "string" &&
    typeof value.startDate === "number" &&
    Array.isArray(value.history) &&
    Array.isArray(value.closedTokens)
  );
}

export class ExecutionStore {
  private readonly dir: string | undefined;
  private readonly log: (line: string) => void;
  private closed = false;

  constructor(dataDir: string | undefined, log: (line: string) => void) {
    this.log = log;
    if (dataDir === undefined) return;
    this.dir = join(resolve(dataDir), "executions");
    mkdirSync(this.dir, { recursive: true });
  }

  private fileOf(executionArn: string): string {
    const id = createHash("sha256").update(executionArn).digest("hex").slice(0, 40);
    return join(this.dir ?? "", `${id}.json`);
  }

  loadAll(): ExecutionRecord[] {
    const log = this.log;
    if (this.dir === undefined) return [];
    const records: ExecutionRecord[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith(".json")) continue;
      try {
        const value: unknown = JSON.parse(readFileSync(join(this.dir, file), "utf8"));
        if (looksLikeRecord(value)) records.push(value);
        else log(`stepfunctions: ignoring malformed execution file ${file}`);
      } catch (error) {
        log(`stepfunctions: cannot read execution file ${file}: ${String(error)}`);
      }
    }
    return records;
  }

  /**
   * Writes a STANDARD execution's record (write + rename: a crash never leaves half a file).
   * A failed write is logged, not thrown: it must not break the execution that is running.
   */
  save(record: ExecutionRecord): void {
    if (this.dir === undefined || this.closed || record.type !== "STANDARD") return;
    const file = this.fileOf(record.executionArn);
    const temporary = `${file}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(record));
      renameSync(temporary, file);
    } catch (error) {
      this.log(`stepfunctions: cannot save ${record.executionArn}: ${String(error)}`);
    }
  }

  /** After close() nothing is written any more: records stay as they were (RUNNING ones resume later). */
  close(): void {
    this.closed = true;
  }
}

// Execution records: what the service knows about each execution, as kept in memory and on disk.
import type { Json, JsonObject } from "./json";

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

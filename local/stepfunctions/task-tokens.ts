// The task-token registry: tasks waiting for SendTaskSuccess/Failure/Heartbeat, their TimeoutSeconds and
// HeartbeatSeconds clocks, and the tokens that closed (Send* on them answers TaskTimedOut, as in AWS).
import { SfnServiceError, statesTimeoutError, TaskError } from "./errors";
import { type ParsedResource, resourceDetails } from "./integrations";
import { type Json, tryParseJson } from "./json";
import { appendHistory, type ExecutionRecord, rememberClosedToken } from "./records";
import type { Run } from "./run";
import type { ExecutionStore } from "./store";
import { timerAt } from "./timers";

/** A task waiting for its token; `resolve`/`reject` settle the library's pending task. */
export interface Waiter {
  token: string;
  run: Run;
  resource: ParsedResource;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
  heartbeatSeconds?: number;
  cancelTimeout?: () => void;
  cancelHeartbeat?: () => void;
}

const invalidToken = () => new SfnServiceError("InvalidToken", "Invalid Token: 'Invalid token'");

export class TaskTokens {
  private readonly waiters = new Map<string, Waiter>();
  /** Closed token → its execution ARN (from the loaded records too, so a restart keeps answering TaskTimedOut). */
  private readonly closed = new Map<string, string>();

  constructor(private readonly store: ExecutionStore) {
    for (const record of store.values()) {
      for (const token of record.closedTokens) this.closed.set(token, record.executionArn);
    }
  }

  /** Whether the token's task still waits (false once it succeeded, failed, timed out or was stopped). */
  isOpen(token: string): boolean {
    return this.waiters.has(token);
  }

  add(waiter: Waiter): void {
    this.waiters.set(waiter.token, waiter);
  }

  async succeed(taskToken: string, output: string): Promise<void> {
    const waiter = this.open(taskToken);
    const parsed = typeof output === "string" ? tryParseJson(output) : undefined;
    if (parsed === undefined) throw new SfnServiceError("InvalidOutput", "Invalid Output: not valid JSON");
    appendHistory(waiter.run.record, "TaskSucceeded", { ...resourceDetails(waiter.resource), output });
    this.close(waiter);
    waiter.resolve(parsed.value);
  }

  async fail(taskToken: string, error?: string, cause?: string): Promise<void> {
    const waiter = this.open(taskToken);
    appendHistory(waiter.run.record, "TaskFailed", {
      ...resourceDetails(waiter.resource),
      error: error ?? null,
      cause: cause ?? null,
    });
    this.close(waiter);
    waiter.reject(new TaskError(error ?? "", cause ?? ""));
  }

  async heartbeat(taskToken: string): Promise<void> {
    const waiter = this.open(taskToken);
    if (waiter.heartbeatSeconds === undefined) return;
    // A heartbeat restarts only the heartbeat clock; TimeoutSeconds keeps counting (as in AWS).
    const deadline = Date.now() + waiter.heartbeatSeconds * 1000;
    this.armHeartbeat(waiter, deadline);
    const pending = waiter.run.record.pending;
    if (pending?.token === waiter.token) {
      pending.heartbeatDeadline = deadline;
      this.store.save(waiter.run.record);
    }
  }

  /** TimeoutSeconds: at `at` the task fails with States.Timeout (counted from the attempt's start). */
  armTimeout(waiter: Waiter, at: number): void {
    waiter.cancelTimeout = this.expireAt(waiter, at, "States.Timeout", () => {
      void statesTimeoutError().then(waiter.reject);
    });
  }

  /** HeartbeatSeconds: without a heartbeat before `deadline` the task fails with States.HeartbeatTimeout. */
  armHeartbeat(waiter: Waiter, deadline: number): void {
    waiter.cancelHeartbeat?.();
    waiter.cancelHeartbeat = this.expireAt(waiter, deadline, "States.HeartbeatTimeout", () => {
      waiter.reject(new TaskError("States.HeartbeatTimeout", "States.HeartbeatTimeout"));
    });
  }

  /** At `at`, unless the task ended first: a TaskTimedOut event named `error`, the token closed, then `fail`. */
  private expireAt(waiter: Waiter, at: number, error: string, fail: () => void): () => void {
    return timerAt(at, () => {
      if (!this.waiters.has(waiter.token)) return;
      appendHistory(waiter.run.record, "TaskTimedOut", {
        ...resourceDetails(waiter.resource),
        error,
        cause: null,
      });
      this.close(waiter);
      fail();
    });
  }

  /** The task ended (any way): its clocks stop, its token closes, and the record forgets it is pending. */
  close(waiter: Waiter): void {
    waiter.cancelTimeout?.();
    waiter.cancelHeartbeat?.();
    this.waiters.delete(waiter.token);
    const record = waiter.run.record;
    this.markClosed(record, waiter.token);
    if (record.pending?.token === waiter.token) record.pending = undefined;
    this.store.save(record);
  }

  /** A token that will never be waited on again (e.g. a pending task an execution no longer resumes). */
  markClosed(record: ExecutionRecord, token: string): void {
    this.closed.set(token, record.executionArn);
    rememberClosedToken(record, token);
  }

  /** The execution ended while its tasks waited: close them and settle the library's pending tasks. */
  closeRun(run: Run): void {
    for (const waiter of [...this.waiters.values()]) {
      if (waiter.run !== run) continue;
      this.close(waiter);
      // Settle the library's pending task too: it clears its own task timer (the SLA, up to hours)
      // only then, and the run is aborted, so it acts on nothing after this.
      waiter.reject(new Error("the execution ended while the task waited for its token"));
    }
  }

  /**
   * The service closes: stop every clock and forget the waiters without closing their tokens (RUNNING
   * executions resume with them). Returns the waiters, for the caller to settle after aborting the runs.
   */
  detachAll(): Waiter[] {
    const waiting = [...this.waiters.values()];
    for (const waiter of waiting) {
      waiter.cancelTimeout?.();
      waiter.cancelHeartbeat?.();
    }
    this.waiters.clear();
    return waiting;
  }

  /** The waiter Send* may act on, or the AWS error telling why there is none. */
  private open(taskToken: string): Waiter {
    if (typeof taskToken !== "string" || taskToken.length === 0 || taskToken.length > 2048) {
      throw invalidToken();
    }
    const waiter = this.waiters.get(taskToken);
    if (waiter !== undefined) return waiter;
    if (this.closed.has(taskToken)) {
      throw new SfnServiceError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }
    for (const record of this.store.values()) {
      if (record.status === "RUNNING" && record.pending?.token === taskToken) {
        throw new SfnServiceError(
          "TaskDoesNotExist",
          "Task Does Not Exist: the execution holding this token has not been resumed (call resumePending())",
        );
      }
    }
    throw invalidToken();
  }
}

// The execution runner: runs an execution on aws-local-stepfunctions (from the start, or from the
// top-level state a restart left it in), records the library's events as history, enforces the
// execution's TimeoutSeconds, and settles the record when the run ends.
import { ExecutionError, type StateMachine } from "aws-local-stepfunctions";
import { EXECUTION_CONTEXT_KEY, startingAt } from "./definition";
import { type Json, type JsonObject, tryParseJson } from "./json";
import { type MachineEntry, type MachineRegistry, unvalidatedMachine } from "./machines";
import { appendHistory, type ExecutionRecord, type ExecutionStatus, type PendingTask } from "./records";
import { newRun, type Run } from "./run";
import type { ExecutionStore } from "./store";
import type { TaskTokens } from "./task-tokens";
import { type TaskDispatcher, TOKEN_PLACEHOLDER } from "./tasks";
import { timerAt } from "./timers";

/** AWS limits Express executions to five minutes. */
const EXPRESS_MAX_SECONDS = 300;
const RESUME_ARM_TIMEOUT_MS = 5_000;

type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;
type LocalHandler = (input: Json) => Promise<Json>;
type Outcome = {
  status: Exclude<ExecutionStatus, "RUNNING">;
  output?: string;
  error?: string;
  cause?: string;
};

/** The library's failure → AWS error/cause. A Fail state without Error/Cause reports none, as in AWS. */
function failureOf(error: unknown): { error?: string; cause?: string } {
  const inner = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (!(inner instanceof Error)) return { error: "States.Runtime", cause: String(inner) };
  if (inner.name === "FailStateError") {
    return {
      cause: inner.message === "Execution failed because of a Fail state" ? undefined : inner.message,
    };
  }
  return { error: inner.name, cause: inner.message };
}

export interface ExecutionRunnerDeps {
  store: ExecutionStore;
  machines: MachineRegistry;
  tokens: TaskTokens;
  tasks: TaskDispatcher;
  log: (line: string) => void;
}

export class ExecutionRunner {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly deps: ExecutionRunnerDeps) {}

  isRunning(executionArn: string): boolean {
    return this.runs.has(executionArn);
  }

  /** Resolves when the execution's run has ended (at once when it is not running here). */
  async finished(executionArn: string): Promise<void> {
    await this.runs.get(executionArn)?.done;
  }

  start(record: ExecutionRecord, machine: MachineEntry, executionInput: Json): void {
    this.launch(record, machine, executionInput);
  }

  /** StopExecution: ABORTED with error/cause; its tokens close. */
  stop(record: ExecutionRecord, error?: string, cause?: string): void {
    const run = this.runs.get(record.executionArn);
    if (run !== undefined) {
      this.complete(run, { status: "ABORTED", error, cause });
      return;
    }
    // RUNNING on disk but not resumed (yet): close it directly.
    if (record.pending !== undefined) this.deps.tokens.markClosed(record, record.pending.token);
    this.settle(record, { status: "ABORTED", error, cause });
  }

  /** Re-runs every RUNNING STANDARD execution of the store that is not running yet; see local/README.md. */
  async resumePending(): Promise<number> {
    const { store, machines, tokens, log } = this.deps;
    const armed: Promise<void>[] = [];
    for (const record of store.values()) {
      if (record.status !== "RUNNING" || record.type !== "STANDARD" || this.runs.has(record.executionArn))
        continue;
      const machine = machines.get(record.stateMachineArn);
      if (machine === undefined) {
        log(`stepfunctions: cannot resume ${record.executionArn}: state machine not registered`);
        continue;
      }
      const parsed = tryParseJson(record.input);
      const position = record.position;
      const at =
        position !== undefined && machine.prepared.topLevelStates.has(position.stateName)
          ? position
          : undefined;
      const pending =
        at !== undefined && record.pending?.stateName === at.stateName ? record.pending : undefined;
      if (record.pending !== undefined && pending === undefined) {
        tokens.markClosed(record, record.pending.token);
        record.pending = undefined;
      }
      const run = this.launch(record, machine, parsed?.value ?? {}, at && { ...at, pending });
      armed.push(run.armed);
      log(`stepfunctions: resumed ${record.executionArn} at ${at?.stateName ?? "the start"}`);
    }
    // Return once held tokens accept Send* again (bounded, in case a run never reaches its task).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(armed),
      new Promise((r) => (timer = setTimeout(r, RESUME_ARM_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    return armed.length;
  }

  /** The service closes: stop listening to every run without settling it (RUNNING stays RUNNING). */
  abortAll(): void {
    for (const run of this.runs.values()) {
      run.aborted = true;
      run.finished = true;
      run.cancelTimeout?.();
      run.abortLibrary();
      run.markDone();
    }
    this.runs.clear();
  }

  private launch(
    record: ExecutionRecord,
    machine: MachineEntry,
    executionInput: Json,
    from?: { stateName: string; rawInput: Json; pending?: PendingTask },
  ): Run {
    const run = newRun(record, machine, from?.pending);
    this.runs.set(record.executionArn, run);

    const library =
      from === undefined
        ? machine.library
        : unvalidatedMachine(startingAt(machine.prepared.definition, from.stateName));
    const handlers: Record<string, LocalHandler> = {};
    for (const name of machine.prepared.tasks.keys())
      handlers[name] = (input) => this.deps.tasks.run(run, name, input);
    const context = {
      Task: { Token: TOKEN_PLACEHOLDER },
      [EXECUTION_CONTEXT_KEY]: {
        Id: record.executionArn,
        Name: record.name,
        Input: executionInput,
        StartTime: new Date(record.startDate).toISOString(),
        RoleArn: machine.roleArn,
        RedriveCount: 0,
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
    };
    const handle = library.run(from === undefined ? executionInput : from.rawInput, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context,
    });
    run.abortLibrary = handle.abort;
    const eventsDrained = this.consumeEvents(run, handle.eventLogs);
    // The library settles the result before its last events reach us; record them before completing.
    handle.result
      .then(
        async (output) => {
          await eventsDrained;
          if (!run.aborted)
            this.complete(run, { status: "SUCCEEDED", output: JSON.stringify(output ?? null) });
        },
        async (error: unknown) => {
          await eventsDrained;
          if (!run.aborted) this.complete(run, { status: "FAILED", ...failureOf(error) });
        },
      )
      .catch((error: unknown) => this.deps.log(`stepfunctions: ${record.executionArn}: ${String(error)}`));

    const timeoutSeconds =
      machine.prepared.executionTimeoutSeconds ??
      (machine.type === "EXPRESS" ? EXPRESS_MAX_SECONDS : undefined);
    if (timeoutSeconds !== undefined) {
      run.cancelTimeout = timerAt(record.startDate + timeoutSeconds * 1000, () =>
        this.complete(run, {
          status: "TIMED_OUT",
          error: "States.Timeout",
          cause: `The execution ran longer than its TimeoutSeconds (${timeoutSeconds})`,
        }),
      );
    }
    return run;
  }

  private async consumeEvents(run: Run, events: AsyncGenerator<EventLog>): Promise<void> {
    const { record, machine } = run;
    for await (const event of events) {
      if (run.aborted || run.finished) continue;
      if (event.type === "StateEntered") {
        const { name, type, input } = event.state;
        run.lastEntered.set(name, input);
        appendHistory(record, `${type}StateEntered`, { name, input: JSON.stringify(input) });
        if (machine.prepared.topLevelStates.has(name) && event.index === undefined) {
          record.position = { stateName: name, rawInput: input };
          this.deps.store.save(record);
        }
      } else if (event.type === "StateExited") {
        const { name, type, output } = event.state;
        appendHistory(record, `${type}StateExited`, { name, output: JSON.stringify(output ?? null) });
      } else if (
        event.type === "MapIterationStarted" ||
        event.type === "MapIterationSucceeded" ||
        event.type === "MapIterationFailed"
      ) {
        appendHistory(record, event.type, { name: event.parentState.name, index: event.index });
      }
    }
  }

  private complete(run: Run, outcome: Outcome): void {
    if (run.finished) return;
    run.finished = true;
    if (outcome.status !== "SUCCEEDED" && outcome.status !== "FAILED") {
      // Stopped or timed out from outside: the library may still be inside a state.
      run.aborted = true;
      run.abortLibrary();
    }
    run.cancelTimeout?.();
    this.deps.tokens.closeRun(run);
    this.runs.delete(run.record.executionArn);
    this.settle(run.record, outcome);
    run.markArmed();
    run.markDone();
  }

  private settle(record: ExecutionRecord, outcome: Outcome): void {
    record.status = outcome.status;
    record.stopDate = Date.now();
    record.output = outcome.output;
    record.error = outcome.error;
    record.cause = outcome.cause;
    record.position = undefined;
    record.pending = undefined;
    const details: JsonObject =
      outcome.status === "SUCCEEDED"
        ? { output: outcome.output ?? null }
        : { error: outcome.error ?? null, cause: outcome.cause ?? null };
    const eventType = {
      SUCCEEDED: "ExecutionSucceeded",
      FAILED: "ExecutionFailed",
      TIMED_OUT: "ExecutionTimedOut",
      ABORTED: "ExecutionAborted",
    }[outcome.status];
    appendHistory(record, eventType, details);
    this.deps.store.save(record);
    this.deps.log(
      `stepfunctions: ${record.executionArn} ${outcome.status}${outcome.error ? ` (${outcome.error})` : ""}`,
    );
  }
}

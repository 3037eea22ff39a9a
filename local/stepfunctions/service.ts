// Local Step Functions: runs the ASL that CDK synthesizes on aws-local-stepfunctions, and adds what that
// library lacks: the execution lifecycle (names, idempotent starts, status, history, stop, timeouts),
// service integrations, task tokens with TimeoutSeconds/HeartbeatSeconds, and persistence with resume.
//
// Every Task state is overridden by name (taskResourceLocalHandlers). The override receives the state's
// input after InputPath and Parameters; what it returns goes through ResultSelector/ResultPath/OutputPath;
// what it throws is matched by Retry/Catch through the error's `name` (see ./errors).
import { randomBytes, randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { ExecutionError, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { startApiServer } from "./api";
import {
  EXECUTION_CONTEXT_KEY,
  type PreparedDefinition,
  prepareDefinition,
  startingAt,
  type TaskSpec,
} from "./definition";
import { SfnServiceError, StatesRuntimeFailure, statesTimeoutError, TaskError } from "./errors";
import {
  callIntegration,
  dispatchForToken,
  type ExecutionSummary,
  type IntegrationEnv,
  type ParsedResource,
  parseResource,
  unsupportedReason,
} from "./integrations";
import {
  containsString,
  evaluateReferencePath,
  type Json,
  type JsonObject,
  replaceInStrings,
  tryParseJson,
} from "./json";
import {
  appendHistory,
  type ExecutionRecord,
  type ExecutionStatus,
  ExecutionStore,
  type HistoryEvent,
  type PendingTask,
  rememberClosedToken,
  type StateMachineType,
} from "./store";

export type { ExecutionStatus, HistoryEvent, StateMachineType };
export { SfnServiceError };

export interface StepFunctionsDeps {
  region: string;
  accountId: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Rejects with an Error whose `name` is the Lambda errorType and `message` the errorMessage. */
  invokeFunction(functionArnOrName: string, payload: unknown): Promise<unknown>;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  /** Persist STANDARD executions and pending task tokens here when set. */
  dataDir?: string;
  log?: (line: string) => void;
}

export interface StateMachineRegistration {
  arn: string;
  name: string;
  type: "STANDARD" | "EXPRESS";
  definition: object;
  roleArn?: string;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  input?: string;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveStatus: "NOT_REDRIVABLE";
}

export interface SyncExecutionResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: "SUCCEEDED" | "FAILED" | "TIMED_OUT";
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate: Date;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  type: StateMachineType;
  status: "ACTIVE";
  definition: string;
  roleArn: string;
  creationDate: Date;
}

export interface Listener {
  endpoint: string;
  stop(): Promise<void>;
}

export interface StepFunctionsService {
  registerStateMachine(sm: StateMachineRegistration): void;
  startExecution(input: StartExecutionInput): Promise<{ executionArn: string; startDate: Date }>;
  /** EXPRESS only (StateMachineTypeNotSupported otherwise); resolves when the execution ends. */
  startSyncExecution(input: StartExecutionInput): Promise<SyncExecutionResult>;
  describeExecution(executionArn: string): Promise<ExecutionDescription>;
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void>;
  sendTaskHeartbeat(taskToken: string): Promise<void>;
  stopExecution(executionArn: string, error?: string, cause?: string): Promise<void>;
  listExecutions(
    stateMachineArn: string,
    statusFilter?: string,
  ): Promise<{ executions: ExecutionListItem[] }>;
  listStateMachines(): Promise<{
    stateMachines: Omit<StateMachineDescription, "definition" | "roleArn" | "status">[];
  }>;
  describeStateMachine(stateMachineArn: string): Promise<StateMachineDescription>;
  getExecutionHistory(executionArn: string, reverseOrder?: boolean): Promise<{ events: HistoryEvent[] }>;
  /** After a restart: resumes the RUNNING STANDARD executions of dataDir (see local/README.md); returns how many. */
  resumePending(): Promise<number>;
  /** AWS JSON 1.0 protocol server (127.0.0.1 unless told otherwise). */
  listen(opts: { port?: number; host?: string }): Promise<Listener>;
  /** Stops timers and runs without marking executions failed, so a later resumePending() continues them. */
  close(): Promise<void>;
}

/** `$$.Task.Token` resolves to this; each attempt substitutes its own token before sending. */
const TOKEN_PLACEHOLDER = "__local_sfn_task_token_placeholder__";
/** AWS limits Express executions to five minutes. */
const EXPRESS_MAX_SECONDS = 300;
const MAX_EXPRESS_RECORDS = 1_000;
const MAX_TIMER_MS = 2_000_000_000;
const RESUME_ARM_TIMEOUT_MS = 5_000;
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** AWS execution names: 1-80 characters, no whitespace, brackets, wildcards, punctuation or control characters. */
function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) return false;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;
type LocalHandler = (input: Json) => Promise<Json>;

interface MachineEntry {
  arn: string;
  name: string;
  type: StateMachineType;
  roleArn: string;
  definitionText: string;
  creationDate: Date;
  prepared: PreparedDefinition;
  library: StateMachine;
}

interface Run {
  record: ExecutionRecord;
  machine: MachineEntry;
  /** Set when we stop listening to the library (stop, timeout, close): ignore whatever it does next. */
  aborted: boolean;
  finished: boolean;
  abortLibrary: () => void;
  lastEntered: Map<string, Json>;
  /** A token task to re-arm instead of sending a new request (first attempt of a resumed run). */
  resume?: PendingTask;
  /** Resolves once `resume` is re-armed (or the run ended): resumePending() waits for it. */
  armed: Promise<void>;
  markArmed: () => void;
  done: Promise<void>;
  markDone: () => void;
  cancelTimeout?: () => void;
}

interface Waiter {
  token: string;
  run: Run;
  spec: TaskSpec;
  resource: ParsedResource;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
  heartbeatSeconds?: number;
  cancelTimeout?: () => void;
  cancelHeartbeat?: () => void;
}

/** setTimeout for any distance (Node caps single timers at ~24.8 days); returns a cancel function. */
function timerAt(at: number, fire: () => void): () => void {
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const wait = at - Date.now();
    if (wait <= 0) {
      handle = undefined;
      fire();
      return;
    }
    handle = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
  };
  handle = setTimeout(arm, Math.max(0, Math.min(at - Date.now(), MAX_TIMER_MS)));
  return () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  };
}

const validationCache = new Map<string, string | undefined>();

/** asl-validator compiles its schema on every call (~300 ms), so each distinct definition is checked once. */
function validationProblem(definition: JsonObject): string | undefined {
  const key = JSON.stringify(definition);
  if (validationCache.has(key)) return validationCache.get(key);
  let problem: string | undefined;
  try {
    // A copy: the validator annotates the definition it is given.
    new StateMachine(JSON.parse(key) as StateMachineDefinition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  validationCache.set(key, problem);
  return problem;
}

/**
 * What a task of an aborted run answers: a rejection the library ignores (it stops before the next
 * state once aborted). Never a promise that stays pending: the library's own task timer (60 s by
 * default) is cleared only when the task settles, and would keep the process alive.
 */
function abortedTask(): Promise<never> {
  return Promise.reject(new Error("the execution was stopped"));
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolveTick) => setImmediate(resolveTick));
}

function newTaskToken(): string {
  // Opaque, URL-safe, 86 characters (AWS allows up to 2,048).
  return `AQ${randomBytes(63).toString("base64url")}`;
}

function resourceDetails(resource: ParsedResource): JsonObject {
  const suffix = { request: "", token: ".waitForTaskToken", sync: ".sync", sync2: ".sync:2" }[
    resource.pattern
  ];
  return {
    resourceType: resource.sdk ? `aws-sdk:${resource.service}` : resource.service,
    resource: `${resource.action}${suffix}`,
  };
}

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

class LocalStepFunctions implements StepFunctionsService {
  private readonly machines = new Map<string, MachineEntry>();
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly runs = new Map<string, Run>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly closedTokens = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private readonly expressOrder: string[] = [];
  private readonly store: ExecutionStore;
  private readonly log: (line: string) => void;
  private sqsClient: SQSClient | undefined;
  private dynamodbClient: DynamoDBClient | undefined;
  private closed = false;

  constructor(private readonly deps: StepFunctionsDeps) {
    this.log = deps.log ?? (() => {});
    this.store = new ExecutionStore(deps.dataDir, this.log);
    for (const record of this.store.loadAll()) {
      this.records.set(record.executionArn, record);
      for (const token of record.closedTokens) this.closedTokens.set(token, record.executionArn);
    }
    // Borrow the library's timeout error class now so timers need not wait for it later.
    void statesTimeoutError();
  }

  // ---- state machines -------------------------------------------------------------------------

  registerStateMachine(sm: StateMachineRegistration): void {
    const prepared = prepareDefinition(sm.definition);
    const definition = prepared.definition as unknown as StateMachineDefinition;
    const problem = validationProblem(prepared.definition);
    // asl-validator can lag behind AWS: run anyway, but say so.
    if (problem !== undefined) this.log(`stepfunctions: ${sm.name}: definition did not validate: ${problem}`);
    const library = new StateMachine(definition, { validationOptions: { noValidate: true } });
    for (const spec of prepared.tasks.values()) {
      const reason = unsupportedReason(parseResource(spec.resource), spec.resource);
      if (reason !== undefined) this.log(`stepfunctions: ${sm.name}: state '${spec.name}': ${reason}`);
    }
    this.machines.set(sm.arn, {
      arn: sm.arn,
      name: sm.name,
      type: sm.type,
      roleArn: sm.roleArn ?? `arn:aws:iam::${this.deps.accountId}:role/${sm.name}-role`,
      definitionText: JSON.stringify(sm.definition),
      creationDate: new Date(),
      prepared,
      library,
    });
  }

  private machineOrThrow(stateMachineArn: string): MachineEntry {
    const machine = this.machines.get(stateMachineArn);
    if (machine === undefined) {
      throw new SfnServiceError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    return machine;
  }

  private recordOrThrow(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (record === undefined) {
      throw new SfnServiceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    }
    return record;
  }

  async listStateMachines(): Promise<{
    stateMachines: Omit<StateMachineDescription, "definition" | "roleArn" | "status">[];
  }> {
    return {
      stateMachines: [...this.machines.values()].map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: m.creationDate,
      })),
    };
  }

  async describeStateMachine(stateMachineArn: string): Promise<StateMachineDescription> {
    const m = this.machineOrThrow(stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      type: m.type,
      status: "ACTIVE",
      definition: m.definitionText,
      roleArn: m.roleArn,
      creationDate: m.creationDate,
    };
  }

  // ---- executions -----------------------------------------------------------------------------

  async startExecution(input: StartExecutionInput): Promise<{ executionArn: string; startDate: Date }> {
    this.assertOpen();
    const machine = this.machineOrThrow(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!isValidExecutionName(name)) throw new SfnServiceError("InvalidName", `Invalid Name: '${name}'`);
    const inputText = input.input ?? "{}";
    const parsed = tryParseJson(inputText);
    if (parsed === undefined) {
      throw new SfnServiceError(
        "InvalidExecutionInput",
        "Invalid State Machine Execution Input: not valid JSON",
      );
    }
    const executionArn =
      machine.type === "STANDARD"
        ? `${machine.arn.replace(":stateMachine:", ":execution:")}:${name}`
        : `${machine.arn.replace(":stateMachine:", ":express:")}:${name}:${randomUUID()}`;
    const existing = this.records.get(executionArn);
    if (existing !== undefined) {
      // AWS: same name and input while still running → the same execution; otherwise a conflict.
      if (existing.status === "RUNNING" && existing.input === inputText) {
        return { executionArn, startDate: new Date(existing.startDate) };
      }
      throw new SfnServiceError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      name,
      type: machine.type,
      status: "RUNNING",
      input: inputText,
      startDate: Date.now(),
      closedTokens: [],
      history: [],
    };
    appendHistory(record, "ExecutionStarted", { input: inputText, roleArn: machine.roleArn });
    this.records.set(executionArn, record);
    if (record.type === "EXPRESS") this.rememberExpress(executionArn);
    this.store.save(record);
    this.launch(record, machine, parsed.value);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  async startSyncExecution(input: StartExecutionInput): Promise<SyncExecutionResult> {
    const machine = this.machineOrThrow(input.stateMachineArn);
    if (machine.type !== "EXPRESS") {
      throw new SfnServiceError(
        "StateMachineTypeNotSupported",
        "This operation is not supported by this type of state machine (StartSyncExecution needs EXPRESS)",
      );
    }
    const { executionArn } = await this.startExecution(input);
    await this.runs.get(executionArn)?.done;
    const record = this.recordOrThrow(executionArn);
    const status = record.status;
    const finished = status === "SUCCEEDED" || status === "FAILED" || status === "TIMED_OUT";
    return {
      executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: finished ? status : "FAILED",
      input: record.input,
      output: record.output,
      error: finished ? record.error : "States.Runtime",
      cause: finished ? record.cause : "the local Step Functions service was closed during the execution",
      startDate: new Date(record.startDate),
      stopDate: new Date(record.stopDate ?? Date.now()),
    };
  }

  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    const r = this.recordOrThrow(executionArn);
    return {
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: new Date(r.startDate),
      stopDate: r.stopDate === undefined ? undefined : new Date(r.stopDate),
      input: r.input,
      inputDetails: { included: true },
      output: r.output,
      outputDetails: r.output === undefined ? undefined : { included: true },
      error: r.error,
      cause: r.cause,
      redriveCount: 0,
      redriveStatus: "NOT_REDRIVABLE",
    };
  }

  async listExecutions(
    stateMachineArn: string,
    statusFilter?: string,
  ): Promise<{ executions: ExecutionListItem[] }> {
    this.machineOrThrow(stateMachineArn);
    const executions = [...this.records.values()]
      .filter((r) => r.stateMachineArn === stateMachineArn)
      .filter((r) => statusFilter === undefined || r.status === statusFilter)
      .sort((a, b) => b.startDate - a.startDate)
      .map((r) => ({
        executionArn: r.executionArn,
        stateMachineArn: r.stateMachineArn,
        name: r.name,
        status: r.status,
        startDate: new Date(r.startDate),
        stopDate: r.stopDate === undefined ? undefined : new Date(r.stopDate),
      }));
    return { executions };
  }

  async getExecutionHistory(executionArn: string, reverseOrder = false): Promise<{ events: HistoryEvent[] }> {
    const events = [...this.recordOrThrow(executionArn).history];
    return { events: reverseOrder ? events.reverse() : events };
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<void> {
    const record = this.recordOrThrow(executionArn);
    if (record.status !== "RUNNING") return;
    const run = this.runs.get(executionArn);
    if (run !== undefined) {
      this.complete(run, { status: "ABORTED", error, cause });
      return;
    }
    // RUNNING on disk but not resumed (yet): close it directly.
    if (record.pending !== undefined) this.markTokenClosed(record, record.pending.token);
    this.settleRecord(record, { status: "ABORTED", error, cause });
  }

  async resumePending(): Promise<number> {
    this.assertOpen();
    const armed: Promise<void>[] = [];
    for (const record of this.records.values()) {
      if (record.status !== "RUNNING" || record.type !== "STANDARD" || this.runs.has(record.executionArn))
        continue;
      const machine = this.machines.get(record.stateMachineArn);
      if (machine === undefined) {
        this.log(`stepfunctions: cannot resume ${record.executionArn}: state machine not registered`);
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
        this.markTokenClosed(record, record.pending.token);
        record.pending = undefined;
      }
      const run = this.launch(record, machine, parsed?.value ?? {}, at && { ...at, pending });
      armed.push(run.armed);
      this.log(`stepfunctions: resumed ${record.executionArn} at ${at?.stateName ?? "the start"}`);
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

  // ---- task tokens ----------------------------------------------------------------------------

  private openWaiter(taskToken: string): Waiter {
    if (typeof taskToken !== "string" || taskToken.length === 0 || taskToken.length > 2048) {
      throw new SfnServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
    }
    const waiter = this.waiters.get(taskToken);
    if (waiter !== undefined) return waiter;
    if (this.closedTokens.has(taskToken)) {
      throw new SfnServiceError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }
    for (const record of this.records.values()) {
      if (record.status === "RUNNING" && record.pending?.token === taskToken) {
        throw new SfnServiceError(
          "TaskDoesNotExist",
          "Task Does Not Exist: the execution holding this token has not been resumed (call resumePending())",
        );
      }
    }
    throw new SfnServiceError("InvalidToken", "Invalid Token: 'Invalid token'");
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const waiter = this.openWaiter(taskToken);
    const parsed = typeof output === "string" ? tryParseJson(output) : undefined;
    if (parsed === undefined) throw new SfnServiceError("InvalidOutput", "Invalid Output: not valid JSON");
    appendHistory(waiter.run.record, "TaskSucceeded", { ...resourceDetails(waiter.resource), output });
    this.closeWaiter(waiter);
    waiter.resolve(parsed.value);
  }

  async sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    const waiter = this.openWaiter(taskToken);
    appendHistory(waiter.run.record, "TaskFailed", {
      ...resourceDetails(waiter.resource),
      error: error ?? null,
      cause: cause ?? null,
    });
    this.closeWaiter(waiter);
    waiter.reject(new TaskError(error ?? "", cause ?? ""));
  }

  async sendTaskHeartbeat(taskToken: string): Promise<void> {
    const waiter = this.openWaiter(taskToken);
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

  private armHeartbeat(waiter: Waiter, deadline: number): void {
    waiter.cancelHeartbeat?.();
    waiter.cancelHeartbeat = timerAt(deadline, () => {
      if (!this.waiters.has(waiter.token)) return;
      appendHistory(waiter.run.record, "TaskTimedOut", {
        ...resourceDetails(waiter.resource),
        error: "States.HeartbeatTimeout",
        cause: null,
      });
      this.closeWaiter(waiter);
      waiter.reject(new TaskError("States.HeartbeatTimeout", "States.HeartbeatTimeout"));
    });
  }

  private markTokenClosed(record: ExecutionRecord, token: string): void {
    this.closedTokens.set(token, record.executionArn);
    rememberClosedToken(record, token);
  }

  private closeWaiter(waiter: Waiter): void {
    waiter.cancelTimeout?.();
    waiter.cancelHeartbeat?.();
    this.waiters.delete(waiter.token);
    const record = waiter.run.record;
    this.markTokenClosed(record, waiter.token);
    if (record.pending?.token === waiter.token) record.pending = undefined;
    this.store.save(record);
  }

  // ---- running ----------------------------------------------------------------------------------

  private launch(
    record: ExecutionRecord,
    machine: MachineEntry,
    executionInput: Json,
    from?: { stateName: string; rawInput: Json; pending?: PendingTask },
  ): Run {
    let markDone = (): void => {};
    const done = new Promise<void>((resolveDone) => {
      markDone = resolveDone;
    });
    let markArmed = (): void => {};
    const armed = new Promise<void>((resolveArmed) => {
      markArmed = resolveArmed;
    });
    if (from?.pending === undefined) markArmed();
    const run: Run = {
      record,
      machine,
      aborted: false,
      finished: false,
      abortLibrary: () => {},
      lastEntered: new Map(),
      resume: from?.pending,
      armed,
      markArmed,
      done,
      markDone,
    };
    this.runs.set(record.executionArn, run);

    const library =
      from === undefined
        ? machine.library
        : new StateMachine(
            startingAt(machine.prepared.definition, from.stateName) as unknown as StateMachineDefinition,
            {
              validationOptions: { noValidate: true },
            },
          );
    const handlers: Record<string, LocalHandler> = {};
    for (const name of machine.prepared.tasks.keys())
      handlers[name] = (input) => this.runTask(run, name, input);
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
      .catch((error: unknown) => this.log(`stepfunctions: ${record.executionArn}: ${String(error)}`));

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
          this.store.save(record);
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

  private complete(
    run: Run,
    outcome: { status: Exclude<ExecutionStatus, "RUNNING">; output?: string; error?: string; cause?: string },
  ): void {
    if (run.finished) return;
    run.finished = true;
    if (outcome.status !== "SUCCEEDED" && outcome.status !== "FAILED") {
      // Stopped or timed out from outside: the library may still be inside a state.
      run.aborted = true;
      run.abortLibrary();
    }
    run.cancelTimeout?.();
    for (const waiter of [...this.waiters.values()]) {
      if (waiter.run !== run) continue;
      this.closeWaiter(waiter);
      // Settle the library's pending task too: it clears its own task timer (the SLA, up to hours)
      // only then, and the run is aborted, so it acts on nothing after this.
      waiter.reject(new Error("the execution ended while the task waited for its token"));
    }
    this.runs.delete(run.record.executionArn);
    this.settleRecord(run.record, outcome);
    run.markArmed();
    run.markDone();
  }

  private settleRecord(
    record: ExecutionRecord,
    outcome: { status: Exclude<ExecutionStatus, "RUNNING">; output?: string; error?: string; cause?: string },
  ): void {
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
    this.store.save(record);
    this.log(
      `stepfunctions: ${record.executionArn} ${outcome.status}${outcome.error ? ` (${outcome.error})` : ""}`,
    );
  }

  private integrationEnv(): IntegrationEnv {
    return {
      invokeFunction: (functionArnOrName, payload) => this.deps.invokeFunction(functionArnOrName, payload),
      sqs: () => {
        this.sqsClient ??= new SQSClient({
          endpoint: this.deps.sqsEndpoint,
          region: this.deps.region,
          credentials: this.deps.credentials,
        });
        return this.sqsClient;
      },
      dynamodb: () => {
        this.dynamodbClient ??= new DynamoDBClient({
          endpoint: this.deps.dynamodbEndpoint,
          region: this.deps.region,
          credentials: this.deps.credentials,
        });
        return this.dynamodbClient;
      },
      startExecution: (input) => this.startExecution(input),
      waitForExecution: async (executionArn) => {
        await this.runs.get(executionArn)?.done;
        return this.summary(this.recordOrThrow(executionArn));
      },
      log: this.log,
    };
  }

  private summary(record: ExecutionRecord): ExecutionSummary {
    const { executionArn, stateMachineArn, name, status, input, output, error, cause, startDate, stopDate } =
      record;
    return { executionArn, stateMachineArn, name, status, input, output, error, cause, startDate, stopDate };
  }

  /** Reads TimeoutSecondsPath/HeartbeatSecondsPath from the state's raw input (else its effective input). */
  private secondsFromPath(path: string, rawInput: Json, input: Json, field: string): number {
    const value = evaluateReferencePath(path, rawInput) ?? evaluateReferencePath(path, input);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new StatesRuntimeFailure(`${field} '${path}' does not point to a positive integer`);
    }
    return value;
  }

  private async runTask(run: Run, stateName: string, input: Json): Promise<Json> {
    if (run.aborted) return abortedTask();
    // The library reports StateEntered (with the raw input) just before calling us; let it arrive.
    await nextMacrotask();
    if (run.aborted) return abortedTask();
    const spec = run.machine.prepared.tasks.get(stateName);
    if (spec === undefined) throw new StatesRuntimeFailure(`unknown Task state '${stateName}'`);
    const resource = parseResource(spec.resource);
    const reason = unsupportedReason(resource, spec.resource);
    if (resource === undefined || reason !== undefined) {
      throw new StatesRuntimeFailure(`${reason ?? spec.resource} (state '${stateName}')`);
    }
    if (run.machine.type === "EXPRESS" && resource.pattern !== "request") {
      throw new StatesRuntimeFailure(
        `state '${stateName}': EXPRESS state machines support request-response integrations only, not '${spec.resource}'`,
      );
    }
    const rawInput = run.lastEntered.get(stateName) ?? input;
    const timeoutSeconds =
      spec.timeoutSeconds ??
      (spec.timeoutSecondsPath === undefined
        ? undefined
        : this.secondsFromPath(spec.timeoutSecondsPath, rawInput, input, "TimeoutSecondsPath"));
    const heartbeatSeconds =
      spec.heartbeatSeconds ??
      (spec.heartbeatSecondsPath === undefined
        ? undefined
        : this.secondsFromPath(spec.heartbeatSecondsPath, rawInput, input, "HeartbeatSecondsPath"));
    if (resource.pattern === "token")
      return this.waitForToken(run, spec, resource, input, timeoutSeconds, heartbeatSeconds);
    return this.callTask(run, resource, input, timeoutSeconds);
  }

  private async callTask(
    run: Run,
    resource: ParsedResource,
    input: Json,
    timeoutSeconds?: number,
  ): Promise<Json> {
    const { record } = run;
    const lambda = resource.directLambda;
    if (lambda)
      appendHistory(record, "LambdaFunctionScheduled", {
        resource: resource.arn,
        input: JSON.stringify(input),
      });
    else {
      appendHistory(record, "TaskScheduled", {
        ...resourceDetails(resource),
        region: this.deps.region,
        parameters: JSON.stringify(input),
        timeoutInSeconds: timeoutSeconds ?? null,
      });
    }
    appendHistory(
      record,
      lambda ? "LambdaFunctionStarted" : "TaskStarted",
      lambda ? {} : resourceDetails(resource),
    );
    let cancelTimer = (): void => {};
    const timedOut = new Promise<never>((_, reject) => {
      if (timeoutSeconds === undefined) return;
      cancelTimer = timerAt(Date.now() + timeoutSeconds * 1000, () => {
        void statesTimeoutError().then(reject);
      });
    });
    timedOut.catch(() => {});
    try {
      const result = await Promise.race([callIntegration(resource, input, this.integrationEnv()), timedOut]);
      if (run.aborted) return abortedTask();
      appendHistory(record, lambda ? "LambdaFunctionSucceeded" : "TaskSucceeded", {
        ...(lambda ? {} : resourceDetails(resource)),
        output: JSON.stringify(result),
      });
      return result;
    } catch (error) {
      if (run.aborted) return abortedTask();
      const name = error instanceof Error ? error.name : "Error";
      const timeout = name === "States.Timeout";
      const type = lambda
        ? timeout
          ? "LambdaFunctionTimedOut"
          : "LambdaFunctionFailed"
        : timeout
          ? "TaskTimedOut"
          : "TaskFailed";
      appendHistory(record, type, {
        ...(lambda ? {} : resourceDetails(resource)),
        error: name,
        cause: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      cancelTimer();
    }
  }

  private async waitForToken(
    run: Run,
    spec: TaskSpec,
    resource: ParsedResource,
    input: Json,
    timeoutSeconds?: number,
    heartbeatSeconds?: number,
  ): Promise<Json> {
    const { record } = run;
    const resume = run.resume?.stateName === spec.name ? run.resume : undefined;
    run.resume = undefined;
    const now = Date.now();
    const token = resume?.token ?? newTaskToken();
    const timeoutAt = resume !== undefined ? resume.timeoutAt : timeoutSeconds && now + timeoutSeconds * 1000;
    const beatSeconds = resume !== undefined ? resume.heartbeatSeconds : heartbeatSeconds;
    const heartbeatDeadline =
      resume !== undefined ? resume.heartbeatDeadline : beatSeconds && now + beatSeconds * 1000;

    let waiter: Waiter | undefined;
    const result = new Promise<Json>((resolve, reject) => {
      waiter = { token, run, spec, resource, resolve, reject, heartbeatSeconds: beatSeconds };
    });
    // Handled later by the library; this only keeps Node from flagging an early rejection.
    result.catch(() => {});
    if (waiter === undefined) throw new StatesRuntimeFailure("internal: waiter not created");
    const active = waiter;
    this.waiters.set(token, active);
    if (resume !== undefined) run.markArmed();

    if (spec.topLevel && record.position?.stateName === spec.name) {
      record.pending = {
        stateName: spec.name,
        token,
        resource: spec.resource,
        timeoutAt: timeoutAt || undefined,
        heartbeatSeconds: beatSeconds || undefined,
        heartbeatDeadline: heartbeatDeadline || undefined,
        submitted: resume?.submitted,
      };
    }
    if (resume === undefined) {
      appendHistory(record, "TaskScheduled", {
        ...resourceDetails(resource),
        region: this.deps.region,
        parameters: JSON.stringify(input),
        timeoutInSeconds: timeoutSeconds ?? null,
        heartbeatInSeconds: heartbeatSeconds ?? null,
      });
      appendHistory(record, "TaskStarted", resourceDetails(resource));
    }
    this.store.save(record);

    if (timeoutAt) {
      active.cancelTimeout = timerAt(timeoutAt, () => {
        if (!this.waiters.has(token)) return;
        appendHistory(record, "TaskTimedOut", {
          ...resourceDetails(resource),
          error: "States.Timeout",
          cause: null,
        });
        this.closeWaiter(active);
        void statesTimeoutError().then(active.reject);
      });
    }
    if (heartbeatDeadline) this.armHeartbeat(active, heartbeatDeadline);

    // A resumed task whose request may not have gone out before the restart sends it again (same token).
    if (resume === undefined || resume.submitted !== true) {
      if (!containsString(input, TOKEN_PLACEHOLDER)) {
        this.log(
          `stepfunctions: state '${spec.name}' waits for a task token but its Parameters never pass $$.Task.Token`,
        );
      }
      try {
        await dispatchForToken(
          resource,
          replaceInStrings(input, TOKEN_PLACEHOLDER, token),
          this.integrationEnv(),
        );
        if (this.waiters.has(token)) {
          appendHistory(record, "TaskSubmitted", { ...resourceDetails(resource) });
          if (record.pending?.token === token) record.pending.submitted = true;
          this.store.save(record);
        }
      } catch (error) {
        if (run.aborted) return abortedTask();
        if (this.waiters.has(token)) {
          const failure = error instanceof Error ? error : new TaskError("Error", String(error));
          appendHistory(record, "TaskFailed", {
            ...resourceDetails(resource),
            error: failure.name,
            cause: failure.message,
          });
          this.closeWaiter(active);
          throw failure;
        }
      }
    }
    const value = await result;
    if (run.aborted) return abortedTask();
    return value;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** EXPRESS executions live in memory only; keep the most recent ones describable. */
  private rememberExpress(executionArn: string): void {
    this.expressOrder.push(executionArn);
    while (this.expressOrder.length > MAX_EXPRESS_RECORDS) {
      const oldest = this.expressOrder[0];
      if (oldest === undefined || this.records.get(oldest)?.status === "RUNNING") break;
      this.expressOrder.shift();
      this.records.delete(oldest);
    }
  }

  private assertOpen(): void {
    if (this.closed)
      throw new SfnServiceError("ServiceUnavailable", "the local Step Functions service is closed");
  }

  async listen(opts: { port?: number; host?: string }): Promise<Listener> {
    this.assertOpen();
    const server = await startApiServer(this, opts);
    const listener: Listener = {
      endpoint: server.endpoint,
      stop: async () => {
        this.listeners.delete(listener);
        await server.stop();
      },
    };
    this.listeners.add(listener);
    return listener;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Nothing is written from here on: RUNNING executions stay RUNNING on disk for resumePending().
    this.store.close();
    const waiting = [...this.waiters.values()];
    for (const waiter of waiting) {
      waiter.cancelTimeout?.();
      waiter.cancelHeartbeat?.();
    }
    this.waiters.clear();
    for (const run of this.runs.values()) {
      run.aborted = true;
      run.finished = true;
      run.cancelTimeout?.();
      run.abortLibrary();
      run.markDone();
    }
    this.runs.clear();
    // Settle the token waits after the aborts: aws-local-stepfunctions clears its own task timer only
    // when the task's promise settles, and that timer would otherwise keep the process alive.
    for (const waiter of waiting) waiter.reject(new Error("the local Step Functions service closed"));
    await Promise.all([...this.listeners].map((listener) => listener.stop()));
    this.sqsClient?.destroy();
    this.dynamodbClient?.destroy();
  }
}

export function createStepFunctionsService(deps: StepFunctionsDeps): StepFunctionsService {
  return new LocalStepFunctions(deps);
}

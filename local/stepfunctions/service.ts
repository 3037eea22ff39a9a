// Local Step Functions: runs the ASL that CDK synthesizes on aws-local-stepfunctions, and adds what that
// library lacks (see local/README.md). This module is the API facade: it validates requests, answers the
// read operations and wires the parts, each in its own module:
//
//   machines.ts     registered state machines          runner.ts       runs executions, settles them
//   store.ts        execution records (+ persistence)  tasks.ts        what a Task state does
//   task-tokens.ts  tasks waiting for their token      integrations.ts the service integrations
//   api.ts          the AWS JSON 1.0 HTTP endpoint
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { startApiServer } from "./api";
import { SfnServiceError, statesTimeoutError } from "./errors";
import type { ExecutionSummary, IntegrationEnv } from "./integrations";
import { tryParseJson } from "./json";
import { MachineRegistry } from "./machines";
import { appendHistory, type ExecutionRecord } from "./records";
import { ExecutionRunner } from "./runner";
import { ExecutionStore } from "./store";
import { TaskTokens } from "./task-tokens";
import { TaskDispatcher } from "./tasks";
import type {
  ExecutionDescription,
  ExecutionListItem,
  HistoryEvent,
  Listener,
  StartExecutionInput,
  StateMachineDescription,
  StateMachineRegistration,
  StepFunctionsDeps,
  StepFunctionsService,
  SyncExecutionResult,
} from "./types";

export type * from "./types";
export { SfnServiceError };

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

function summary(record: ExecutionRecord): ExecutionSummary {
  const { executionArn, stateMachineArn, name, status, input, output, error, cause, startDate, stopDate } =
    record;
  return { executionArn, stateMachineArn, name, status, input, output, error, cause, startDate, stopDate };
}

class LocalStepFunctions implements StepFunctionsService {
  private readonly log: (line: string) => void;
  private readonly store: ExecutionStore;
  private readonly machines: MachineRegistry;
  private readonly tokens: TaskTokens;
  private readonly runner: ExecutionRunner;
  private readonly listeners = new Set<Listener>();
  private sqsClient: SQSClient | undefined;
  private dynamodbClient: DynamoDBClient | undefined;
  private closed = false;

  constructor(private readonly deps: StepFunctionsDeps) {
    this.log = deps.log ?? (() => {});
    this.store = new ExecutionStore(deps.dataDir, this.log);
    this.machines = new MachineRegistry(deps.accountId, this.log);
    this.tokens = new TaskTokens(this.store);
    const tasks = new TaskDispatcher({
      region: deps.region,
      store: this.store,
      tokens: this.tokens,
      integrations: () => this.integrationEnv(),
      log: this.log,
    });
    this.runner = new ExecutionRunner({
      store: this.store,
      machines: this.machines,
      tokens: this.tokens,
      tasks,
      log: this.log,
    });
    // Borrow the library's timeout error class now so timers need not wait for it later.
    void statesTimeoutError();
  }

  // ---- state machines -------------------------------------------------------------------------

  registerStateMachine(sm: StateMachineRegistration): void {
    this.machines.register(sm);
  }

  async listStateMachines(): Promise<{
    stateMachines: Omit<StateMachineDescription, "definition" | "roleArn" | "status">[];
  }> {
    return { stateMachines: this.machines.list() };
  }

  async describeStateMachine(stateMachineArn: string): Promise<StateMachineDescription> {
    return this.machines.describe(stateMachineArn);
  }

  // ---- executions -----------------------------------------------------------------------------

  async startExecution(input: StartExecutionInput): Promise<{ executionArn: string; startDate: Date }> {
    this.assertOpen();
    const machine = this.machines.getOrThrow(input.stateMachineArn);
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
    const existing = this.store.get(executionArn);
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
    this.store.add(record);
    this.runner.start(record, machine, parsed.value);
    return { executionArn, startDate: new Date(record.startDate) };
  }

  async startSyncExecution(input: StartExecutionInput): Promise<SyncExecutionResult> {
    const machine = this.machines.getOrThrow(input.stateMachineArn);
    if (machine.type !== "EXPRESS") {
      throw new SfnServiceError(
        "StateMachineTypeNotSupported",
        "This operation is not supported by this type of state machine (StartSyncExecution needs EXPRESS)",
      );
    }
    const { executionArn } = await this.startExecution(input);
    await this.runner.finished(executionArn);
    const record = this.store.getOrThrow(executionArn);
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
    const r = this.store.getOrThrow(executionArn);
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
    this.machines.getOrThrow(stateMachineArn);
    const executions = [...this.store.values()]
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
    const events = [...this.store.getOrThrow(executionArn).history];
    return { events: reverseOrder ? events.reverse() : events };
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<void> {
    const record = this.store.getOrThrow(executionArn);
    if (record.status !== "RUNNING") return;
    this.runner.stop(record, error, cause);
  }

  async resumePending(): Promise<number> {
    this.assertOpen();
    return this.runner.resumePending();
  }

  // ---- task tokens ----------------------------------------------------------------------------

  sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    return this.tokens.succeed(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    return this.tokens.fail(taskToken, error, cause);
  }

  sendTaskHeartbeat(taskToken: string): Promise<void> {
    return this.tokens.heartbeat(taskToken);
  }

  // ---- wiring and lifecycle ---------------------------------------------------------------------

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
        await this.runner.finished(executionArn);
        return summary(this.store.getOrThrow(executionArn));
      },
      log: this.log,
    };
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
    const waiting = this.tokens.detachAll();
    this.runner.abortAll();
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

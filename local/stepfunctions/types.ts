// The local Step Functions service's public API: what local/cloud.ts, the HTTP endpoint and tests use.
import type { ExecutionStatus, HistoryEvent, StateMachineType } from "./records";

export type { ExecutionStatus, HistoryEvent, StateMachineType };

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

// Prepares a synthesized ASL definition for aws-local-stepfunctions.
//
// The library is given a rewritten copy:
// - every Task's TimeoutSeconds/TimeoutSecondsPath/HeartbeatSeconds(Path) is taken out and honoured by
//   the service instead (the library would apply its own 60 s default, cannot resume a deadline after a
//   restart, and knows no heartbeats); its own task timer is pushed out of the way;
// - the top-level TimeoutSeconds is handled by the service too (it must survive restarts);
// - `$$.Execution...` paths become `$$.LocalExecution...`: the library overwrites Execution.Input and
//   StartTime in every run (also inside Map/Parallel branches and resumed runs), the service supplies
//   the real values under the new name.
import { isJsonObject, type Json, type JsonObject } from "./json";

/** Below Node's setTimeout limit (2^31-1 ms) so the library's own task timer never fires early. */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_000_000;

export const EXECUTION_CONTEXT_KEY = "LocalExecution";

export interface TaskSpec {
  name: string;
  resource: string;
  timeoutSeconds?: number;
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
  heartbeatSecondsPath?: string;
  /** A state of the top-level States (not inside Map/Parallel): the only ones a restart can resume at. */
  topLevel: boolean;
}

export interface PreparedDefinition {
  /** The rewritten definition handed to aws-local-stepfunctions. */
  definition: JsonObject;
  executionTimeoutSeconds?: number;
  tasks: Map<string, TaskSpec>;
  /** Type of every state by name (all levels), for history event names. */
  stateTypes: Map<string, string>;
  topLevelStates: Set<string>;
}

function rewriteExecutionPaths(value: Json): Json {
  if (typeof value === "string") return value.replace(/\$\$\.Execution\b/g, `$$$$.${EXECUTION_CONTEXT_KEY}`);
  if (Array.isArray(value)) return value.map(rewriteExecutionPaths);
  if (isJsonObject(value)) {
    const result: JsonObject = {};
    for (const [key, member] of Object.entries(value)) result[key] = rewriteExecutionPaths(member);
    return result;
  }
  return value;
}

function numberField(state: JsonObject, field: string): number | undefined {
  const value = state[field];
  return typeof value === "number" ? value : undefined;
}

function stringField(state: JsonObject, field: string): string | undefined {
  const value = state[field];
  return typeof value === "string" ? value : undefined;
}

function walkStates(
  machine: JsonObject,
  topLevel: boolean,
  tasks: Map<string, TaskSpec>,
  stateTypes: Map<string, string>,
): void {
  const states = machine.States;
  if (!isJsonObject(states)) throw new Error("state machine definition has no States object");
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    const type = stringField(state, "Type") ?? "Unknown";
    stateTypes.set(name, type);
    if (type === "Task") {
      const resource = stringField(state, "Resource");
      if (resource === undefined) throw new Error(`Task state '${name}' has no Resource`);
      tasks.set(name, {
        name,
        resource,
        timeoutSeconds: numberField(state, "TimeoutSeconds"),
        timeoutSecondsPath: stringField(state, "TimeoutSecondsPath"),
        heartbeatSeconds: numberField(state, "HeartbeatSeconds"),
        heartbeatSecondsPath: stringField(state, "HeartbeatSecondsPath"),
        topLevel,
      });
      delete state.TimeoutSecondsPath;
      delete state.HeartbeatSeconds;
      delete state.HeartbeatSecondsPath;
      state.TimeoutSeconds = LIBRARY_TASK_TIMEOUT_SECONDS;
    }
    if (type === "Parallel" && Array.isArray(state.Branches)) {
      for (const branch of state.Branches)
        if (isJsonObject(branch)) walkStates(branch, false, tasks, stateTypes);
    }
    if (type === "Map") {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (isJsonObject(processor)) walkStates(processor, false, tasks, stateTypes);
    }
  }
}

export function prepareDefinition(original: object): PreparedDefinition {
  const copy = rewriteExecutionPaths(JSON.parse(JSON.stringify(original)) as Json);
  if (!isJsonObject(copy)) throw new Error("state machine definition must be a JSON object");
  if (typeof copy.StartAt !== "string") throw new Error("state machine definition has no StartAt");
  if (copy.QueryLanguage === "JSONata") {
    throw new Error("JSONata state machines are not supported by the local Step Functions");
  }
  const executionTimeoutSeconds = numberField(copy, "TimeoutSeconds");
  delete copy.TimeoutSeconds;
  const tasks = new Map<string, TaskSpec>();
  const stateTypes = new Map<string, string>();
  walkStates(copy, true, tasks, stateTypes);
  const states = copy.States;
  const topLevelStates = new Set(isJsonObject(states) ? Object.keys(states) : []);
  return { definition: copy, executionTimeoutSeconds, tasks, stateTypes, topLevelStates };
}

/** Same machine, entered at another top-level state (used to resume after a restart). */
export function startingAt(definition: JsonObject, stateName: string): JsonObject {
  return { ...definition, StartAt: stateName };
}

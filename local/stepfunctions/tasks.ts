// Task dispatch: what a Task state does when the library reaches it. Request-response and .sync calls
// go through ./integrations under TimeoutSeconds; .waitForTaskToken tasks send their request with a fresh
// token and wait in ./task-tokens. Each step is recorded in the execution's history.
import { randomBytes } from "node:crypto";
import type { TaskSpec } from "./definition";
import { StatesRuntimeFailure, statesTimeoutError, TaskError } from "./errors";
import {
  callIntegration,
  dispatchForToken,
  type IntegrationEnv,
  type ParsedResource,
  parseResource,
  resourceDetails,
  unsupportedReason,
} from "./integrations";
import { containsString, evaluateReferencePath, type Json, replaceInStrings } from "./json";
import { appendHistory } from "./records";
import { abortedTask, type Run } from "./run";
import type { ExecutionStore } from "./store";
import type { TaskTokens, Waiter } from "./task-tokens";
import { nextMacrotask, timerAt } from "./timers";

/** `$$.Task.Token` resolves to this; each attempt substitutes its own token before sending. */
export const TOKEN_PLACEHOLDER = "__local_sfn_task_token_placeholder__";

function newTaskToken(): string {
  // Opaque, URL-safe, 86 characters (AWS allows up to 2,048).
  return `AQ${randomBytes(63).toString("base64url")}`;
}

/** Reads TimeoutSecondsPath/HeartbeatSecondsPath from the state's raw input (else its effective input). */
function secondsFromPath(path: string, rawInput: Json, input: Json, field: string): number {
  const value = evaluateReferencePath(path, rawInput) ?? evaluateReferencePath(path, input);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new StatesRuntimeFailure(`${field} '${path}' does not point to a positive integer`);
  }
  return value;
}

export interface TaskDispatcherDeps {
  region: string;
  store: ExecutionStore;
  tokens: TaskTokens;
  /** The integrations' clients and callbacks (built on first use). */
  integrations: () => IntegrationEnv;
  log: (line: string) => void;
}

export class TaskDispatcher {
  constructor(private readonly deps: TaskDispatcherDeps) {}

  /** The override of Task state `stateName`: its input after InputPath/Parameters, its result or error. */
  async run(run: Run, stateName: string, input: Json): Promise<Json> {
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
        : secondsFromPath(spec.timeoutSecondsPath, rawInput, input, "TimeoutSecondsPath"));
    const heartbeatSeconds =
      spec.heartbeatSeconds ??
      (spec.heartbeatSecondsPath === undefined
        ? undefined
        : secondsFromPath(spec.heartbeatSecondsPath, rawInput, input, "HeartbeatSecondsPath"));
    if (resource.pattern === "token")
      return this.waitForToken(run, spec, resource, input, timeoutSeconds, heartbeatSeconds);
    return this.call(run, resource, input, timeoutSeconds);
  }

  private async call(
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
      const result = await Promise.race([
        callIntegration(resource, input, this.deps.integrations()),
        timedOut,
      ]);
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
    const { store, tokens } = this.deps;
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
      waiter = { token, run, resource, resolve, reject, heartbeatSeconds: beatSeconds };
    });
    // Handled later by the library; this only keeps Node from flagging an early rejection.
    result.catch(() => {});
    if (waiter === undefined) throw new StatesRuntimeFailure("internal: waiter not created");
    const active = waiter;
    tokens.add(active);
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
    store.save(record);

    if (timeoutAt) tokens.armTimeout(active, timeoutAt);
    if (heartbeatDeadline) tokens.armHeartbeat(active, heartbeatDeadline);

    // A resumed task whose request may not have gone out before the restart sends it again (same token).
    if (resume === undefined || resume.submitted !== true) {
      if (!containsString(input, TOKEN_PLACEHOLDER)) {
        this.deps.log(
          `stepfunctions: state '${spec.name}' waits for a task token but its Parameters never pass $$.Task.Token`,
        );
      }
      try {
        await dispatchForToken(
          resource,
          replaceInStrings(input, TOKEN_PLACEHOLDER, token),
          this.deps.integrations(),
        );
        if (tokens.isOpen(token)) {
          appendHistory(record, "TaskSubmitted", { ...resourceDetails(resource) });
          if (record.pending?.token === token) record.pending.submitted = true;
          store.save(record);
        }
      } catch (error) {
        if (run.aborted) return abortedTask();
        if (tokens.isOpen(token)) {
          const failure = error instanceof Error ? error : new TaskError("Error", String(error));
          appendHistory(record, "TaskFailed", {
            ...resourceDetails(resource),
            error: failure.name,
            cause: failure.message,
          });
          tokens.close(active);
          throw failure;
        }
      }
    }
    const value = await result;
    if (run.aborted) return abortedTask();
    return value;
  }
}

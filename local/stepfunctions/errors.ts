// Errors of the local Step Functions service.
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";

/** An API error (ExecutionDoesNotExist, InvalidToken, TaskTimedOut...): `name` is the AWS error code. */
export class SfnServiceError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
}

/**
 * An error raised inside a Task state. aws-local-stepfunctions matches `name` against ErrorEquals,
 * reads `isRetryable`/`isCatchable`, and uses `message` as the Cause.
 */
export class TaskError extends Error {
  readonly isRetryable: boolean = true;
  readonly isCatchable: boolean = true;
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** States.Runtime: neither Retry nor Catch (not even States.ALL) may handle it, as in AWS. */
export class StatesRuntimeFailure extends Error {
  readonly isRetryable: boolean = false;
  readonly isCatchable: boolean = false;
  constructor(cause: string) {
    super(cause);
    this.name = "States.Runtime";
  }
}

// aws-local-stepfunctions treats `States.TaskFailed` in Retry/Catch as a wildcard for every error except
// instances of its own (unexported) StatesTimeoutError class, exactly as AWS excludes States.Timeout.
// To get that behaviour for our own timeouts we borrow the class once: a 1 ms task timeout in a probe run.
async function captureTimeoutErrorClass(): Promise<() => Error> {
  const probe = {
    StartAt: "Probe",
    States: {
      Probe: { Type: "Task", Resource: "arn:aws:states:::local:probe", TimeoutSeconds: 0.001, End: true },
    },
  };
  const machine = new StateMachine(probe as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  try {
    await machine.run(
      {},
      { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } },
    ).result;
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error && cause.name === "States.Timeout") {
      const TimeoutClass = cause.constructor as new () => Error;
      return () => new TimeoutClass();
    }
  }
  // Fallback if a library release changes: still named States.Timeout, but States.TaskFailed would match it.
  return () => new TaskError("States.Timeout", "States.Timeout");
}

let timeoutFactory: Promise<() => Error> | undefined;

/** A `States.Timeout` error that Retry/Catch treat as AWS does. */
export async function statesTimeoutError(): Promise<Error> {
  timeoutFactory ??= captureTimeoutErrorClass();
  return (await timeoutFactory)();
}

export function describeUnknownError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

/** One function as the local cloud runs it: where its code is and the environment it gets. */
export interface FunctionSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** The asset folder holding the bundled handler. */
  readonly taskRoot: string;
  /** The template's Handler, e.g. `index.handler`. */
  readonly handler: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** How many invocations may run at once (one worker thread each). */
  readonly concurrency: number;
}

/** One finished invocation, for observers such as the benchmark. */
export interface InvocationReport {
  readonly functionName: string;
  /** From handing the event to a ready worker to its result (what Lambda bills as Duration). */
  readonly durationMs: number;
  /** Waiting for a free (or starting) worker before that: where Lambda would scale out instead. */
  readonly queuedMs: number;
  readonly ok: boolean;
}

/** `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, `NAME:QUALIFIER` or `NAME` → NAME. */
export function functionNameOf(nameOrArn: string): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn.split(":")[6] ?? nameOrArn;
  return nameOrArn.split(":")[0] ?? nameOrArn;
}

/** An Error carrying Lambda's errorType as its name, like the SDK's FunctionError surfaces it. */
export function lambdaError(name: string, message: string, stack?: string): Error {
  const error = new Error(message);
  error.name = name;
  if (stack) error.stack = stack;
  return error;
}

// Runs one Lambda function's handler inside a worker thread, one invocation at a time, like one
// Lambda execution environment. Loaded by Node directly (type stripping), so it imports nothing
// but Node's own modules.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import { registerHooks, syncBuiltinESMExports } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

export interface WorkerInit {
  readonly kind: "hitl-lambda";
  /** The asset folder (LAMBDA_TASK_ROOT). */
  readonly taskRoot: string;
  /** The template's Handler, e.g. `index.handler`. */
  readonly handler: string;
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryMb: number;
  readonly enableSourceMaps: boolean;
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type ToWorker = {
  readonly type: "invoke";
  readonly id: number;
  readonly requestId: string;
  readonly event: unknown;
  readonly deadline: number;
  /** A drill's fault (local/lambda/faults.ts): crash right after this invocation's Nth write. */
  readonly fault?: {
    readonly afterWrite: number;
    readonly kill: "worker" | "cloud";
    /** Shared with every worker carrying the same fault: the one that sets it crashes. */
    readonly tripped: Int32Array;
  };
};

export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "init-error"; readonly error: SerializedError }
  | { readonly type: "fault"; readonly id: number; readonly operation: string }
  | {
      readonly type: "result";
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
      readonly writes?: number;
    }
  | {
      readonly type: "result";
      readonly id: number;
      readonly ok: false;
      readonly error: SerializedError;
      readonly writes?: number;
    };

type Handler = (
  event: unknown,
  context: unknown,
  callback?: (error: unknown, result?: unknown) => void,
) => unknown;

function serialize(error: unknown, fallbackName = "Error"): SerializedError {
  if (error instanceof Error)
    return { name: error.name || fallbackName, message: error.message, stack: error.stack };
  return { name: fallbackName, message: typeof error === "string" ? error : JSON.stringify(error) };
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Lambda's runtime ships the AWS SDK; here bare imports a bundle leaves external (such as
 * `@aws-sdk/*`) fall back to the packages installed next to the local cloud.
 */
function resolveExternalsFromHere(): void {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const bare = !/^(\.|\/|[a-z]+:)/i.test(specifier);
        const missing = error instanceof Error && "code" in error && error.code === "ERR_MODULE_NOT_FOUND";
        if (bare && missing) return nextResolve(specifier, { ...context, parentURL: import.meta.url });
        throw error;
      }
    },
  });
}

async function loadHandler(init: WorkerInit): Promise<Handler> {
  const dot = init.handler.lastIndexOf(".");
  if (dot <= 0)
    throw named("Runtime.MalformedHandlerName", `Bad handler ${init.handler}: expected file.export`);
  const base = path.join(init.taskRoot, init.handler.slice(0, dot));
  const exportName = init.handler.slice(dot + 1);
  const file = [".mjs", ".js", ".cjs"].map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (!file) throw named("Runtime.ImportModuleError", `Cannot find module ${base}.(mjs|js|cjs)`);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw named("Runtime.ImportModuleError", serialize(error).message);
  }
  const fromDefault = module.default as Record<string, unknown> | undefined;
  const handler = module[exportName] ?? fromDefault?.[exportName];
  if (typeof handler !== "function") {
    throw named(
      "Runtime.HandlerNotFound",
      `${path.basename(file)}.${exportName} is undefined or not exported`,
    );
  }
  return handler as Handler;
}

function context(init: WorkerInit, message: ToWorker) {
  return {
    functionName: init.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: init.functionArn,
    memoryLimitInMB: String(init.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: `/aws/lambda/${init.functionName}`,
    logStreamName: `local/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

/**
 * Lambda sets `_X_AMZN_TRACE_ID` for every invocation; with no X-Ray here, each gets a fresh,
 * unsampled trace (Sampled=0), as a request X-Ray did not sample: tracing code runs, nothing is sent.
 */
function unsampledTraceHeader(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0");
  const random = randomBytes(20).toString("hex");
  return `Root=1-${epoch}-${random.slice(0, 24)};Parent=${random.slice(24, 40)};Sampled=0`;
}

function call(handler: Handler, event: unknown, ctx: unknown): Promise<unknown> {
  if (handler.length < 3) return Promise.resolve(handler(event, ctx));
  // Callback-style handler.
  return new Promise((resolve, reject) => {
    const result = handler(event, ctx, (error, value) => (error ? reject(error) : resolve(value)));
    if (result instanceof Promise) result.then(resolve, reject);
  });
}

/** Calls that change state, by the JSON protocols' X-Amz-Target (service prefix . operation). */
const WRITES =
  /^(DynamoDB_20120810\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)|AmazonSQS\.(SendMessage|SendMessageBatch|DeleteMessage|DeleteMessageBatch)|AWSStepFunctions\.(StartExecution|StartSyncExecution|SendTaskSuccess|SendTaskFailure|SendTaskHeartbeat))$/;
const SERVICE_NAMES: Record<string, string> = {
  DynamoDB_20120810: "DynamoDB",
  AmazonSQS: "SQS",
  AWSStepFunctions: "StepFunctions",
};

interface Counting {
  readonly id: number;
  readonly fault: NonNullable<ToWorker["fault"]>;
  writes: number;
}
let counting: Counting | undefined;

function targetOf(args: unknown[]): string | undefined {
  for (const arg of args) {
    if (!arg || typeof arg !== "object" || arg instanceof URL) continue;
    const headers = (arg as { headers?: Record<string, unknown> }).headers ?? {};
    for (const [name, value] of Object.entries(headers))
      if (name.toLowerCase() === "x-amz-target") return String(value);
  }
  return undefined;
}

/**
 * Counts the writes of an invocation that carries a fault, from the SDK's HTTP requests (the
 * endpoints are local, plain HTTP): a write counts once its 2xx response arrives, so it has
 * committed. At the fault's write the thread stops before the SDK sees the answer.
 */
function countWrites(port: NonNullable<typeof parentPort>): void {
  const original = http.request;
  const patched = function (this: unknown, ...args: unknown[]) {
    const req = (original as (...a: unknown[]) => http.ClientRequest).apply(this, args);
    const target = counting ? targetOf(args) : undefined;
    const invocation = counting;
    if (!invocation || !target || !WRITES.test(target)) return req;
    req.prependListener("response", (res: http.IncomingMessage) => {
      if ((res.statusCode ?? 500) >= 300 || counting !== invocation) return;
      invocation.writes++;
      if (invocation.writes !== invocation.fault.afterWrite) return;
      if (Atomics.compareExchange(invocation.fault.tripped, 0, 0, 1) !== 0) return;
      const [service = "", operation = ""] = target.split(".");
      const name = `${SERVICE_NAMES[service] ?? service}.${operation}`;
      port.postMessage({ type: "fault", id: invocation.id, operation: name } satisfies FromWorker);
      // Nothing after the write runs: a worker ends here; for the whole cloud, the parent kills it.
      if (invocation.fault.kill === "cloud")
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
      process.exit(1);
    });
    return req;
  };
  http.request = patched as typeof http.request;
  syncBuiltinESMExports();
}

async function main(port: NonNullable<typeof parentPort>, init: WorkerInit): Promise<void> {
  if (init.enableSourceMaps) process.setSourceMapsEnabled(true);
  resolveExternalsFromHere();
  countWrites(port);
  let handler: Handler;
  try {
    handler = await loadHandler(init);
  } catch (error) {
    port.postMessage({
      type: "init-error",
      error: serialize(error, "Runtime.ImportModuleError"),
    } satisfies FromWorker);
    return;
  }
  port.on("message", async (message: ToWorker) => {
    let reply: FromWorker;
    process.env._X_AMZN_TRACE_ID = unsampledTraceHeader();
    const invocation = message.fault ? { id: message.id, fault: message.fault, writes: 0 } : undefined;
    counting = invocation;
    try {
      const value = await call(handler, message.event, context(init, message));
      // Lambda hands results back as JSON.
      const json = JSON.parse(JSON.stringify(value ?? null));
      reply = { type: "result", id: message.id, ok: true, value: json };
    } catch (error) {
      reply = { type: "result", id: message.id, ok: false, error: serialize(error) };
    }
    if (invocation) reply = { ...reply, writes: invocation.writes };
    counting = undefined;
    port.postMessage(reply);
  });
  port.postMessage({ type: "ready" } satisfies FromWorker);
}

const init = workerData as WorkerInit | undefined;
if (parentPort && init?.kind === "hitl-lambda") await main(parentPort, init);

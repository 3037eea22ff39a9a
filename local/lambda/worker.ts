// Runs one Lambda function's handler inside a worker thread, one invocation at a time, like one
// Lambda execution environment. Loaded by Node directly (type stripping), so it imports nothing
// but Node's own modules.

import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
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
};

export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "init-error"; readonly error: SerializedError }
  | { readonly type: "result"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: "result"; readonly id: number; readonly ok: false; readonly error: SerializedError };

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

async function main(port: NonNullable<typeof parentPort>, init: WorkerInit): Promise<void> {
  if (init.enableSourceMaps) process.setSourceMapsEnabled(true);
  resolveExternalsFromHere();
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
    try {
      const value = await call(handler, message.event, context(init, message));
      // Lambda hands results back as JSON.
      reply = { type: "result", id: message.id, ok: true, value: JSON.parse(JSON.stringify(value ?? null)) };
    } catch (error) {
      reply = { type: "result", id: message.id, ok: false, error: serialize(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ type: "ready" } satisfies FromWorker);
}

const init = workerData as WorkerInit | undefined;
if (parentPort && init?.kind === "hitl-lambda") await main(parentPort, init);

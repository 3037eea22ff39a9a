import type { Faults } from "./faults";
import { FunctionPool } from "./pool";
import { type FunctionSpec, functionNameOf, type InvocationReport, lambdaError } from "./spec";

export interface LambdaRuntime {
  readonly functions: readonly FunctionSpec[];
  /** Runs a function by name or ARN; rejects with an Error named after Lambda's errorType. */
  invoke(functionNameOrArn: string, event: unknown): Promise<unknown>;
  has(functionNameOrArn: string): boolean;
  stop(): Promise<void>;
}

/** The local Lambda service: one pool of worker threads per function. */
export function createLambdaRuntime(
  functions: readonly FunctionSpec[],
  opts: {
    log?: (line: string) => void;
    onInvocation?: (report: InvocationReport) => void;
    /** Drills' faults (faults.ts): crash a function after the Nth write of an invocation. */
    faults?: Faults;
  } = {},
): LambdaRuntime {
  const log = opts.log ?? ((line: string) => console.log(line));
  const pools = new Map(
    functions.map((spec) => [spec.name, new FunctionPool(spec, log, opts.onInvocation, opts.faults)]),
  );
  return {
    functions,
    invoke(functionNameOrArn, event) {
      const pool = pools.get(functionNameOf(functionNameOrArn));
      if (!pool) {
        return Promise.reject(
          lambdaError("ResourceNotFoundException", `Function not found: ${functionNameOrArn}`),
        );
      }
      return pool.invoke(event);
    },
    has(functionNameOrArn) {
      return pools.has(functionNameOf(functionNameOrArn));
    },
    async stop() {
      await Promise.all([...pools.values()].map((pool) => pool.stop()));
    },
  };
}

import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import type { FaultPlan, Faults } from "./faults";
import { type FunctionSpec, type InvocationReport, lambdaError } from "./spec";
import type { FromWorker, ToWorker, WorkerInit } from "./worker";

const WORKER_URL = new URL("./worker.ts", import.meta.url);
/** Lambda gives a function's init phase 10 s; we are a little kinder on a busy laptop. */
const INIT_TIMEOUT_MS = 30_000;

const LOADER_FLAGS = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);
const isTsx = (value: string | undefined) =>
  value !== undefined && (value === "tsx" || value.startsWith("tsx/") || /[\\/]tsx[\\/]/.test(value));

/**
 * The parent's flags minus tsx's loader: workers inherit execArgv, and tsx's hooks would inspect
 * every multi-megabyte bundle a worker imports (measured: 4 cold workers took 4.7 s of CPU with
 * them, 1.1–1.4 s without). worker.ts needs only Node's own type stripping.
 */
export function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i] as string;
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!LOADER_FLAGS.has(flag)) {
      out.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : parent[i + 1];
    if (eq < 0) i++;
    if (isTsx(value)) continue;
    out.push(arg);
    if (eq < 0 && value !== undefined) out.push(value);
  }
  return out;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  busy: boolean;
  current?: {
    id: number;
    pending: Pending;
    timer: NodeJS.Timeout;
    started: number;
    queuedMs: number;
    fault?: FaultPlan;
  };
  retired: boolean;
}

interface Queued {
  readonly event: unknown;
  readonly pending: Pending;
  readonly at: number;
}

/**
 * The execution environments of one function: up to `concurrency` worker threads, made when
 * first needed; invocations beyond that wait their turn.
 */
export class FunctionPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;
  private stopped = false;
  readonly spec: FunctionSpec;
  private readonly log: (line: string) => void;
  private readonly onInvocation: ((report: InvocationReport) => void) | undefined;
  private readonly faults: Faults | undefined;

  constructor(
    spec: FunctionSpec,
    log: (line: string) => void,
    onInvocation?: (report: InvocationReport) => void,
    faults?: Faults,
  ) {
    this.spec = spec;
    this.log = log;
    this.onInvocation = onInvocation;
    this.faults = faults;
  }

  invoke(event: unknown): Promise<unknown> {
    if (this.stopped) return Promise.reject(lambdaError("ServiceException", `${this.spec.name} is stopped`));
    return new Promise((resolve, reject) => {
      this.queue.push({ event, pending: { resolve, reject }, at: performance.now() });
      this.dispatch();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const queued of this.queue.splice(0)) {
      queued.pending.reject(lambdaError("ServiceException", `${this.spec.name} stopped before it ran`));
    }
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot, "the local cloud is stopping")));
  }

  get size(): number {
    return this.slots.length;
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.stopped) {
      let slot = this.slots.find((candidate) => !candidate.busy);
      if (!slot && this.slots.length < this.spec.concurrency) slot = this.spawn();
      if (!slot) return;
      const queued = this.queue.shift() as Queued;
      this.run(slot, queued);
    }
  }

  private run(slot: Slot, queued: Queued): void {
    slot.busy = true;
    slot.ready.then(
      () => {
        if (slot.retired) {
          // The worker died while starting: try again on a fresh one.
          this.queue.unshift(queued);
          this.dispatch();
          return;
        }
        const id = this.nextId++;
        const timeoutMs = this.spec.timeoutSeconds * 1000;
        const timer = setTimeout(() => this.timedOut(slot), timeoutMs);
        const started = performance.now();
        const fault = this.faults?.planFor(this.spec.name, queued.event);
        slot.current = {
          id,
          pending: queued.pending,
          timer,
          started,
          queuedMs: started - queued.at,
          ...(fault ? { fault } : {}),
        };
        const message: ToWorker = {
          type: "invoke",
          id,
          requestId: randomUUID(),
          event: queued.event,
          deadline: Date.now() + timeoutMs,
          ...(fault
            ? { fault: { afterWrite: fault.afterWrite, kill: fault.kill, tripped: fault.tripped } }
            : {}),
        };
        slot.worker.postMessage(message);
      },
      (error: Error) => {
        queued.pending.reject(error);
        void this.retire(slot, "init failed");
        this.dispatch();
      },
    );
  }

  private spawn(): Slot {
    const init: WorkerInit = {
      kind: "hitl-lambda",
      taskRoot: this.spec.taskRoot,
      handler: this.spec.handler,
      functionName: this.spec.name,
      functionArn: this.spec.arn,
      memoryMb: this.spec.memoryMb,
      enableSourceMaps: /--enable-source-maps/.test(this.spec.env.NODE_OPTIONS ?? ""),
    };
    const worker = new Worker(WORKER_URL, {
      workerData: init,
      execArgv: workerExecArgv(process.execArgv),
      env: { ...this.spec.env },
      stdout: true,
      stderr: true,
      // Lambda's memory setting bounds the heap the same way.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, this.spec.memoryMb) },
    });
    this.forward(worker.stdout);
    this.forward(worker.stderr);
    let settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = { resolve, reject };
    });
    ready.catch(() => undefined);
    const slot: Slot = { worker, ready, busy: false, retired: false };
    const initTimer = setTimeout(
      () =>
        settleReady?.reject(
          lambdaError("Runtime.InitTimeout", `${this.spec.name} did not initialize in time`),
        ),
      INIT_TIMEOUT_MS,
    );
    worker.on("message", (message: FromWorker) => {
      if (message.type === "ready") {
        clearTimeout(initTimer);
        settleReady?.resolve();
      } else if (message.type === "init-error") {
        clearTimeout(initTimer);
        settleReady?.reject(lambdaError(message.error.name, message.error.message, message.error.stack));
      } else if (message.type === "fault") {
        // The worker exits on its own now (or waits for the whole cloud to be killed).
        const plan = slot.current?.id === message.id ? slot.current.fault : undefined;
        if (plan) this.faults?.tripped(plan, message.operation);
      } else {
        this.finish(slot, message);
      }
    });
    worker.on("error", (error) => {
      clearTimeout(initTimer);
      // An uncaught exception inside the handler's async work ends the environment, as in Lambda.
      const failure = lambdaError(error.name || "Runtime.ExitError", error.message, error.stack);
      settleReady?.reject(failure);
      this.fail(slot, failure);
    });
    worker.on("exit", (code) => {
      clearTimeout(initTimer);
      const failure = lambdaError("Runtime.ExitError", `${this.spec.name} exited with code ${code}`);
      settleReady?.reject(failure);
      if (!slot.retired) this.fail(slot, failure);
    });
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot, message: Extract<FromWorker, { type: "result" }>): void {
    const current = slot.current;
    if (!current || current.id !== message.id) return;
    clearTimeout(current.timer);
    slot.current = undefined;
    slot.busy = false;
    if (current.fault) this.faults?.finished(current.fault, message.writes);
    this.report(current, message.ok);
    if (message.ok) current.pending.resolve(message.value);
    else current.pending.reject(lambdaError(message.error.name, message.error.message, message.error.stack));
    this.dispatch();
  }

  private report(current: NonNullable<Slot["current"]>, ok: boolean): void {
    this.onInvocation?.({
      functionName: this.spec.name,
      durationMs: performance.now() - current.started,
      queuedMs: current.queuedMs,
      ok,
    });
  }

  private timedOut(slot: Slot): void {
    const seconds = this.spec.timeoutSeconds.toFixed(2);
    this.fail(slot, lambdaError("Sandbox.Timedout", `Task timed out after ${seconds} seconds`));
  }

  /** Rejects what the slot was running, throws the worker away and carries on with the queue. */
  private fail(slot: Slot, error: Error): void {
    const current = slot.current;
    slot.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      if (current.fault) this.faults?.finished(current.fault);
      this.report(current, false);
      current.pending.reject(error);
    }
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void this.retire(slot, error.message);
    this.dispatch();
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    if (slot.retired) return;
    slot.retired = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (slot.current) {
      clearTimeout(slot.current.timer);
      if (slot.current.fault) this.faults?.finished(slot.current.fault);
      slot.current.pending.reject(lambdaError("ServiceException", `${this.spec.name}: ${reason}`));
      slot.current = undefined;
    }
    await slot.worker.terminate();
  }

  private forward(stream: Readable | null): void {
    if (!stream) return;
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on("line", (line) => this.log(`[${this.spec.name}] ${line}`));
  }
}

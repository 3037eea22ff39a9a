// One running execution as the runner, the task dispatcher and the token registry share it.
import type { Json } from "./json";
import type { MachineEntry } from "./machines";
import type { ExecutionRecord, PendingTask } from "./records";

export interface Run {
  record: ExecutionRecord;
  machine: MachineEntry;
  /** Set when we stop listening to the library (stop, timeout, close): ignore whatever it does next. */
  aborted: boolean;
  finished: boolean;
  abortLibrary: () => void;
  /** The raw input of each state as it was entered (TimeoutSecondsPath and friends read it). */
  lastEntered: Map<string, Json>;
  /** A token task to re-arm instead of sending a new request (first attempt of a resumed run). */
  resume?: PendingTask;
  /** Resolves once `resume` is re-armed (or the run ended): resumePending() waits for it. */
  armed: Promise<void>;
  markArmed: () => void;
  done: Promise<void>;
  markDone: () => void;
  cancelTimeout?: () => void;
}

export function newRun(record: ExecutionRecord, machine: MachineEntry, resume?: PendingTask): Run {
  let markDone = (): void => {};
  const done = new Promise<void>((resolveDone) => {
    markDone = resolveDone;
  });
  let markArmed = (): void => {};
  const armed = new Promise<void>((resolveArmed) => {
    markArmed = resolveArmed;
  });
  if (resume === undefined) markArmed();
  return {
    record,
    machine,
    aborted: false,
    finished: false,
    abortLibrary: () => {},
    lastEntered: new Map(),
    resume,
    armed,
    markArmed,
    done,
    markDone,
  };
}

/**
 * What a task of an aborted run answers: a rejection the library ignores (it stops before the next
 * state once aborted). Never a promise that stays pending: the library's own task timer (60 s by
 * default) is cleared only when the task settles, and would keep the process alive.
 */
export function abortedTask(): Promise<never> {
  return Promise.reject(new Error("the execution was stopped"));
}

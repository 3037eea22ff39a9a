/**
 * Collects what the local cloud reports while a phase runs: the counting lines the functions log
 * (adapters/aws-operations.ts), every function invocation with its duration, and the Step
 * Functions executions that ended. Each observation goes to the phase active when it arrives.
 */
import { addTotals, emptyTotals, type OperationTotals, parseOperationLine } from "../adapters/aws-operations";
import type { InvocationReport } from "../local/lambda";

export interface InvocationStats {
  count: number;
  failed: number;
  /** Summed wall time of the handler runs. */
  durationMs: number;
  /** Summed wall time rounded up to whole milliseconds, as Lambda bills. */
  billedMs: number;
  /** Summed wait for a free worker. */
  queuedMs: number;
  maxQueuedMs: number;
}

export interface PhaseRecord {
  ops: OperationTotals;
  /** By physical function name. */
  invocations: Record<string, InvocationStats>;
  /** Executions that ended, by type and status, e.g. {"EXPRESS SUCCEEDED": 2000}. */
  executions: Record<string, number>;
  /** Function error lines and HTTP 500s the local cloud logged. */
  errorLines: number;
  firstErrors: string[];
}

const EXECUTION_END = /^stepfunctions: (arn:aws:states:[^ ]+) (SUCCEEDED|FAILED|TIMED_OUT|ABORTED)/;
/** Powertools Logger writes levels in capitals ("ERROR"); older lines and other tools in lower case. */
const ERROR_LINE = /"level":"(error|ERROR)"|→ 500|Runtime\.|Sandbox\./;

export const emptyPhase = (): PhaseRecord => ({
  ops: emptyTotals(),
  invocations: {},
  executions: {},
  errorLines: 0,
  firstErrors: [],
});

/** Adds one local cloud log line to a phase (pure; exported for tests). */
export function recordLine(phase: PhaseRecord, line: string): void {
  const ops = parseOperationLine(line);
  if (ops) {
    addTotals(phase.ops, ops);
    return;
  }
  const ended = EXECUTION_END.exec(line);
  if (ended) {
    const type = (ended[1] as string).includes(":express:") ? "EXPRESS" : "STANDARD";
    const key = `${type} ${ended[2]}`;
    phase.executions[key] = (phase.executions[key] ?? 0) + 1;
    return;
  }
  if (ERROR_LINE.test(line)) {
    phase.errorLines += 1;
    if (phase.firstErrors.length < 5) phase.firstErrors.push(line.slice(0, 300));
  }
}

export function recordInvocation(phase: PhaseRecord, report: InvocationReport): void {
  const stats = phase.invocations[report.functionName] ?? {
    count: 0,
    failed: 0,
    durationMs: 0,
    billedMs: 0,
    queuedMs: 0,
    maxQueuedMs: 0,
  };
  phase.invocations[report.functionName] = stats;
  stats.count += 1;
  if (!report.ok) stats.failed += 1;
  stats.durationMs += report.durationMs;
  stats.billedMs += Math.max(1, Math.ceil(report.durationMs));
  stats.queuedMs += report.queuedMs;
  stats.maxQueuedMs = Math.max(stats.maxQueuedMs, report.queuedMs);
}

export class Recorder {
  private readonly phases = new Map<string, PhaseRecord>();
  private current: PhaseRecord | undefined;
  private lastActivity = Date.now();

  constructor(private readonly echo?: (line: string) => void) {}

  /** The local cloud's `log` option. */
  readonly log = (line: string): void => {
    this.lastActivity = Date.now();
    this.echo?.(line);
    if (this.current) recordLine(this.current, line);
  };

  /** The local cloud's `onInvocation` option. */
  readonly onInvocation = (report: InvocationReport): void => {
    this.lastActivity = Date.now();
    if (this.current) recordInvocation(this.current, report);
  };

  /** Observations from now on go to `name` (undefined: nowhere). */
  begin(name: string | undefined): void {
    if (name === undefined) {
      this.current = undefined;
      return;
    }
    let phase = this.phases.get(name);
    if (!phase) {
      phase = emptyPhase();
      this.phases.set(name, phase);
    }
    this.current = phase;
  }

  phase(name: string): PhaseRecord {
    return this.phases.get(name) ?? emptyPhase();
  }

  /**
   * Resolves once nothing was logged or invoked for `quietMs` (background work such as queue
   * consumers and log lines still in the workers' pipes has landed), or after `timeoutMs`.
   */
  async settle(quietMs = 3500, timeoutMs = 60_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idle = Date.now() - this.lastActivity;
      if (idle >= quietMs) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, quietMs - idle + 10)));
    }
  }
}

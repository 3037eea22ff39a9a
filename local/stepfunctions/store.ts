// The execution records the service knows: in memory, STANDARD ones also on disk (./persistence).
import { SfnServiceError } from "./errors";
import { ExecutionFiles } from "./persistence";
import type { ExecutionRecord } from "./records";

const MAX_EXPRESS_RECORDS = 1_000;

export class ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly expressOrder: string[] = [];
  private readonly files: ExecutionFiles;

  /** Loads every record of dataDir (describe/list/history work at once after a restart). */
  constructor(dataDir: string | undefined, log: (line: string) => void) {
    this.files = new ExecutionFiles(dataDir, log);
    for (const record of this.files.loadAll()) this.records.set(record.executionArn, record);
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  getOrThrow(executionArn: string): ExecutionRecord {
    const record = this.records.get(executionArn);
    if (record === undefined) {
      throw new SfnServiceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    }
    return record;
  }

  values(): IterableIterator<ExecutionRecord> {
    return this.records.values();
  }

  /** A new execution: kept, and written when it is STANDARD. */
  add(record: ExecutionRecord): void {
    this.records.set(record.executionArn, record);
    if (record.type === "EXPRESS") this.rememberExpress(record.executionArn);
    this.save(record);
  }

  /** Writes a STANDARD record (nothing for EXPRESS ones, nor after close()). */
  save(record: ExecutionRecord): void {
    this.files.save(record);
  }

  /** Nothing is written from here on: RUNNING executions stay RUNNING on disk for a later resume. */
  close(): void {
    this.files.close();
  }

  /** EXPRESS executions live in memory only; keep the most recent ones describable. */
  private rememberExpress(executionArn: string): void {
    this.expressOrder.push(executionArn);
    while (this.expressOrder.length > MAX_EXPRESS_RECORDS) {
      const oldest = this.expressOrder[0];
      if (oldest === undefined || this.records.get(oldest)?.status === "RUNNING") break;
      this.expressOrder.shift();
      this.records.delete(oldest);
    }
  }
}

// Persistence of execution records: one JSON file per STANDARD execution under dataDir.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isJsonObject } from "./json";
import type { ExecutionRecord } from "./records";

function looksLikeRecord(value: unknown): value is ExecutionRecord {
  return (
    isJsonObject(value) &&
    typeof value.executionArn === "string" &&
    typeof value.stateMachineArn === "string" &&
    typeof value.status === "string" &&
    typeof value.startDate === "number" &&
    Array.isArray(value.history) &&
    Array.isArray(value.closedTokens)
  );
}

export class ExecutionFiles {
  private readonly dir: string | undefined;
  private readonly log: (line: string) => void;
  private closed = false;

  constructor(dataDir: string | undefined, log: (line: string) => void) {
    this.log = log;
    if (dataDir === undefined) return;
    this.dir = join(resolve(dataDir), "executions");
    mkdirSync(this.dir, { recursive: true });
  }

  private fileOf(executionArn: string): string {
    const id = createHash("sha256").update(executionArn).digest("hex").slice(0, 40);
    return join(this.dir ?? "", `${id}.json`);
  }

  loadAll(): ExecutionRecord[] {
    const log = this.log;
    if (this.dir === undefined) return [];
    const records: ExecutionRecord[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!file.endsWith(".json")) continue;
      try {
        const value: unknown = JSON.parse(readFileSync(join(this.dir, file), "utf8"));
        if (looksLikeRecord(value)) records.push(value);
        else log(`stepfunctions: ignoring malformed execution file ${file}`);
      } catch (error) {
        log(`stepfunctions: cannot read execution file ${file}: ${String(error)}`);
      }
    }
    return records;
  }

  /**
   * Writes a STANDARD execution's record (write + rename: a crash never leaves half a file).
   * A failed write is logged, not thrown: it must not break the execution that is running.
   */
  save(record: ExecutionRecord): void {
    if (this.dir === undefined || this.closed || record.type !== "STANDARD") return;
    const file = this.fileOf(record.executionArn);
    const temporary = `${file}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(record));
      renameSync(temporary, file);
    } catch (error) {
      this.log(`stepfunctions: cannot save ${record.executionArn}: ${String(error)}`);
    }
  }

  /** After close() nothing is written any more: records stay as they were (RUNNING ones resume later). */
  close(): void {
    this.closed = true;
  }
}

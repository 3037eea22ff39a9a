import { renameSync, writeFileSync } from "node:fs";

/**
 * Writes a file whole or not at all (write a temporary file beside it, then rename): a process
 * killed in the middle leaves the old content, never half of the new.
 */
export function writeWhole(file: string, text: string, mode = 0o644): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, file);
}

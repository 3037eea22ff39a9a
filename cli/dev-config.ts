import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** What `npm start` writes to .hitl/dev.json so any client can reach the local cloud. */
export interface DevConfig {
  apiUrl: string;
  tokens: Record<"producer" | "reviewer" | "analyst" | "ml" | "admin", string>;
  endpoints: { dynamodb: string; sqs: string; stepfunctions: string };
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The local cloud's data folder the CLI talks to: `.hitl`, or HITL_DATA_DIR (`hitl dev --data-dir`). */
export const DATA_DIR_ENV = "HITL_DATA_DIR";

/** Where the local cloud's dev.json is: in HITL_DATA_DIR, else in `.hitl`. */
export function devConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env[DATA_DIR_ENV] || ".hitl", "dev.json");
}

/** Reads the local cloud's dev.json, or explains how to get one. HITL_API_URL / HITL_TOKEN override for real deployments. */
export function readDevConfig(file = devConfigFile()): DevConfig {
  if (!existsSync(file)) {
    throw new Error(
      `${file} not found: start the local cloud first with \`npm start\` (or set HITL_API_URL and HITL_TOKEN)`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as DevConfig;
}

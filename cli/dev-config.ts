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

export const DEV_CONFIG = path.join(".hitl", "dev.json");

/** Reads .hitl/dev.json, or explains how to get one. HITL_API_URL / HITL_TOKEN override for real deployments. */
export function readDevConfig(file = DEV_CONFIG): DevConfig {
  if (!existsSync(file)) {
    throw new Error(
      `${file} not found: start the local cloud first with \`npm start\` (or set HITL_API_URL and HITL_TOKEN)`,
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as DevConfig;
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { devConfigFile } from "./dev-config";

/**
 * Where the CLI finds DynamoDB and the app's tables. Small on purpose (the local cloud may grow a
 * richer inventory); three sources, in order:
 * 1. `--aws`: the AWS SDK's default region and credentials; table names from the same environment
 *    variables the functions use (DECISIONS_TABLE, REVIEWS_TABLE, EXPERIMENTS_TABLE, METRICS_TABLE).
 * 2. the local cloud's `dev.json` (in HITL_DATA_DIR, else `.hitl`): endpoints, region, credentials, and optionally
 *    `resources: { "<logical id or its prefix>": "<table name>" }`.
 * 3. Otherwise table names from `cdk.out/*.template.json`: the local cloud names a table by its
 *    CloudFormation logical id (or its TableName property when set).
 */
export interface CliEnvironment {
  region?: string;
  endpoints: { dynamodb?: string; sqs?: string; stepfunctions?: string };
  credentials?: { accessKeyId: string; secretAccessKey: string };
  tables: Record<TableRole, string>;
}

/** Construct ids of the tables in lib/stateful-stack.ts; logical ids start with them. */
export const TABLE_IDS = {
  decisions: "DecisionsTable",
  reviews: "ReviewsTable",
  experiments: "ExperimentsTable",
  metrics: "MetricsTable",
  audit: "AuditTable",
} as const;
export type TableRole = keyof typeof TABLE_IDS;

const ENV_NAMES: Record<TableRole, string> = {
  decisions: "DECISIONS_TABLE",
  reviews: "REVIEWS_TABLE",
  experiments: "EXPERIMENTS_TABLE",
  metrics: "METRICS_TABLE",
  audit: "AUDIT_TABLE",
};

export interface ResolveOptions {
  aws?: boolean;
  /** Default `dev.json` in HITL_DATA_DIR, else in `.hitl`. */
  devFile?: string;
  /** Default `cdk.out`. */
  cdkOut?: string;
  env?: NodeJS.ProcessEnv;
}

interface DevJson {
  region?: string;
  endpoints?: CliEnvironment["endpoints"];
  credentials?: CliEnvironment["credentials"];
  resources?: Record<string, string>;
}

const TABLE_TYPES = new Set(["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"]);

/** Logical id → local table name, from every synthesized template. */
function tablesFromTemplates(cdkOut: string): Record<string, string> {
  if (!existsSync(cdkOut)) return {};
  const out: Record<string, string> = {};
  for (const file of readdirSync(cdkOut).filter((f) => f.endsWith(".template.json"))) {
    const template = JSON.parse(readFileSync(path.join(cdkOut, file), "utf8")) as {
      Resources?: Record<string, { Type?: string; Properties?: { TableName?: unknown } }>;
    };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (!TABLE_TYPES.has(resource.Type ?? "")) continue;
      const name = resource.Properties?.TableName;
      out[logicalId] = typeof name === "string" ? name : logicalId;
    }
  }
  return out;
}

function pick(names: Record<string, string>, prefix: string): string | undefined {
  if (names[prefix]) return names[prefix];
  const matches = Object.keys(names).filter((id) => id.startsWith(prefix));
  return matches.length === 1 && matches[0] ? names[matches[0]] : undefined;
}

export function resolveEnvironment(options: ResolveOptions = {}): CliEnvironment {
  const env = options.env ?? process.env;
  if (options.aws) {
    const tables = {} as Record<TableRole, string>;
    for (const role of Object.keys(TABLE_IDS) as TableRole[]) tables[role] = env[ENV_NAMES[role]] ?? "";
    return { endpoints: {}, tables };
  }
  const devFile = options.devFile ?? devConfigFile(env);
  if (!existsSync(devFile))
    throw new Error(`${devFile} not found: start the local cloud (npm start), or pass --aws to use AWS`);
  const dev = JSON.parse(readFileSync(devFile, "utf8")) as DevJson;
  const fromTemplates = tablesFromTemplates(options.cdkOut ?? "cdk.out");
  const tables = {} as Record<TableRole, string>;
  for (const role of Object.keys(TABLE_IDS) as TableRole[]) {
    const id = TABLE_IDS[role];
    tables[role] = (dev.resources && pick(dev.resources, id)) ?? pick(fromTemplates, id) ?? "";
  }
  return {
    ...(dev.region ? { region: dev.region } : {}),
    endpoints: dev.endpoints ?? {},
    ...(dev.credentials ? { credentials: dev.credentials } : {}),
    tables,
  };
}

/** The table name for `role`, or an error that says how to provide it. */
export function requireTable(environment: CliEnvironment, role: TableRole): string {
  const name = environment.tables[role];
  if (!name)
    throw new Error(
      `cannot find the ${TABLE_IDS[role]} table: set ${ENV_NAMES[role]} (with --aws), add it to the dev file's "resources", or run cdk synth`,
    );
  return name;
}

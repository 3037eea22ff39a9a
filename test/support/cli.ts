import { writeFileSync } from "node:fs";
import { Command, CommanderError } from "commander";

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
  error?: CommanderError;
}

/**
 * Runs one `hitl` command in-process through commander: `register` adds the command, `argv` is what
 * follows `hitl`. Output and the exit code (process.exitCode or commander's own) are captured, and
 * process.exitCode is restored afterwards.
 */
export async function runCli(register: (program: Command) => void, argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const program = new Command("hitl").exitOverride().configureOutput({
    writeOut: (s) => {
      stdout += s;
    },
    writeErr: (s) => {
      stderr += s;
    },
  });
  register(program);
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(argv, { from: "user" });
    return {
      stdout,
      stderr,
      exitCode: process.exitCode === undefined ? undefined : Number(process.exitCode),
    };
  } catch (error) {
    if (error instanceof CommanderError) return { stdout, stderr, exitCode: error.exitCode, error };
    throw error;
  } finally {
    process.exitCode = previous;
  }
}

/** The tables a `--dev-file` for the metrics commands names, by logical id prefix. */
export interface MetricsTables {
  decisions: string;
  reviews: string;
  experiments: string;
  metrics: string;
  /** Where `--repair` appends its audit entry. */
  audit?: string;
}

/** Writes a `.hitl/dev.json`-shaped file pointing the CLI at a DynamoDB Local and its tables. */
export function writeDevFile(file: string, dynamodbEndpoint: string, tables: MetricsTables): string {
  writeFileSync(
    file,
    JSON.stringify({
      region: "us-east-1",
      endpoints: { dynamodb: dynamodbEndpoint },
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      resources: {
        DecisionsTable: tables.decisions,
        ReviewsTable: tables.reviews,
        ExperimentsTable: tables.experiments,
        MetricsTable: tables.metrics,
        ...(tables.audit ? { AuditTable: tables.audit } : {}),
      },
    }),
  );
  return file;
}

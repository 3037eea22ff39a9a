/**
 * Opt-in counting of the AWS operations a process performs, for the benchmark and for cost checks
 * in real Lambda logs. `countOperations(client)` adds one SDK middleware; with
 * `HITL_COUNT_OPERATIONS=1` in the environment every operation writes one structured log line:
 *
 *   {"_hitl_ops":{"DynamoDB.PutItem":1},"_hitl_units":{"DynamoDB.PutItem WRU":2},"_hitl_ms":{"DynamoDB.PutItem":3.1}}
 *
 * Units are what AWS bills: DynamoDB request units as the service reports them (ConsumedCapacity,
 * indexes and the transactional ×2 included) and SQS requests in 64 KB chunks. Without the variable
 * the client is returned untouched, so production pays nothing for it.
 */
import type {
  HandlerExecutionContext,
  InitializeHandlerArguments,
  InitializeHandlerOptions,
  InitializeHandlerOutput,
  InitializeMiddleware,
  MetadataBearer,
} from "@smithy/types";

export const COUNT_OPERATIONS_ENV = "HITL_COUNT_OPERATIONS";
export const OPS_KEY = "_hitl_ops";
export const UNITS_KEY = "_hitl_units";
export const ERROR_KEY = "_hitl_error";
export const MS_KEY = "_hitl_ms";
const MIDDLEWARE_NAME = "hitlCountOperations";

export interface OperationRecord {
  /** `<Service>.<Operation>`, e.g. "DynamoDB.PutItem", "SQS.SendMessageBatch", "StepFunctions.StartSyncExecution". */
  readonly operation: string;
  /** Billed units of this call: {"WRU": 2}, {"RRU": 0.5} (DynamoDB) or {"requests": 1} (SQS, 64 KB chunks). */
  readonly units: Readonly<Record<string, number>>;
  /** The error's name when the call failed (e.g. ConditionalCheckFailedException). */
  readonly error?: string;
  /** Wall time of the call as the client saw it (retries included). */
  readonly ms: number;
}

/** What a set of log lines adds up to. */
export interface OperationTotals {
  ops: Record<string, number>;
  /** Billed units by `"<operation> <unit>"`, e.g. "DynamoDB.PutItem WRU". */
  units: Record<string, number>;
  errors: Record<string, number>;
  /** Summed call time by operation. */
  ms: Record<string, number>;
}

/** The one structural piece of an SDK v3 client this module needs. */
export interface Countable {
  readonly middlewareStack: {
    add(
      middleware: InitializeMiddleware<object, MetadataBearer>,
      options: InitializeHandlerOptions & { name?: string; override?: boolean },
    ): void;
  };
}

const SERVICE_NAMES: Readonly<Record<string, string>> = {
  DynamoDBClient: "DynamoDB",
  SQSClient: "SQS",
  SFNClient: "StepFunctions",
};

const DYNAMO_READS = new Set(["GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"]);
const DYNAMO_WRITES = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
]);
/** SQS bills each started 64 KB of payload as one request. */
const SQS_CHUNK_BYTES = 64 * 1024;

export function operationName(context: Pick<HandlerExecutionContext, "clientName" | "commandName">): string {
  const client = context.clientName ?? "Unknown";
  const service = SERVICE_NAMES[client] ?? client.replace(/Client$/, "");
  return `${service}.${(context.commandName ?? "Unknown").replace(/Command$/, "")}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function capacityUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce<number>((sum, entry) => {
    const units = isRecord(entry) ? Number(entry.CapacityUnits) : 0;
    return sum + (Number.isFinite(units) ? units : 0);
  }, 0);
}

const byteLength = (value: unknown): number =>
  typeof value === "string" ? Buffer.byteLength(value, "utf8") : 0;

function attributeBytes(attributes: unknown): number {
  if (!isRecord(attributes)) return 0;
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes += byteLength(name);
    if (isRecord(value)) bytes += byteLength(value.DataType) + byteLength(value.StringValue);
  }
  return bytes;
}

/** SQS payload bytes of a send (body plus message attributes), summed over a batch. */
export function sqsPayloadBytes(input: unknown): number {
  if (!isRecord(input)) return 0;
  const entries = Array.isArray(input.Entries) ? input.Entries : [input];
  return entries.reduce<number>(
    (sum, entry) =>
      sum + (isRecord(entry) ? byteLength(entry.MessageBody) + attributeBytes(entry.MessageAttributes) : 0),
    0,
  );
}

export const sqsBilledRequests = (payloadBytes: number): number =>
  Math.max(1, Math.ceil(payloadBytes / SQS_CHUNK_BYTES));

/**
 * WRU a TransactWriteItems request costs at least: 2 per started KB of each Put's item, 2 for each
 * other action (its item's size is not in the request). DynamoDB Local reports 2 for any
 * transaction, however many actions it holds; AWS reports the real figure, which is never lower.
 */
export function transactWriteUnits(input: unknown): number {
  if (!isRecord(input) || !Array.isArray(input.TransactItems)) return 0;
  return input.TransactItems.reduce<number>((sum, action) => {
    const put = isRecord(action) && isRecord(action.Put) ? action.Put.Item : undefined;
    // JSON length stands in for DynamoDB's item size (names + values); close enough to round to KB.
    const kb = put === undefined ? 1 : Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(put)) / 1024));
    return sum + 2 * kb;
  }, 0);
}

/** The billed units of one call, from its input and (when it succeeded) its output. */
export function unitsOf(operation: string, input: unknown, output: unknown): Record<string, number> {
  const [service, action = ""] = operation.split(".");
  if (service === "DynamoDB") {
    const reported = isRecord(output) ? capacityUnits(output.ConsumedCapacity) : 0;
    const succeeded = output !== undefined;
    const units =
      action === "TransactWriteItems" && succeeded ? Math.max(reported, transactWriteUnits(input)) : reported;
    if (DYNAMO_WRITES.has(action)) return { WRU: units };
    if (DYNAMO_READS.has(action)) return { RRU: units };
    return {};
  }
  if (service === "SQS") return { requests: sqsBilledRequests(sqsPayloadBytes(input)) };
  return {};
}

/** Sum of one unit ("WRU", "RRU", "requests") over every operation, optionally of one service. */
export function unitTotal(units: Readonly<Record<string, number>>, unit: string, service?: string): number {
  let sum = 0;
  for (const [key, n] of Object.entries(units)) {
    if (key.endsWith(` ${unit}`) && (service === undefined || key.startsWith(`${service}.`))) sum += n;
  }
  return sum;
}

export function formatOperationLine(record: OperationRecord): string {
  const line: Record<string, unknown> = { [OPS_KEY]: { [record.operation]: 1 } };
  const units = Object.entries(record.units).map(([unit, n]) => [`${record.operation} ${unit}`, n]);
  if (units.length > 0) line[UNITS_KEY] = Object.fromEntries(units);
  if (record.error) line[ERROR_KEY] = { [`${record.operation}.${record.error}`]: 1 };
  line[MS_KEY] = { [record.operation]: Math.round(record.ms * 100) / 100 };
  return JSON.stringify(line);
}

function numberMap(value: unknown): Record<string, number> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(value)) {
    if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
    out[key] = n;
  }
  return out;
}

/**
 * Reads one counting line, wherever it sits in a log line (after the local cloud's `[Function] `
 * prefix or Lambda's `<time> <request id> INFO ` one). Anything else gives undefined.
 */
export function parseOperationLine(line: string): OperationTotals | undefined {
  if (!line.includes(`"${OPS_KEY}"`)) return undefined;
  const start = line.indexOf("{");
  if (start < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(start));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const ops = numberMap(parsed[OPS_KEY]);
  if (!ops) return undefined;
  return {
    ops,
    units: numberMap(parsed[UNITS_KEY]) ?? {},
    errors: numberMap(parsed[ERROR_KEY]) ?? {},
    ms: numberMap(parsed[MS_KEY]) ?? {},
  };
}

export const emptyTotals = (): OperationTotals => ({ ops: {}, units: {}, errors: {}, ms: {} });

/** Adds `more` into `into` (mutates and returns it). */
export function addTotals(into: OperationTotals, more: OperationTotals): OperationTotals {
  for (const key of ["ops", "units", "errors", "ms"] as const) {
    for (const [name, n] of Object.entries(more[key])) into[key][name] = (into[key][name] ?? 0) + n;
  }
  return into;
}

export interface CountOptions {
  /** Count even without HITL_COUNT_OPERATIONS=1 (tests pass a sink and this). */
  readonly enabled?: boolean;
  /** Where records go; default one console.log line each (CloudWatch Logs in Lambda). */
  readonly sink?: (record: OperationRecord) => void;
}

/**
 * Adds the counting middleware to an SDK v3 client and returns the same client. Counted once per
 * command (retries are not counted again). DynamoDB data calls ask for ReturnConsumedCapacity
 * TOTAL unless the caller chose a value, so the line carries the units AWS bills.
 */
export function countOperations<C extends Countable>(client: C, options: CountOptions = {}): C {
  const enabled = options.enabled ?? process.env[COUNT_OPERATIONS_ENV] === "1";
  if (!enabled) return client;
  const sink = options.sink ?? ((record: OperationRecord) => console.log(formatOperationLine(record)));
  const middleware: InitializeMiddleware<object, MetadataBearer> =
    (next, context) =>
    async (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<MetadataBearer>> => {
      const operation = operationName(context);
      const [service, action = ""] = operation.split(".");
      const wantsCapacity =
        service === "DynamoDB" &&
        (DYNAMO_READS.has(action) || DYNAMO_WRITES.has(action)) &&
        isRecord(args.input) &&
        args.input.ReturnConsumedCapacity === undefined;
      const input = wantsCapacity ? { ...args.input, ReturnConsumedCapacity: "TOTAL" } : args.input;
      const started = performance.now();
      try {
        const result = await next({ ...args, input });
        sink({ operation, units: unitsOf(operation, input, result.output), ms: performance.now() - started });
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : "Error";
        const ms = performance.now() - started;
        sink({ operation, units: unitsOf(operation, input, undefined), error: name, ms });
        throw error;
      }
    };
  client.middlewareStack.add(middleware, { step: "initialize", name: MIDDLEWARE_NAME, override: true });
  return client;
}

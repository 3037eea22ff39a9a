// The Step Functions API over HTTP, AWS JSON 1.0 protocol (what @aws-sdk/client-sfn and the AWS CLI speak):
// POST / with `X-Amz-Target: AWSStepFunctions.<Operation>`; errors are 400 {"__type", "message"}.
// Dates go out as epoch seconds, as AWS sends them. Signatures are not checked.
//
// StartSyncExecution: the SDK prefixes the endpoint host with "sync-" (AWS serves it on sync-states.*).
// With a local endpoint such as http://127.0.0.1:8083 that becomes sync-127.0.0.1, which does not resolve;
// clients must set `disableHostPrefix: true` (SDK v3) when they use this endpoint (see local/README.md).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SfnServiceError } from "./errors";
import { isJsonObject, type JsonObject } from "./json";
import type { HistoryEvent, StepFunctionsService } from "./types";

const MAX_BODY_BYTES = 2 * 1024 * 1024;

class ValidationError extends SfnServiceError {
  constructor(message: string) {
    super("ValidationException", message);
  }
}

function requiredString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ValidationError(`Value at '${field}' must be a string`);
  return value;
}

/** Dates → epoch seconds, undefined members dropped: the wire format of AWS JSON responses. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === "object" && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) result[key] = toWire(member);
    }
    return result;
  }
  return value;
}

function detailsKey(type: string): string {
  if (type.endsWith("StateEntered")) return "stateEnteredEventDetails";
  if (type.endsWith("StateExited")) return "stateExitedEventDetails";
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

function historyEventToWire(event: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    timestamp: event.timestamp / 1000,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event.details ?? {})) {
    if (value === null) continue;
    if (!includeData && (key === "input" || key === "output" || key === "parameters")) continue;
    details[key] = value;
  }
  if (Object.keys(details).length > 0) wire[detailsKey(event.type)] = details;
  return wire;
}

function paginate<T>(items: T[], body: JsonObject): { page: T[]; nextToken?: string } {
  const maxResults = typeof body.maxResults === "number" && body.maxResults > 0 ? body.maxResults : 1000;
  const token = optionalString(body, "nextToken");
  const start = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) throw new SfnServiceError("InvalidToken", "Invalid nextToken");
  const end = start + maxResults;
  return {
    page: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(String(end), "utf8").toString("base64url") : undefined,
  };
}

type Operation = (service: StepFunctionsService, body: JsonObject) => Promise<unknown>;

const OPERATIONS: Record<string, Operation> = {
  StartExecution: (service, body) =>
    service.startExecution({
      stateMachineArn: requiredString(body, "stateMachineArn"),
      name: optionalString(body, "name"),
      input: optionalString(body, "input"),
    }),
  StartSyncExecution: async (service, body) => {
    const result = await service.startSyncExecution({
      stateMachineArn: requiredString(body, "stateMachineArn"),
      name: optionalString(body, "name"),
      input: optionalString(body, "input"),
    });
    const durationMs = result.stopDate.getTime() - result.startDate.getTime();
    return {
      ...result,
      inputDetails: { included: true },
      outputDetails: result.output === undefined ? undefined : { included: true },
      billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, durationMs) },
    };
  },
  DescribeExecution: (service, body) => service.describeExecution(requiredString(body, "executionArn")),
  StopExecution: async (service, body) => {
    const executionArn = requiredString(body, "executionArn");
    await service.stopExecution(executionArn, optionalString(body, "error"), optionalString(body, "cause"));
    const description = await service.describeExecution(executionArn);
    return { stopDate: description.stopDate ?? new Date() };
  },
  SendTaskSuccess: async (service, body) => {
    await service.sendTaskSuccess(requiredString(body, "taskToken"), requiredString(body, "output"));
    return {};
  },
  SendTaskFailure: async (service, body) => {
    await service.sendTaskFailure(
      requiredString(body, "taskToken"),
      optionalString(body, "error"),
      optionalString(body, "cause"),
    );
    return {};
  },
  SendTaskHeartbeat: async (service, body) => {
    await service.sendTaskHeartbeat(requiredString(body, "taskToken"));
    return {};
  },
  ListExecutions: async (service, body) => {
    const { executions } = await service.listExecutions(
      requiredString(body, "stateMachineArn"),
      optionalString(body, "statusFilter"),
    );
    const { page, nextToken } = paginate(executions, body);
    return { executions: page, nextToken };
  },
  ListStateMachines: async (service, body) => {
    const { stateMachines } = await service.listStateMachines();
    const { page, nextToken } = paginate(stateMachines, body);
    return { stateMachines: page, nextToken };
  },
  DescribeStateMachine: (service, body) =>
    service.describeStateMachine(requiredString(body, "stateMachineArn")),
  GetExecutionHistory: async (service, body) => {
    const { events } = await service.getExecutionHistory(
      requiredString(body, "executionArn"),
      body.reverseOrder === true,
    );
    const includeData = body.includeExecutionData !== false;
    const { page, nextToken } = paginate(events, body);
    return { events: page.map((event) => historyEventToWire(event, includeData)), nextToken };
  },
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SfnServiceError("ValidationException", "request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, {
    "Content-Type": "application/x-amz-json-1.0",
    "Content-Length": Buffer.byteLength(body),
    "x-amzn-RequestId": randomUUID(),
  });
  response.end(body);
}

async function handle(
  service: StepFunctionsService,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = request.headers["x-amz-target"];
  const operationName = typeof target === "string" ? target.replace(/^AWSStepFunctions\./, "") : "";
  const operation = request.method === "POST" ? OPERATIONS[operationName] : undefined;
  if (operation === undefined) {
    send(response, 400, {
      __type: "UnknownOperationException",
      message: `Unknown operation: '${target ?? ""}'`,
    });
    return;
  }
  try {
    const text = await readBody(request);
    let body: unknown = {};
    try {
      body = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      throw new SfnServiceError("SerializationException", "request body is not valid JSON");
    }
    if (!isJsonObject(body))
      throw new SfnServiceError("SerializationException", "request body must be a JSON object");
    send(response, 200, toWire(await operation(service, body)));
  } catch (error) {
    if (error instanceof SfnServiceError) {
      send(response, 400, { __type: error.code, message: error.message });
      return;
    }
    send(response, 500, {
      __type: "InternalFailure",
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

export async function startApiServer(
  service: StepFunctionsService,
  opts: { port?: number; host?: string },
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((request, response) => {
    void handle(service, request, response);
  });
  // StartSyncExecution can legitimately take up to five minutes.
  server.requestTimeout = 6 * 60 * 1000;
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.removeListener("error", reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const endpoint = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    stop: () => {
      stopped ??= new Promise<void>((resolveStop) => {
        server.close(() => resolveStop());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

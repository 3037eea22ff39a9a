// Task state service integrations: what a Task's `Resource` does locally.
import { randomUUID } from "node:crypto";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import * as sqs from "@aws-sdk/client-sqs";
import { describeUnknownError, StatesRuntimeFailure, TaskError } from "./errors";
import { isJsonObject, type Json, type JsonObject, toJson } from "./json";

export type IntegrationPattern = "request" | "token" | "sync" | "sync2";

export interface ParsedResource {
  arn: string;
  /** A Lambda function ARN used directly as the Resource. */
  directLambda: boolean;
  /** aws-sdk:<service>:<action> rather than an optimized integration. */
  sdk: boolean;
  service: string;
  action: string;
  pattern: IntegrationPattern;
}

export interface ExecutionSummary {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
}

export interface IntegrationEnv {
  invokeFunction(functionArnOrName: string, payload: unknown): Promise<unknown>;
  sqs(): sqs.SQSClient;
  dynamodb(): dynamodb.DynamoDBClient;
  startExecution(input: { stateMachineArn: string; name?: string; input?: string }): Promise<{
    executionArn: string;
    startDate: Date;
  }>;
  /** Resolves when the execution has stopped (any status). */
  waitForExecution(executionArn: string): Promise<ExecutionSummary>;
  log(line: string): void;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const STATES_ARN =
  /^arn:aws[a-z-]*:states:[^:]*:[^:]*:(aws-sdk:)?([a-zA-Z0-9-]+):([a-zA-Z0-9]+)(\.[a-zA-Z0-9:]+)?$/;

const PATTERNS: Record<string, IntegrationPattern> = {
  "": "request",
  ".waitForTaskToken": "token",
  ".sync": "sync",
  ".sync:2": "sync2",
};

/** How history events name a task's resource (`resourceType`, `resource`), as AWS does. */
export function resourceDetails(resource: ParsedResource): JsonObject {
  const suffix = { request: "", token: ".waitForTaskToken", sync: ".sync", sync2: ".sync:2" }[
    resource.pattern
  ];
  return {
    resourceType: resource.sdk ? `aws-sdk:${resource.service}` : resource.service,
    resource: `${resource.action}${suffix}`,
  };
}

export function parseResource(resource: string): ParsedResource | undefined {
  if (LAMBDA_ARN.test(resource)) {
    return {
      arn: resource,
      directLambda: true,
      sdk: false,
      service: "lambda",
      action: "invoke",
      pattern: "request",
    };
  }
  const match = STATES_ARN.exec(resource);
  if (match === null) return undefined;
  const [, sdkPrefix, service = "", action = "", suffix = ""] = match;
  const pattern = PATTERNS[suffix];
  if (pattern === undefined) return undefined;
  return { arn: resource, directLambda: false, sdk: sdkPrefix !== undefined, service, action, pattern };
}

const OPTIMIZED: Record<string, Partial<Record<IntegrationPattern, true>>> = {
  "lambda:invoke": { request: true, token: true },
  "sqs:sendMessage": { request: true, token: true },
  "states:startExecution": { request: true, sync: true, sync2: true },
  "dynamodb:putItem": { request: true },
  "dynamodb:getItem": { request: true },
  "dynamodb:updateItem": { request: true },
  "dynamodb:deleteItem": { request: true },
  "events:putEvents": { request: true, token: true },
  "sns:publish": { request: true, token: true },
};

const SDK_SERVICES = new Set(["dynamodb", "sqs"]);

/** Why a resource cannot run locally, or undefined when it can. */
export function unsupportedReason(
  resource: ParsedResource | undefined,
  original: string,
): string | undefined {
  const supported = `supported: Lambda function ARNs, ${Object.keys(OPTIMIZED).join(", ")}, aws-sdk:dynamodb:*, aws-sdk:sqs:*`;
  if (resource === undefined)
    return `Task resource '${original}' is not supported by the local Step Functions (${supported})`;
  if (resource.directLambda) return undefined;
  if (resource.sdk) {
    if (SDK_SERVICES.has(resource.service) && resource.pattern === "request") return undefined;
    return `Task resource '${original}' is not supported by the local Step Functions (${supported})`;
  }
  const patterns = OPTIMIZED[`${resource.service}:${resource.action}`];
  if (patterns?.[resource.pattern] === true) return undefined;
  return `Task resource '${original}' (integration pattern '${resource.pattern}') is not supported by the local Step Functions (${supported})`;
}

/** The SdkHttpMetadata/SdkResponseMetadata members AWS adds to optimized integration results. */
function sdkMetadata(): JsonObject {
  const requestId = randomUUID();
  const headers = { "Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": requestId };
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function withoutMetadata(output: object): JsonObject {
  const { $metadata: _ignored, ...rest } = output as { $metadata?: unknown };
  const json = toJson(rest);
  return isJsonObject(json) ? json : {};
}

function requireObject(input: Json, what: string): JsonObject {
  if (!isJsonObject(input))
    throw new StatesRuntimeFailure(`${what}: the task's Parameters must be a JSON object`);
  return input;
}

function requireString(input: JsonObject, field: string, what: string): string {
  const value = input[field];
  if (typeof value !== "string" || value === "") {
    throw new StatesRuntimeFailure(`${what}: required parameter '${field}' is missing or not a string`);
  }
  return value;
}

/** A Lambda failure as Step Functions reports it: the error type as name, the error JSON as Cause. */
export function lambdaTaskError(error: unknown): TaskError {
  const { name, message } = describeUnknownError(error);
  return new TaskError(name, JSON.stringify({ errorType: name, errorMessage: message }));
}

function serviceError(prefix: string, error: unknown, ensureExceptionSuffix: boolean): TaskError {
  const { name, message } = describeUnknownError(error);
  const errorName = ensureExceptionSuffix && !name.endsWith("Exception") ? `${name}Exception` : name;
  return new TaskError(`${prefix}.${errorName}`, `${message} (Service: ${prefix}; Error Code: ${name})`);
}

async function invokeLambda(functionName: string, payload: Json, env: IntegrationEnv): Promise<Json> {
  try {
    return toJson(await env.invokeFunction(functionName, payload));
  } catch (error) {
    throw lambdaTaskError(error);
  }
}

async function lambdaInvoke(input: Json, env: IntegrationEnv): Promise<Json> {
  const parameters = requireObject(input, "lambda:invoke");
  const functionName = requireString(parameters, "FunctionName", "lambda:invoke");
  const payload = parameters.Payload ?? null;
  if (parameters.InvocationType === "Event") {
    env.invokeFunction(functionName, payload).catch((error: unknown) => {
      env.log(`stepfunctions: asynchronous invocation of ${functionName} failed: ${String(error)}`);
    });
    return { Payload: "", StatusCode: 202, ...sdkMetadata() };
  }
  const result = await invokeLambda(functionName, payload, env);
  return { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200, ...sdkMetadata() };
}

function messageBody(value: Json | undefined): string {
  if (value === undefined)
    throw new StatesRuntimeFailure("sqs:sendMessage: required parameter 'MessageBody' is missing");
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function sqsSendMessage(input: Json, env: IntegrationEnv): Promise<Json> {
  const parameters = requireObject(input, "sqs:sendMessage");
  const command = new sqs.SendMessageCommand({
    ...(parameters as unknown as sqs.SendMessageCommandInput),
    QueueUrl: requireString(parameters, "QueueUrl", "sqs:sendMessage"),
    MessageBody: messageBody(parameters.MessageBody),
  });
  try {
    const output = await env.sqs().send(command);
    return { ...withoutMetadata(output), ...sdkMetadata() };
  } catch (error) {
    throw serviceError("SQS", error, false);
  }
}

const DYNAMODB_OPTIMIZED: Record<string, string> = {
  putItem: "PutItemCommand",
  getItem: "GetItemCommand",
  updateItem: "UpdateItemCommand",
  deleteItem: "DeleteItemCommand",
};

type AnyCommand<Client extends { send: (command: never) => unknown }> = Parameters<Client["send"]>[0];

function commandClass<T>(module: object, commandName: string, what: string): new (input: unknown) => T {
  const value: unknown = Reflect.get(module, commandName);
  if (typeof value !== "function") throw new StatesRuntimeFailure(`${what}: no such API action`);
  return value as new (
    input: unknown,
  ) => T;
}

async function dynamodbCall(resource: ParsedResource, input: Json, env: IntegrationEnv): Promise<Json> {
  const what = `dynamodb:${resource.action}`;
  const parameters = requireObject(input, what);
  const commandName = resource.sdk
    ? `${resource.action.charAt(0).toUpperCase()}${resource.action.slice(1)}Command`
    : DYNAMODB_OPTIMIZED[resource.action];
  if (commandName === undefined) throw new StatesRuntimeFailure(`${what}: not supported`);
  const Command = commandClass<AnyCommand<dynamodb.DynamoDBClient>>(dynamodb, commandName, what);
  try {
    const output: object = await env.dynamodb().send(new Command(parameters));
    return resource.sdk ? withoutMetadata(output) : { ...withoutMetadata(output), ...sdkMetadata() };
  } catch (error) {
    if (error instanceof StatesRuntimeFailure) throw error;
    // Optimized integrations name errors DynamoDB.<Exception>; AWS SDK integrations DynamoDb.<Name>Exception.
    throw resource.sdk ? serviceError("DynamoDb", error, true) : serviceError("DynamoDB", error, false);
  }
}

async function sqsSdkCall(resource: ParsedResource, input: Json, env: IntegrationEnv): Promise<Json> {
  const what = `aws-sdk:sqs:${resource.action}`;
  const parameters = requireObject(input, what);
  const commandName = `${resource.action.charAt(0).toUpperCase()}${resource.action.slice(1)}Command`;
  const Command = commandClass<AnyCommand<sqs.SQSClient>>(sqs, commandName, what);
  try {
    const output: object = await env.sqs().send(new Command(parameters));
    return withoutMetadata(output);
  } catch (error) {
    throw serviceError("Sqs", error, true);
  }
}

function executionInput(value: Json | undefined): string {
  if (value === undefined || value === null) return "{}";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parsedOrRaw(text: string | undefined): Json {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

async function statesStartExecution(
  resource: ParsedResource,
  input: Json,
  env: IntegrationEnv,
): Promise<Json> {
  const parameters = requireObject(input, "states:startExecution");
  const name = parameters.Name;
  const started = await env
    .startExecution({
      stateMachineArn: requireString(parameters, "StateMachineArn", "states:startExecution"),
      name: typeof name === "string" ? name : undefined,
      input: executionInput(parameters.Input),
    })
    .catch((error: unknown) => {
      throw serviceError("StepFunctions", error, true);
    });
  if (resource.pattern === "request") {
    return { ExecutionArn: started.executionArn, StartDate: started.startDate.getTime(), ...sdkMetadata() };
  }
  const finished = await env.waitForExecution(started.executionArn);
  const asJson = resource.pattern === "sync2";
  const description: JsonObject = {
    ExecutionArn: finished.executionArn,
    StateMachineArn: finished.stateMachineArn,
    Name: finished.name,
    Status: finished.status,
    StartDate: finished.startDate,
    StopDate: finished.stopDate ?? null,
    Input: asJson ? parsedOrRaw(finished.input) : finished.input,
    InputDetails: { Included: true },
  };
  if (finished.status === "SUCCEEDED") {
    description.Output = asJson ? parsedOrRaw(finished.output) : (finished.output ?? null);
    description.OutputDetails = { Included: true };
    return description;
  }
  if (finished.error !== undefined) description.Error = finished.error;
  if (finished.cause !== undefined) description.Cause = finished.cause;
  throw new TaskError("States.TaskFailed", JSON.stringify(description));
}

function eventsPutEvents(input: Json, env: IntegrationEnv): Json {
  const parameters = requireObject(input, "events:putEvents");
  const entries = Array.isArray(parameters.Entries) ? parameters.Entries : [];
  env.log(`stepfunctions: events:putEvents (not delivered locally): ${JSON.stringify(entries)}`);
  return { Entries: entries.map(() => ({ EventId: randomUUID() })), FailedEntryCount: 0, ...sdkMetadata() };
}

function snsPublish(input: Json, env: IntegrationEnv): Json {
  const parameters = requireObject(input, "sns:publish");
  env.log(`stepfunctions: sns:publish (not delivered locally): ${JSON.stringify(parameters)}`);
  return { MessageId: randomUUID(), ...sdkMetadata() };
}

/** Runs a request-response or .sync integration and returns the task result. */
export async function callIntegration(
  resource: ParsedResource,
  input: Json,
  env: IntegrationEnv,
): Promise<Json> {
  if (resource.directLambda) return invokeLambda(resource.arn, input, env);
  if (resource.sdk) {
    if (resource.service === "dynamodb") return dynamodbCall(resource, input, env);
    if (resource.service === "sqs") return sqsSdkCall(resource, input, env);
  }
  switch (`${resource.service}:${resource.action}`) {
    case "lambda:invoke":
      return lambdaInvoke(input, env);
    case "sqs:sendMessage":
      return sqsSendMessage(input, env);
    case "states:startExecution":
      return statesStartExecution(resource, input, env);
    case "events:putEvents":
      return eventsPutEvents(input, env);
    case "sns:publish":
      return snsPublish(input, env);
    default:
      if (resource.service === "dynamodb") return dynamodbCall(resource, input, env);
      throw new StatesRuntimeFailure(unsupportedReason(undefined, resource.arn) ?? resource.arn);
  }
}

/** Sends the request of a .waitForTaskToken task (its input already carries the token). */
export async function dispatchForToken(
  resource: ParsedResource,
  input: Json,
  env: IntegrationEnv,
): Promise<void> {
  switch (`${resource.service}:${resource.action}`) {
    case "sqs:sendMessage":
      await sqsSendMessage(input, env);
      return;
    case "lambda:invoke": {
      const parameters = requireObject(input, "lambda:invoke");
      await invokeLambda(
        requireString(parameters, "FunctionName", "lambda:invoke"),
        parameters.Payload ?? null,
        env,
      );
      return;
    }
    case "events:putEvents":
      eventsPutEvents(input, env);
      return;
    case "sns:publish":
      snsPublish(input, env);
      return;
    default:
      throw new StatesRuntimeFailure(unsupportedReason(undefined, resource.arn) ?? resource.arn);
  }
}

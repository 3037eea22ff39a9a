import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { countOperations } from "../aws-operations";
import { traced } from "../observability";

let client: DynamoDBDocumentClient | undefined;

/**
 * One document client per process, reused across invocations. The endpoint comes from the SDK's
 * standard AWS_ENDPOINT_URL_DYNAMODB, so the same code runs on AWS, the local cloud or LocalStack.
 */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(countOperations(traced(new DynamoDBClient({}))), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return client;
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string })?.name === "ConditionalCheckFailedException";

export const isTransactionConditionFailure = (error: unknown): boolean =>
  (error as { name?: string })?.name === "TransactionCanceledException" &&
  ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some(
    (r) => r.Code === "ConditionalCheckFailed",
  );

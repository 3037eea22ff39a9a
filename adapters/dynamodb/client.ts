import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { countOperations } from "../aws-operations";
import { traced } from "../observability";

let client: DynamoDBDocumentClient | undefined;

/**
 * Numbers are JavaScript numbers both ways. A product's item may hold any double DynamoDB can store
 * (an amount of 1e20, say): the SDK's defaults refuse to write one above 2^53 and read it back as a
 * BigInt (which JSON cannot serialize) or not at all. DynamoDB keeps 38 digits, so the double's own
 * shortest form is stored exactly and reads back as the same double. Inputs are checked against
 * DynamoDB's range first (core/storage/dynamodb-limits.ts).
 */
// A fresh object per client: lib-dynamodb writes its own defaults into the options it is given
// (convertWithoutMapWrapper: true on the first command), which would change a shared unmarshall.
export const numberOptions = () => ({
  marshallOptions: {
    removeUndefinedValues: true,
    convertClassInstanceToMap: false,
    allowImpreciseNumbers: true,
  },
  unmarshallOptions: { wrapNumbers: readNumber },
});

/** A stored number as the double it was written from. */
export const readNumber = (value: string): number => Number(value);

/**
 * One document client per process, reused across invocations. The endpoint comes from the SDK's
 * standard AWS_ENDPOINT_URL_DYNAMODB, so the same code runs on AWS, the local cloud or LocalStack.
 */
export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(countOperations(traced(new DynamoDBClient({}))), numberOptions());
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

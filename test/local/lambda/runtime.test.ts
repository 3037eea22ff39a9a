import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaRuntime, type FunctionSpec, type LambdaRuntime } from "../../../local/lambda";

const HANDLERS = `
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
export async function echo(event, context) {
  console.log("echoing", JSON.stringify(event));
  return {
    event,
    functionName: context.functionName,
    requestId: context.awsRequestId,
    remaining: context.getRemainingTimeInMillis(),
    greeting: process.env.GREETING,
    region: process.env.AWS_REGION,
    sdkLoaded: typeof DynamoDBClient === "function",
  };
}
export async function fail() {
  class ValidationFailed extends Error { name = "ValidationFailed"; }
  throw new ValidationFailed("field x is missing");
}
export async function slow(event) {
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return "done";
}
export function callback(event, context, cb) {
  setTimeout(() => cb(null, { doubled: event.n * 2 }), 5);
}
export async function nothing() {}
`;

let dir: string;
let runtime: LambdaRuntime;
const lines: string[] = [];

function spec(name: string, handler: string, extra: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    logicalId: name,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    taskRoot: dir,
    handler,
    env: { GREETING: "hi", AWS_REGION: "us-east-1" },
    timeoutSeconds: 3,
    memoryMb: 128,
    concurrency: 2,
    ...extra,
  };
}

beforeAll(() => {
  // A folder outside the project: the AWS SDK must still resolve, as Lambda's runtime provides it.
  dir = mkdtempSync(path.join(tmpdir(), "hitl-lambda-"));
  writeFileSync(path.join(dir, "index.mjs"), HANDLERS);
  runtime = createLambdaRuntime(
    [
      spec("Echo", "index.echo"),
      spec("Fail", "index.fail"),
      spec("Slow", "index.slow", { timeoutSeconds: 0.5 }),
      spec("Callback", "index.callback"),
      spec("Nothing", "index.nothing"),
      spec("Missing", "index.notThere"),
    ],
    { log: (line) => lines.push(line) },
  );
});

afterAll(async () => {
  await runtime.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the local Lambda runtime", () => {
  it("runs a handler with its environment and a Lambda-like context", async () => {
    const result = await runtime.invoke("Echo", { hello: "world" });

    expect(result).toMatchObject({
      event: { hello: "world" },
      functionName: "Echo",
      greeting: "hi",
      region: "us-east-1",
      sdkLoaded: true,
    });
    const remaining = (result as { remaining: number }).remaining;
    expect(remaining).toBeGreaterThan(2000);
    expect(remaining).toBeLessThanOrEqual(3000);
  });

  it("accepts a function ARN as well as a name", async () => {
    const result = await runtime.invoke("arn:aws:lambda:us-east-1:000000000000:function:Echo:$LATEST", {
      n: 1,
    });

    expect(result).toMatchObject({ event: { n: 1 } });
  });

  it("forwards the handler's console output prefixed with the function name", async () => {
    await runtime.invoke("Echo", { marker: "log-me" });
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(lines.some((line) => line.startsWith("[Echo]") && line.includes("log-me"))).toBe(true);
  });

  it("rejects with the thrown error's name and message, as Lambda's errorType", async () => {
    const failure = runtime.invoke("Fail", {});

    await expect(failure).rejects.toMatchObject({ name: "ValidationFailed", message: "field x is missing" });
  });

  it("times out a slow handler with Sandbox.Timedout and keeps serving afterwards", async () => {
    const slow = runtime.invoke("Slow", { ms: 2000 });

    await expect(slow).rejects.toMatchObject({ name: "Sandbox.Timedout" });
    await expect(runtime.invoke("Slow", { ms: 10 })).resolves.toBe("done");
  });

  it("supports callback-style handlers and turns undefined into null", async () => {
    await expect(runtime.invoke("Callback", { n: 21 })).resolves.toEqual({ doubled: 42 });
    await expect(runtime.invoke("Nothing", {})).resolves.toBeNull();
  });

  it("runs at most the function's concurrency at once and queues the rest", async () => {
    const started = Date.now();

    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.invoke("Slow", { ms: 150 })));

    expect(results).toEqual(["done", "done", "done", "done"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("reports a missing export and an unknown function clearly", async () => {
    await expect(runtime.invoke("Missing", {})).rejects.toMatchObject({ name: "Runtime.HandlerNotFound" });
    await expect(runtime.invoke("Nope", {})).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });
});

/**
 * One variant of the edge-cost measurement (bench/scenarios/edge.ts), alone in its worker thread:
 * a handler making three DynamoDB PutItem calls through the full SDK stack against a canned HTTP
 * handler (no network, no DynamoDB), so only the code around the calls is measured. Variants:
 *   bare            the handler and the SDK client, nothing else
 *   logger-metrics  under middy with Powertools Logger and Metrics (no Tracer imported)
 *   edge            functions/shared/edge.ts as every function runs it (Logger, Tracer with the
 *                   client captured, Metrics), on an unsampled trace as most requests are
 * Posts the thread's CPU milliseconds per invocation.
 */
import { Readable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";

export type EdgeVariant = "bare" | "logger-metrics" | "edge";
export interface EdgeWorkerInput {
  variant: EdgeVariant;
  warmup: number;
  invocations: number;
}

const canned = {
  handle: async () => ({
    response: {
      statusCode: 200,
      headers: { "content-type": "application/x-amz-json-1.0" },
      body: Readable.from([Buffer.from("{}")]),
    },
  }),
};

const context = {
  functionName: "EdgeBench",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:EdgeBench",
  memoryLimitInMB: "256",
  awsRequestId: "edge-bench",
  logGroupName: "/aws/lambda/EdgeBench",
  logStreamName: "bench",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} satisfies Context;

async function handlerFor(variant: EdgeVariant): Promise<(event: unknown, ctx: Context) => Promise<unknown>> {
  let client = new DynamoDBClient({
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: canned,
  });
  const calls = async () => {
    for (let i = 0; i < 3; i++)
      await client.send(new PutItemCommand({ TableName: "t", Item: { pk: { S: `d-${i}` } } }));
    return "ok";
  };
  if (variant === "bare") return calls;
  if (variant === "logger-metrics") {
    const middy = (await import("@middy/core")).default;
    const { Logger } = await import("@aws-lambda-powertools/logger");
    const { injectLambdaContext } = await import("@aws-lambda-powertools/logger/middleware");
    const { Metrics, MetricUnit } = await import("@aws-lambda-powertools/metrics");
    const logger = new Logger();
    const metrics = new Metrics();
    return middy(async () => {
      const result = await calls();
      metrics.addMetric("DecisionsRouted", MetricUnit.Count, 1);
      return result;
    })
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use({ after: () => void metrics.publishStoredMetrics() });
  }
  const { traced, count, METRIC } = await import("../adapters/observability");
  const { edge } = await import("../functions/shared/edge");
  client = traced(client);
  return edge(async (event: unknown) => {
    const result = await calls();
    count(METRIC.decisionsRouted);
    return [result, event];
  });
}

async function main(input: EdgeWorkerInput): Promise<number> {
  const handler = await handlerFor(input.variant);
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      // A fresh unsampled trace per invocation, as the local runtime gives (local/lambda/worker.ts).
      process.env._X_AMZN_TRACE_ID = `Root=1-00000000-${String(i).padStart(24, "0")};Parent=0000000000000001;Sampled=0`;
      await handler({ request: { decisionId: `d-${i}`, experimentId: "exp" } }, context);
    }
  };
  await run(input.warmup);
  const before = process.threadCpuUsage();
  await run(input.invocations);
  const used = process.threadCpuUsage(before);
  return (used.user + used.system) / 1000 / input.invocations;
}

if (parentPort && workerData) {
  const port = parentPort;
  main(workerData as EdgeWorkerInput).then(
    (msPerInvocation) => port.postMessage({ msPerInvocation }),
    (error: unknown) => port.postMessage({ error: String((error as Error)?.stack ?? error) }),
  );
}

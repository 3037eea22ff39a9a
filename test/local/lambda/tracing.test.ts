import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaRuntime, type LambdaRuntime } from "../../../local/lambda";

// A handler traced as the app's are: Powertools Tracer around it, an SDK client captured.
const HANDLER = `
import { Tracer } from "@aws-lambda-powertools/tracer";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy from "@middy/core";
const tracer = new Tracer({ serviceName: "traced" });
export const handler = middy(async () => {
  const segment = tracer.getSegment();
  return {
    header: process.env._X_AMZN_TRACE_ID,
    enabled: tracer.isTracingEnabled(),
    sampled: segment !== undefined && !segment.notTraced,
  };
}).use(captureLambdaHandler(tracer));
`;

let dir: string;
let daemon: Socket;
let runtime: LambdaRuntime;
const datagrams: Buffer[] = [];
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "hitl-tracing-"));
  writeFileSync(path.join(dir, "index.mjs"), HANDLER);
  // Where an X-Ray daemon would listen: anything sent here would be a segment leaving the worker.
  daemon = createSocket("udp4");
  daemon.on("message", (message) => datagrams.push(message));
  await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
  const port = daemon.address().port;
  runtime = createLambdaRuntime(
    [
      {
        logicalId: "Traced",
        name: "Traced",
        arn: "arn:aws:lambda:us-east-1:000000000000:function:Traced",
        taskRoot: dir,
        handler: "index.handler",
        env: {
          AWS_REGION: "us-east-1",
          AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
          AWS_LAMBDA_FUNCTION_NAME: "Traced",
          LAMBDA_TASK_ROOT: dir,
          AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
        },
        timeoutSeconds: 5,
        memoryMb: 256,
        concurrency: 1,
      },
    ],
    { log: (line) => lines.push(line) },
  );
});

afterAll(async () => {
  await runtime.stop();
  daemon.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tracing in the local Lambda runtime", () => {
  it("gives every invocation a fresh unsampled trace, so the Tracer runs, sends nothing and complains of nothing", async () => {
    // Arrange
    const header = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/;

    // Act
    const results = (await Promise.all([1, 2, 3].map(() => runtime.invoke("Traced", {})))) as {
      header: string;
      enabled: boolean;
      sampled: boolean;
    }[];
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assert
    for (const result of results) {
      expect(result.header).toMatch(header);
      expect(result.enabled).toBe(true);
      expect(result.sampled).toBe(false);
    }
    expect(new Set(results.map((r) => r.header)).size).toBe(3);
    expect(datagrams).toEqual([]);
    expect(lines.filter((line) => /trace data|context missing|xray/i.test(line))).toEqual([]);
  });
});

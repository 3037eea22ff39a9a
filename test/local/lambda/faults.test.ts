import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createFaults,
  createLambdaRuntime,
  type Faults,
  type FunctionSpec,
  type LambdaRuntime,
  parseFaults,
} from "../../../local/lambda";

// Three writes (one refused by a condition, then retried as a plain put) and a read, through the real SDK.
const HANDLERS = `
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
const db = new DynamoDBClient({ maxAttempts: 1 });
const put = (id, extra = {}) =>
  db.send(new PutItemCommand({ TableName: "t", Item: { id: { S: id } }, ...extra }));
export async function writeThree(event) {
  await put(event.id + "-1");
  await db.send(new GetItemCommand({ TableName: "t", Key: { id: { S: "x" } } }));
  try {
    await put("refuse", { ConditionExpression: "attribute_not_exists(id)" });
  } catch {}
  await put(event.id + "-2");
  await put(event.id + "-3");
  return "done";
}
`;

let dir: string;
let server: Server;
let runtime: LambdaRuntime;
let faults: Faults;
/** Every request the fake DynamoDB answered, as `target id`. */
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "").split(".")[1];
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const id = body.Item?.id?.S ?? body.Key?.id?.S;
      seen.push(`${target} ${id}`);
      res.setHeader("content-type", "application/x-amz-json-1.0");
      if (id === "refuse") {
        res.statusCode = 400;
        res.end(
          JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException" }),
        );
      } else res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  dir = mkdtempSync(path.join(tmpdir(), "hitl-faults-"));
  writeFileSync(path.join(dir, "index.mjs"), HANDLERS);
  const spec: FunctionSpec = {
    logicalId: "ReviewStepsFn",
    name: "HitlApp-ReviewStepsFn79D6C933",
    arn: "arn:aws:lambda:us-east-1:000000000000:function:HitlApp-ReviewStepsFn79D6C933",
    taskRoot: dir,
    handler: "index.writeThree",
    env: {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    },
    timeoutSeconds: 10,
    memoryMb: 128,
    concurrency: 2,
  };
  faults = createFaults(() => undefined);
  runtime = createLambdaRuntime([spec], { log: () => undefined, faults });
});

beforeEach(() => {
  faults.clear();
  seen.length = 0;
});

afterAll(async () => {
  await runtime.stop();
  await faults.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const invoke = (id: string) => runtime.invoke("HitlApp-ReviewStepsFn79D6C933", { id });

describe("fault injection in the local Lambda runtime", () => {
  it("kills the worker right after the Nth committed write: nothing after it is sent, and the next invocation runs", async () => {
    // Arrange
    const id = faults.arm({ fn: "review-steps", afterWrite: 2 });

    // Act
    const crashed = await invoke("a").then(
      () => undefined,
      (error: Error) => error,
    );
    const sentByCrashed = [...seen];
    const next = await invoke("b");

    // Assert
    expect(crashed?.name).toBe("Runtime.ExitError");
    expect(sentByCrashed).toEqual(["PutItem a-1", "GetItem x", "PutItem refuse", "PutItem a-2"]);
    expect(next).toBe("done");
    expect(faults.list()).toMatchObject([
      { id, state: "fired", operation: "DynamoDB.PutItem", functionName: "HitlApp-ReviewStepsFn79D6C933" },
    ]);
  });

  it("counts only writes that committed: reads and refused writes do not count", async () => {
    // Arrange: a probe that never fires reports how many writes an invocation made
    faults.arm({ fn: "ReviewSteps", afterWrite: 1000 });

    // Act
    const result = await invoke("p");

    // Assert
    expect(result).toBe("done");
    expect(faults.list()).toMatchObject([{ state: "armed", completedWrites: [3] }]);
  });

  it("fires only in an invocation whose event contains every matched string", async () => {
    // Arrange
    faults.arm({ fn: "review-steps", afterWrite: 1, match: ['"id":"target"'] });

    // Act
    const other = await invoke("other");
    const target = await invoke("target").catch((error: Error) => error.name);

    // Assert
    expect(other).toBe("done");
    expect(target).toBe("Runtime.ExitError");
    expect(seen.filter((line) => line.startsWith("PutItem target"))).toEqual(["PutItem target-1"]);
  });

  it("crashes one of two invocations carrying the same fault at once, as for a message SQS delivered twice", async () => {
    // Arrange
    faults.arm({ fn: "review-steps", afterWrite: 1, match: ['"id":"twice"'] });

    // Act
    const outcomes = await Promise.all(
      [invoke("twice"), invoke("twice")].map((p) => p.then(String, (error: Error) => error.name)),
    );

    // Assert
    expect(outcomes.sort()).toEqual(["Runtime.ExitError", "done"]);
    expect(faults.list()).toMatchObject([{ state: "fired" }]);
  });

  it("leaves other functions alone", async () => {
    // Arrange
    faults.arm({ fn: "route-decision", afterWrite: 1 });

    // Act
    const result = await invoke("c");

    // Assert
    expect(result).toBe("done");
    expect(faults.list()).toMatchObject([{ state: "armed", completedWrites: [] }]);
  });

  it("is armed over HTTP by a process that does not hold the cloud", async () => {
    // Arrange
    const url = await faults.serve();

    // Act
    const armed = await fetch(new URL("/arm", url), {
      method: "POST",
      body: JSON.stringify({ fn: "review-steps", afterWrite: 3 }),
    });
    const refused = await fetch(new URL("/arm", url), {
      method: "POST",
      body: JSON.stringify({ fn: "review-steps", afterWrite: 0 }),
    });
    const crashed = await invoke("h").catch((error: Error) => error.name);
    const listed = (await (await fetch(url)).json()) as { id: string; state: string }[];
    const disarmed = await fetch(new URL(`/${listed[0]?.id}`, url), { method: "DELETE" });

    // Assert
    expect(armed.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("after-write:N");
    expect(crashed).toBe("Runtime.ExitError");
    expect(listed).toMatchObject([{ state: "fired" }]);
    expect(await disarmed.json()).toEqual([]);
  });
});

describe("a fault that kills the whole cloud", () => {
  it("SIGKILLs the process holding the runtime right after the write, with nothing after it sent", async () => {
    // Arrange: a process of its own holds the runtime, with HITL_FAULT's cloud kill
    const runtimeUrl = new URL("../../../local/lambda/index.ts", import.meta.url).href;
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = `
      const { createFaults, createLambdaRuntime, parseFaults } = await import(${JSON.stringify(runtimeUrl)});
      const faults = createFaults(() => undefined, parseFaults("review-steps:after-write:2:cloud"));
      const runtime = createLambdaRuntime([{
        logicalId: "ReviewStepsFn", name: "ReviewStepsFn", arn: "arn:aws:lambda:us-east-1:0:function:ReviewStepsFn",
        taskRoot: ${JSON.stringify(dir)}, handler: "index.writeThree", timeoutSeconds: 10, memoryMb: 128, concurrency: 1,
        env: { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local",
               AWS_ENDPOINT_URL_DYNAMODB: ${JSON.stringify(endpoint)} },
      }], { log: () => undefined, faults });
      await runtime.invoke("ReviewStepsFn", { id: "k" });
      console.log("survived");
    `;

    // Act
    const file = path.join(dir, "holder.mjs");
    writeFileSync(file, script);
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once("exit", (_, sig) => resolve(sig)),
    );

    // Assert
    expect(signal).toBe("SIGKILL");
    expect(out).not.toContain("survived");
    expect(
      seen.filter((line) => line.endsWith(" k-1") || line.endsWith(" k-2") || line.endsWith(" k-3")),
    ).toEqual(["PutItem k-1", "PutItem k-2"]);
  }, 60_000);
});

describe("HITL_FAULT", () => {
  it("reads fn:after-write:N with an optional kill, several joined by ;", () => {
    expect(parseFaults("review-steps:after-write:2; route-decision:after-write:1:cloud")).toEqual([
      { fn: "review-steps", afterWrite: 2, kill: "worker" },
      { fn: "route-decision", afterWrite: 1, kill: "cloud" },
    ]);
    expect(parseFaults(undefined)).toEqual([]);
  });

  it("refuses what it cannot read, naming the part", () => {
    expect(() => parseFaults("review-steps:after:2")).toThrow(
      '"review-steps:after:2" is not fn:after-write:N',
    );
    expect(() => parseFaults("review-steps:after-write:0")).toThrow("fn:after-write:N");
    expect(() => parseFaults("review-steps:after-write:1:process")).toThrow('not "process"');
  });
});

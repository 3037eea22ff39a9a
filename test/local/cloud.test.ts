import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LocalCloud, onShutdown, startLocalCloud } from "../../local/cloud";
import { synthFixture } from "./fixtures/synth";

const FREE_PORTS = { api: 0, dynamodb: 0, sqs: 0, stepfunctions: 0 };

let cdkOut: string;
let cloud: LocalCloud;
let dynamodb: DynamoDBClient;
let sqs: SQSClient;
let childrenBefore: Set<number>;
const lines: string[] = [];

/** Descendants of this test process (children and theirs, e.g. a watchdog's JVM), except `ps` itself. */
function children(): Set<number> {
  const out = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="], { encoding: "utf8" });
  const rows = out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, , comm]) => pid && comm !== "ps")
    .map(([pid, ppid]) => [Number(pid), Number(ppid)] as const);
  const found = new Set<number>();
  let parents = new Set([process.pid]);
  while (parents.size > 0) {
    const next = new Set(
      rows.filter(([pid, ppid]) => parents.has(ppid) && !found.has(pid)).map(([pid]) => pid),
    );
    for (const pid of next) found.add(pid);
    parents = next;
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A resource of the fixture by type and construct id (CDK appends a hash to logical ids). */
function resource(type: string, constructId: string) {
  const found = Object.entries(cloud.resources.byLogicalId).find(
    ([id, info]) => info.type === `AWS::${type}` && new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id),
  );
  if (!found) throw new Error(`no ${type} ${constructId}`);
  return found[1];
}

const table = () => resource("DynamoDB::Table", "Items");
const workQueue = () => resource("SQS::Queue", "Work");
const deadLetterQueue = () => resource("SQS::Queue", "WorkDlq");

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function approximateMessages(queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

beforeAll(async () => {
  cdkOut = await synthFixture();
  childrenBefore = children();
  cloud = await startLocalCloud({
    cdkOut,
    inMemory: true,
    ports: FREE_PORTS,
    log: (line) => lines.push(line),
  });
  const config = { region: cloud.region, credentials: cloud.credentials };
  dynamodb = new DynamoDBClient({ ...config, endpoint: cloud.endpoints.dynamodb });
  sqs = new SQSClient({ ...config, endpoint: cloud.endpoints.sqs });
});

afterAll(async () => {
  dynamodb?.destroy();
  sqs?.destroy();
  await cloud?.stop();
});

describe("the local cloud started from the fixture app's templates", () => {
  it("prints a summary of what it made and what it does not emulate", () => {
    const summary = lines.join("\n");

    expect(summary).toMatch(/AWS::DynamoDB::Table\s+Items\w+/);
    expect(summary).toMatch(/AWS::Lambda::EventSourceMapping\s+\w+\s+Work\w+ → Worker\w+/);
    expect(summary).toMatch(/not emulated: .*AWS::IAM::Role/);
  });

  it("routes an HTTP request through the function into DynamoDB", async () => {
    const writer = cloud.mintToken("writer-7", ["fixture/writer"]);

    const response = await fetch(`${cloud.apiUrl}/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "item-1", note: "via http" }),
    });

    expect(response.status).toBe(201);
    const item = await dynamodb.send(
      new GetItemCommand({ TableName: table().name, Key: { pk: { S: "item-1" } } }),
    );
    expect(item.Item).toMatchObject({ note: { S: "via http" }, by: { S: "writer-7" } });
  });

  it("answers 401 without a token and 403 with a token lacking the route's scope", async () => {
    const reader = cloud.mintToken("reader-1", ["fixture/reader"]);

    const anonymous = await fetch(`${cloud.apiUrl}/items`, { method: "POST", body: "{}" });
    const wrongScope = await fetch(`${cloud.apiUrl}/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}` },
      body: "{}",
    });

    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: "Unauthorized" });
    expect(wrongScope.status).toBe(403);
    expect(await wrongScope.json()).toEqual({ message: "Forbidden" });
  });

  it("gives the function the environment of its template, references resolved", async () => {
    const reader = cloud.mintToken("reader-2", ["fixture/reader"]);

    const response = await fetch(`${cloud.apiUrl}/env`, { headers: { authorization: `Bearer ${reader}` } });

    expect(await response.json()).toEqual({
      TABLE_NAME: table().name,
      QUEUE_URL: workQueue().ref,
      STATE_MACHINE_ARN: resource("StepFunctions::StateMachine", "Double").ref,
      GREETING: "hello from the template",
      AWS_REGION: "us-east-1",
      AWS_LAMBDA_FUNCTION_NAME: resource("Lambda::Function", "Api").name,
    });
  });

  it("maps a handler that throws to API Gateway's 500", async () => {
    const reader = cloud.mintToken("reader-3", ["fixture/reader"]);

    const response = await fetch(`${cloud.apiUrl}/boom`, { headers: { authorization: `Bearer ${reader}` } });

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "Internal Server Error" });
  });

  it("runs the Express state machine that invokes a function", async () => {
    const writer = cloud.mintToken("writer-8", ["fixture/writer"]);

    const response = await fetch(`${cloud.apiUrl}/double`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}` },
      body: JSON.stringify({ value: 21 }),
    });

    expect(await response.json()).toEqual({ status: "SUCCEEDED", output: { doubled: 42 } });
  });

  it("serves a public greedy route with path and query", async () => {
    const response = await fetch(`${cloud.apiUrl}/public/a/b?x=1`);

    expect(await response.json()).toEqual({ path: "a/b", query: { x: "1" } });
  });

  it("delivers queue messages to the function, and a reported failure ends in the DLQ", async () => {
    const queueUrl = workQueue().ref;
    const dlqUrl = deadLetterQueue().ref;

    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ id: "ok-1" }) }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ id: "bad-1", fail: true }),
      }),
    );

    const written = await waitFor(async () => {
      const out = await dynamodb.send(
        new GetItemCommand({ TableName: table().name, Key: { pk: { S: "msg#ok-1" } } }),
      );
      return out.Item;
    }, 10_000);
    expect(written).toMatchObject({ receiveCount: { N: "1" }, source: { S: workQueue().arn } });
    // maxReceiveCount 2 with a 1 s visibility timeout: tried twice, then dead-lettered.
    await waitFor(async () => ((await approximateMessages(dlqUrl)) === 1 ? true : undefined), 15_000);
    expect(await approximateMessages(queueUrl)).toBe(0);
  });

  it("invokes functions directly by name", async () => {
    const worker = resource("Lambda::Function", "Worker").name;

    const doubled = await cloud.invoke(worker, { value: 4 });
    const failure = cloud.invoke(worker, { value: "x" });

    expect(doubled).toEqual({ doubled: 8 });
    await expect(failure).rejects.toMatchObject({ name: "RangeError", message: "value must be a number" });
  });

  it("leaves no child process behind after stop()", async () => {
    const started = [...children()].filter((pid) => !childrenBefore.has(pid));
    // At least the watchdog and its JVM.
    expect(started.length).toBeGreaterThanOrEqual(2);

    await cloud.stop();

    expect(started.filter(alive)).toEqual([]);
  });
});

describe("the local cloud with a data folder", () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "hitl-data-"));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("writes dev.json, and a second start keeps the tokens and the data", async () => {
    const first = await startLocalCloud({ cdkOut, dataDir, ports: FREE_PORTS, log: () => undefined });
    const table = Object.values(first.resources.byLogicalId).find((r) => r.type === "AWS::DynamoDB::Table");
    const writer = first.mintToken("writer-9", ["fixture/writer"]);
    await fetch(`${first.apiUrl}/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}` },
      body: JSON.stringify({ id: "kept", note: "across restarts" }),
    });
    const devJson = JSON.parse(readFileSync(path.join(dataDir, "dev.json"), "utf8"));
    await first.stop();

    const second = await startLocalCloud({ cdkOut, dataDir, ports: FREE_PORTS, log: () => undefined });
    const client = new DynamoDBClient({
      region: second.region,
      credentials: second.credentials,
      endpoint: second.endpoints.dynamodb,
    });
    const kept = await client.send(
      new GetItemCommand({ TableName: table?.name, Key: { pk: { S: "kept" } } }),
    );
    const reused = await fetch(`${second.apiUrl}/items/kept`, {
      headers: { authorization: `Bearer ${writer}` },
    });
    client.destroy();
    await second.stop();

    expect(devJson).toEqual({
      apiUrl: first.apiUrl,
      tokens: first.tokens,
      endpoints: first.endpoints,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      // Every table's name and queue's URL by logical id, for the CLI (on an external service too).
      resources: Object.fromEntries(
        Object.entries(first.resources.byLogicalId)
          .filter(([, info]) => info.type === "AWS::DynamoDB::Table" || info.type === "AWS::SQS::Queue")
          .map(([logicalId, info]) => [logicalId, info.type === "AWS::SQS::Queue" ? info.ref : info.name]),
      ),
    });
    expect(Object.values(devJson.resources)).toContain(table?.name);
    expect(Object.keys(first.tokens).sort()).toEqual(["admin", "analyst", "ml", "producer", "reviewer"]);
    expect(second.tokens).toEqual(first.tokens);
    expect(kept.Item?.note).toEqual({ S: "across restarts" });
    expect(reused.status).toBe(200);
    expect(existsSync(path.join(dataDir, "tokens.json"))).toBe(true);
  });
});

describe("the local cloud beside other programs", () => {
  it("refuses a second start on a data folder while the first runs, and leaves the first alone", async () => {
    // Arrange
    const dataDir = mkdtempSync(path.join(tmpdir(), "hitl-busy-"));
    const first = await startLocalCloud({ cdkOut, dataDir, ports: FREE_PORTS, log: () => undefined });

    // Act
    const second = startLocalCloud({ cdkOut, dataDir, ports: FREE_PORTS, log: () => undefined });
    const refusal = await second.then(
      () => "started",
      (error: Error) => error.message,
    );
    const stillServing = await fetch(`${first.apiUrl}/items/nothing`);
    await first.stop();
    rmSync(dataDir, { recursive: true, force: true });

    // Assert
    expect(refusal).toContain(`a local cloud already runs on ${dataDir} (pid ${process.pid}`);
    expect(stillServing.status).toBe(401);
  });

  it("fails before starting anything when a port it must use is held, naming the port and the holder", async () => {
    // Arrange: this test process holds the port
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const address = holder.address();
    const port = typeof address === "object" && address ? address.port : 0;

    // Act
    const starting = startLocalCloud({
      cdkOut,
      inMemory: true,
      ports: { ...FREE_PORTS, sqs: port },
      log: () => undefined,
    });
    const message = await starting.then(
      () => "started",
      (error: Error) => error.message,
    );
    await new Promise((resolve) => holder.close(resolve));

    // Assert
    expect(message).toMatch(new RegExp(`^port ${port} for SQS is in use, held by pid ${process.pid} \\(`));
    expect(message).toContain("--port-base N");
  });
});

describe("onShutdown", () => {
  it("stops the cloud on SIGTERM and then exits with 143", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    let stopped = false;
    const remove = onShutdown(
      async () => {
        stopped = true;
      },
      () => undefined,
    );

    process.emit("SIGTERM", "SIGTERM");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(143));
    remove();
    exit.mockRestore();

    expect(stopped).toBe(true);
  });

  it("takes the same Ctrl-C forwarded again by npm as one, and exits at once on a later one", async () => {
    // Arrange
    const exit = vi.spyOn(process, "exit").mockImplementation(() => undefined as never);
    let stops = 0;
    let finish: () => void = () => undefined;
    const remove = onShutdown(
      () =>
        new Promise<void>((resolve) => {
          stops += 1;
          finish = resolve;
        }),
      () => undefined,
    );

    // Act
    process.emit("SIGINT", "SIGINT");
    process.emit("SIGINT", "SIGINT");
    const afterDuplicate = exit.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    process.emit("SIGINT", "SIGINT");
    const afterSecond = exit.mock.calls.map((call) => call[0]);
    finish();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledTimes(2));
    remove();
    exit.mockRestore();

    // Assert
    expect(stops).toBe(1);
    expect(afterDuplicate).toBe(0);
    expect(afterSecond).toEqual([1]);
  });
});

import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTurnstile,
  isMoto,
  locksOf,
  type RequestGate,
  startRequestGate,
} from "../../local/request-gate";

/** A turn that records when it ran, and finishes when told. */
function turn(log: string[], name: string) {
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the turnstile that runs a transaction alone", () => {
  it("runs shared turns together, an exclusive one only after them, and later shared ones only after it", async () => {
    // Arrange
    const log: string[] = [];
    const gate = createTurnstile();
    const [a, b, tx, c] = ["a", "b", "tx", "c"].map((name) => turn(log, name)) as [
      ReturnType<typeof turn>,
      ReturnType<typeof turn>,
      ReturnType<typeof turn>,
      ReturnType<typeof turn>,
    ];

    // Act
    const results = [
      gate.run(false, a.work),
      gate.run(false, b.work),
      gate.run(true, tx.work),
      gate.run(false, c.work),
    ];
    await tick();
    const whileShared = [...log];
    a.finish();
    b.finish();
    await tick();
    const whileExclusive = [...log];
    tx.finish();
    await tick();
    c.finish();

    // Assert
    expect(await Promise.all(results)).toEqual(["a", "b", "tx", "c"]);
    expect(whileShared).toEqual(["start a", "start b"]);
    expect(whileExclusive).toEqual(["start a", "start b", "end a", "end b", "start tx"]);
    expect(log).toEqual(["start a", "start b", "end a", "end b", "start tx", "end tx", "start c", "end c"]);
    expect(gate.state).toEqual({ shared: 0, exclusive: false, waiting: 0 });
  });

  it("frees the turn of work that fails", async () => {
    const gate = createTurnstile();
    await expect(gate.run(true, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.run(false, async () => "next")).toBe("next");
  });
});

describe("the tables a DynamoDB request locks", () => {
  const target = (operation: string) => `DynamoDB_20120810.${operation}`;

  it("locks every table of a transaction alone, in sorted order", () => {
    const body = JSON.stringify({
      TransactItems: [
        { Put: { TableName: "metrics", Item: {} } },
        { ConditionCheck: { TableName: "decisions", Key: {} } },
        { Update: { TableName: "metrics", Key: {} } },
      ],
    });
    expect(locksOf(target("TransactWriteItems"), body)).toEqual({
      tables: ["decisions", "metrics"],
      exclusive: true,
    });
  });

  it("shares the table of a single write and every table of a batch write", () => {
    expect(locksOf(target("PutItem"), '{"TableName":"reviews"}')).toEqual({
      tables: ["reviews"],
      exclusive: false,
    });
    expect(locksOf(target("BatchWriteItem"), '{"RequestItems":{"b":[],"a":[]}}')).toEqual({
      tables: ["a", "b"],
      exclusive: false,
    });
  });

  it("locks nothing for reads, stream reads, other services and bodies that are not JSON", () => {
    expect(locksOf(target("Query"), '{"TableName":"reviews"}')).toBeUndefined();
    expect(locksOf("DynamoDBStreams_20120810.GetRecords", "{}")).toBeUndefined();
    expect(locksOf("AmazonSQS.SendMessage", '{"QueueUrl":"q"}')).toBeUndefined();
    expect(locksOf(target("PutItem"), "not json")).toBeUndefined();
  });
});

describe("the request gate in front of an HTTP service", () => {
  let upstream: Server;
  let gate: RequestGate;
  const inFlight = new Set<string>();
  /** Each request's tag, and the tags of the requests upstream was answering when it arrived. */
  const seen: Array<{ tag: string; beside: string[] }> = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        const tag = body ? String((JSON.parse(body) as { tag?: string }).tag) : String(req.url);
        seen.push({ tag, beside: [...inFlight] });
        inFlight.add(tag);
        setTimeout(() => {
          inFlight.delete(tag);
          res.writeHead(req.url === "/moto-api/data.json" ? 200 : 201, { "x-upstream": "yes" });
          res.end(`echo ${tag}`);
        }, 200);
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", () => resolve()));
    const address = upstream.address();
    gate = await startRequestGate(
      `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    );
  });

  afterAll(async () => {
    await gate.stop();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const send = (operation: string, body: Record<string, unknown>) =>
    fetch(gate.endpoint, {
      method: "POST",
      headers: { "x-amz-target": `DynamoDB_20120810.${operation}` },
      body: JSON.stringify(body),
    });

  it("passes requests and answers through unchanged, and keeps every write to its table away from a transaction", async () => {
    // Act
    const answers = await Promise.all([
      send("PutItem", { TableName: "t", tag: "put-t-1" }),
      send("GetItem", { TableName: "t", tag: "get-t" }),
      send("TransactWriteItems", { TransactItems: [{ Put: { TableName: "t" } }], tag: "tx-t" }),
      send("PutItem", { TableName: "t", tag: "put-t-2" }),
      send("PutItem", { TableName: "u", tag: "put-u" }),
    ]);

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    expect(answers.every((answer) => answer.headers.get("x-upstream") === "yes")).toBe(true);
    expect(await Promise.all(answers.map((answer) => answer.text()))).toEqual([
      "echo put-t-1",
      "echo get-t",
      "echo tx-t",
      "echo put-t-2",
      "echo put-u",
    ]);
    const writesToT = (tags: string[]) => tags.filter((tag) => tag.startsWith("put-t"));
    const transaction = seen.find((request) => request.tag === "tx-t");
    expect(writesToT(transaction?.beside ?? [])).toEqual([]);
    for (const write of seen.filter((request) => request.tag.startsWith("put-t")))
      expect(write.beside).not.toContain("tx-t");
    // Reads and other tables' writes are not held back: some request ran beside another.
    expect(seen.some((request) => request.beside.length > 0)).toBe(true);
  });

  it("tells moto's server (its /moto-api/ answers) from a service without one", async () => {
    expect(await isMoto(gate.endpoint)).toBe(true);
    expect(await isMoto("http://127.0.0.1:9")).toBe(false);
  });
});

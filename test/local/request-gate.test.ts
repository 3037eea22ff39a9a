import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTurnstile, isMoto, type RequestGate, startRequestGate } from "../../local/request-gate";

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

describe("the request gate in front of an HTTP service", () => {
  let upstream: Server;
  let gate: RequestGate;
  let inFlight = 0;
  const seen: Array<{ target: string; concurrent: number; body: string }> = [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      inFlight++;
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        seen.push({ target: String(req.headers["x-amz-target"]), concurrent: inFlight, body });
        setTimeout(() => {
          inFlight--;
          res.writeHead(req.url === "/moto-api/data.json" ? 200 : 201, { "x-upstream": "yes" });
          res.end(`echo ${body}`);
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

  const send = (target: string, body: string) =>
    fetch(gate.endpoint, { method: "POST", headers: { "x-amz-target": target }, body });

  it("passes requests and answers through unchanged, runs others side by side, and never a transaction beside another request", async () => {
    // Act
    const answers = await Promise.all([
      send("DynamoDB_20120810.PutItem", "p1"),
      send("DynamoDB_20120810.GetItem", "g1"),
      send("DynamoDB_20120810.TransactWriteItems", "t1"),
      send("DynamoDB_20120810.PutItem", "p2"),
    ]);

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201]);
    expect(answers.every((answer) => answer.headers.get("x-upstream") === "yes")).toBe(true);
    expect(await Promise.all(answers.map((answer) => answer.text()))).toEqual([
      "echo p1",
      "echo g1",
      "echo t1",
      "echo p2",
    ]);
    const transaction = seen.find((request) => request.body === "t1");
    expect(transaction?.concurrent).toBe(1);
    expect(
      Math.max(
        ...seen
          .filter((request) => request.body.startsWith("p1") || request.body === "g1")
          .map((r) => r.concurrent),
      ),
    ).toBeGreaterThanOrEqual(2);
  });

  it("tells moto's server (its /moto-api/ answers) from a service without one", async () => {
    expect(await isMoto(gate.endpoint)).toBe(true);
    expect(await isMoto("http://127.0.0.1:9")).toBe(false);
  });
});

// An HTTP gate in front of an external DynamoDB endpoint (moto) that keeps writes away from a table
// while a TransactWriteItems on it runs. moto's server answers each request on its own thread with
// no locking: a TransactWriteItems deep-copies every table it touches first and, when cancelled,
// puts those copies back, dropping whatever other threads wrote to them meanwhile (stream records
// included); a copy taken while another thread writes can also fail with "dictionary changed size
// during iteration". So a transaction waits for the writes in flight to its tables and holds later
// ones back until it is answered; reads, and writes to other tables, pass as before. Locking whole
// requests rather than the whole server matters: a transaction on a big table takes seconds on moto.
// See local/README.md.
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";

const PREFIX = "DynamoDB_20120810.";
/** Single-table writes: they change the table a transaction may be copying. */
const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem"]);

export interface Locks {
  /** Tables the request writes, sorted (locks are taken in this order, so two never deadlock). */
  readonly tables: readonly string[];
  /** A transaction: alone on each of its tables. Other writes share them. */
  readonly exclusive: boolean;
}

/** Which tables a DynamoDB request must lock, from its target and body; reads lock nothing. */
export function locksOf(target: string, body: string): Locks | undefined {
  if (!target.startsWith(PREFIX)) return undefined;
  const operation = target.slice(PREFIX.length);
  const isTransaction = operation === "TransactWriteItems";
  if (!isTransaction && !WRITES.has(operation) && operation !== "BatchWriteItem") return undefined;
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined; // moto answers a malformed body with an error; nothing is written.
  }
  const tables = new Set<string>();
  if (typeof input.TableName === "string") tables.add(input.TableName);
  if (operation === "BatchWriteItem" && typeof input.RequestItems === "object" && input.RequestItems)
    for (const name of Object.keys(input.RequestItems)) tables.add(name);
  if (isTransaction && Array.isArray(input.TransactItems))
    for (const item of input.TransactItems as unknown[])
      for (const action of Object.values(typeof item === "object" && item ? item : {}))
        if (
          typeof action === "object" &&
          action &&
          typeof (action as { TableName?: unknown }).TableName === "string"
        )
          tables.add((action as { TableName: string }).TableName);
  return { tables: [...tables].sort(), exclusive: isTransaction };
}

/**
 * A readers-writer lock granted in arrival order: shared holders run together, an exclusive one
 * runs alone, and no shared request overtakes an exclusive one that waits.
 */
export function createTurnstile() {
  const waiting: Array<{ exclusive: boolean; grant: () => void }> = [];
  let shared = 0;
  let exclusive = false;
  const admit = () => {
    while (waiting.length > 0 && !exclusive) {
      const next = waiting[0] as (typeof waiting)[number];
      if (next.exclusive && shared > 0) return;
      waiting.shift();
      if (next.exclusive) exclusive = true;
      else shared++;
      next.grant();
    }
  };
  const acquire = (isExclusive: boolean): Promise<() => void> =>
    new Promise((resolve) => {
      waiting.push({
        exclusive: isExclusive,
        grant: () => {
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            if (isExclusive) exclusive = false;
            else shared--;
            admit();
          });
        },
      });
      admit();
    });
  return {
    acquire,
    /** Runs `work` in its turn; resolves with its result. */
    async run<T>(isExclusive: boolean, work: () => Promise<T>): Promise<T> {
      const release = await acquire(isExclusive);
      try {
        return await work();
      } finally {
        release();
      }
    },
    get state() {
      return { shared, exclusive, waiting: waiting.length };
    },
  };
}

export interface RequestGate {
  /** `http://127.0.0.1:PORT`: give this to every client instead of the target. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Whether `endpoint` is moto's server: its own API answers there. */
export async function isMoto(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

export async function startRequestGate(target: string): Promise<RequestGate> {
  const url = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const turnstiles = new Map<string, ReturnType<typeof createTurnstile>>();
  const turnstileOf = (table: string) => {
    let turnstile = turnstiles.get(table);
    if (!turnstile) {
      turnstile = createTurnstile();
      turnstiles.set(table, turnstile);
    }
    return turnstile;
  };
  /** Takes the request's table locks in order, forwards it, then lets them go. */
  const gated = async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const locks = locksOf(String(req.headers["x-amz-target"] ?? ""), body.toString("utf8"));
    const releases: Array<() => void> = [];
    try {
      for (const table of locks?.tables ?? [])
        releases.push(await turnstileOf(table).acquire(locks?.exclusive ?? false));
      await forward(req, body, res);
    } finally {
      for (const release of releases.reverse()) release();
    }
  };

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> =>
    new Promise((done) => {
      const upstream = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: url.host, "content-length": String(body.length) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.once("end", done);
          answer.once("error", done);
        },
      );
      upstream.once("error", (error) => {
        // A connection-level failure reaches the SDK as a 5xx, which it retries.
        if (!res.headersSent) res.writeHead(502, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ __type: "ServiceUnavailable", message: `gate: ${error.message}` }));
        done();
      });
      upstream.end(body);
    });

  const server = createServer((req, res) => {
    void readBody(req).then(
      (body) => void gated(req, body, res),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

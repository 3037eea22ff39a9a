// An HTTP gate in front of an external DynamoDB endpoint (moto) that runs each TransactWriteItems
// alone. moto's server answers each request on its own thread with no locking: a TransactWriteItems
// deep-copies every table it touches first and, when cancelled, puts those copies back, dropping
// whatever other threads wrote meanwhile (stream records included); a copy taken while another
// thread writes can also fail with "dictionary changed size during iteration". So a transaction
// waits for the requests in flight to finish and holds the others back until it is answered; every
// other request runs side by side as before. See local/README.md.
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from "node:http";

/** The requests that must run alone. */
export const EXCLUSIVE_TARGETS: ReadonlySet<string> = new Set(["DynamoDB_20120810.TransactWriteItems"]);

/**
 * A readers-writer lock granted in arrival order: shared turns run together, an exclusive turn
 * runs alone, and no shared turn overtakes an exclusive one that waits.
 */
export function createTurnstile() {
  const waiting: Array<{ exclusive: boolean; start: () => void }> = [];
  let shared = 0;
  let exclusive = false;
  const admit = () => {
    while (waiting.length > 0 && !exclusive) {
      const next = waiting[0] as (typeof waiting)[number];
      if (next.exclusive && shared > 0) return;
      waiting.shift();
      if (next.exclusive) exclusive = true;
      else shared++;
      next.start();
    }
  };
  return {
    /** Runs `work` in its turn; resolves with its result. */
    run<T>(isExclusive: boolean, work: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.push({
          exclusive: isExclusive,
          start: () => {
            work()
              .then(resolve, reject)
              .finally(() => {
                if (isExclusive) exclusive = false;
                else shared--;
                admit();
              });
          },
        });
        admit();
      });
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
  const turnstile = createTurnstile();

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
      (body) => {
        const exclusive = EXCLUSIVE_TARGETS.has(String(req.headers["x-amz-target"] ?? ""));
        void turnstile.run(exclusive, () => forward(req, body, res));
      },
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

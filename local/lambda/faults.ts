// Fault injection for drills: crash a function right after the Nth write of one of its
// invocations, the way a Lambda dies between two writes (timeout, OOM, a recycled sandbox).
// The pool asks `planFor` before each invocation; the worker counts the invocation's writes
// (worker-writes.ts) and reports the one that trips the fault.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The environment variable `startLocalCloud` reads faults from (`;`-separated, see parseFaults). */
export const FAULT_ENV = "HITL_FAULT";

export interface FaultSpec {
  /** The function, loosely: `review-steps` matches `HitlApp-ReviewStepsFn79D6C933`. */
  readonly fn: string;
  /** Crash right after this write (1 = the first) of a matching invocation has committed. */
  readonly afterWrite: number;
  /** `worker` kills the function's worker thread (its invocation fails); `cloud` SIGKILLs the local cloud. */
  readonly kill?: "worker" | "cloud";
  /** Only invocations whose event, as JSON, contains every one of these strings. */
  readonly match?: readonly string[];
}

export interface FaultReport {
  readonly id: string;
  readonly spec: FaultSpec;
  /** `armed` until a matching invocation trips it; `fired` after. */
  readonly state: "armed" | "fired";
  readonly functionName?: string;
  /** The write it crashed after, e.g. `DynamoDB.TransactWriteItems`. */
  readonly operation?: string;
  readonly firedAt?: string;
  /** Writes each matching invocation made that ended without tripping it (a probe's answer). */
  readonly completedWrites: readonly number[];
}

/** What the pool sends a worker for one invocation. */
export interface FaultPlan {
  readonly faultId: string;
  readonly afterWrite: number;
  readonly kill: "worker" | "cloud";
  /**
   * Shared by every invocation carrying the fault (SQS may deliver a message twice at once):
   * the worker that swaps it from 0 to 1 crashes, the others go on.
   */
  readonly tripped: Int32Array;
}

/** `fn:after-write:N[:cloud|:worker]`, several joined by `;`. */
export function parseFaults(text: string | undefined): FaultSpec[] {
  if (!text?.trim()) return [];
  return text
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [fn, point, n, kill, ...rest] = part.split(":");
      const afterWrite = Number(n);
      if (!fn || point !== "after-write" || !Number.isInteger(afterWrite) || afterWrite < 1 || rest.length) {
        throw new Error(
          `${FAULT_ENV}: "${part}" is not fn:after-write:N[:worker|:cloud] (e.g. review-steps:after-write:2)`,
        );
      }
      if (kill !== undefined && kill !== "worker" && kill !== "cloud")
        throw new Error(`${FAULT_ENV}: "${part}": the kill is "worker" or "cloud", not "${kill}"`);
      return { fn, afterWrite, kill: kill ?? "worker" };
    });
}

const loose = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

interface Armed {
  readonly id: string;
  readonly spec: FaultSpec;
  state: "armed" | "fired";
  readonly tripped: Int32Array;
  functionName?: string;
  operation?: string;
  firedAt?: string;
  readonly completedWrites: number[];
}

export interface Faults {
  /** Arms a fault; it fires once, in the first matching invocation to make enough writes. */
  arm(spec: FaultSpec): string;
  list(): FaultReport[];
  /** Forgets one fault (a probe that has seen its invocation, say). */
  disarm(id: string): void;
  /** Forgets every fault, armed or fired. */
  clear(): void;
  /** The plan for one invocation of `functionName`, or undefined when no armed fault matches. */
  planFor(functionName: string, event: unknown): FaultPlan | undefined;
  /** The worker crossed the plan's write: record it and, for `cloud`, kill this process. */
  tripped(plan: FaultPlan, operation: string): "worker" | "cloud";
  /** The invocation carrying the plan ended without tripping it, after `writes` writes (if known). */
  finished(plan: FaultPlan, writes?: number): void;
  /** An HTTP control endpoint on 127.0.0.1 (GET / lists, POST /arm arms, DELETE /ID disarms, DELETE / clears). */
  serve(port?: number): Promise<string>;
  stop(): Promise<void>;
}

export function createFaults(log: (line: string) => void, initial: readonly FaultSpec[] = []): Faults {
  const armed = new Map<string, Armed>();
  let server: Server | undefined;

  const report = (a: Armed): FaultReport => ({
    id: a.id,
    spec: a.spec,
    state: a.state,
    completedWrites: [...a.completedWrites],
    ...(a.functionName ? { functionName: a.functionName } : {}),
    ...(a.operation ? { operation: a.operation } : {}),
    ...(a.firedAt ? { firedAt: a.firedAt } : {}),
  });

  const faults: Faults = {
    arm(spec) {
      const valid = parseFaults(`${spec.fn}:after-write:${spec.afterWrite}:${spec.kill ?? "worker"}`)[0];
      const id = randomUUID();
      armed.set(id, {
        id,
        spec: { ...valid, ...(spec.match?.length ? { match: [...spec.match] } : {}) } as FaultSpec,
        state: "armed",
        tripped: new Int32Array(new SharedArrayBuffer(4)),
        completedWrites: [],
      });
      return id;
    },
    list: () => [...armed.values()].map(report),
    disarm: (id) => {
      armed.delete(id);
    },
    clear: () => armed.clear(),
    planFor(functionName, event) {
      let text: string | undefined;
      for (const a of armed.values()) {
        if (a.state !== "armed" || !loose(functionName).includes(loose(a.spec.fn))) continue;
        if (a.spec.match?.length) {
          text ??= JSON.stringify(event);
          if (!a.spec.match.every((part) => (text as string).includes(part))) continue;
        }
        a.functionName = functionName;
        return {
          faultId: a.id,
          afterWrite: a.spec.afterWrite,
          kill: a.spec.kill ?? "worker",
          tripped: a.tripped,
        };
      }
      return undefined;
    },
    tripped(plan, operation) {
      const a = armed.get(plan.faultId);
      const kill = a?.spec.kill ?? "worker";
      if (a) {
        a.state = "fired";
        a.operation = operation;
        a.firedAt = new Date().toISOString();
      }
      log(
        `fault: ${a?.functionName ?? "?"} crashed after write ${plan.afterWrite} (${operation}), kill ${kill}`,
      );
      if (kill === "cloud") process.kill(process.pid, "SIGKILL");
      return kill;
    },
    finished(plan, writes) {
      const a = armed.get(plan.faultId);
      if (a?.state !== "armed") return;
      if (writes !== undefined) a.completedWrites.push(writes);
    },
    async serve(port = 0) {
      if (server) return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const listening = createServer((req, res) => {
        const reply = (status: number, body: unknown) => {
          // One request per connection: a keep-alive socket would hold stop() up.
          res.writeHead(status, { "content-type": "application/json", connection: "close" });
          res.end(JSON.stringify(body));
        };
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
          try {
            if (req.method === "GET" && req.url === "/") return reply(200, faults.list());
            if (req.method === "DELETE" && req.url === "/") {
              faults.clear();
              return reply(200, []);
            }
            if (req.method === "DELETE" && req.url?.startsWith("/")) {
              faults.disarm(decodeURIComponent(req.url.slice(1)));
              return reply(200, faults.list());
            }
            if (req.method === "POST" && req.url === "/arm") {
              const spec = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as FaultSpec;
              return reply(201, { id: faults.arm(spec) });
            }
            reply(404, { error: "GET /, POST /arm or DELETE /" });
          } catch (error) {
            reply(400, { error: error instanceof Error ? error.message : String(error) });
          }
        });
      });
      await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));
      server = listening;
      return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    },
    async stop() {
      const open = server;
      server = undefined;
      if (open) await new Promise<void>((resolve) => open.close(() => resolve()));
    },
  };
  for (const spec of initial) faults.arm(spec);
  return faults;
}

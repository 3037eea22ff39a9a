// SQS stand-in: fauxqs 2 (SQS JSON protocol, long polling, visibility, redrive, SQLite persistence).
//
// `startFauxqs` always listens on 0.0.0.0, so this module assembles the same pieces itself (stores,
// optional SQLite persistence, the Fastify app from `buildApp`) and listens on 127.0.0.1 only.
// The stores and the persistence manager are not in fauxqs' package exports; they are loaded from the
// files next to its entry point (checked at load time, with a clear error if a fauxqs release moves them).
//
// fauxqs hard-codes account 000000000000 in ARNs and URLs. The local cloud passes its own account id,
// so queue ARNs and URLs are rewritten to that account and ARN look-ups accept either account.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { type BuildAppOptions, buildApp } from "fauxqs";
import { findFreePort } from "./ports";

export interface SqsOptions {
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** undefined: in memory. Otherwise queues and messages persist in SQLite under this folder. */
  dataDir?: string;
  region: string;
  accountId: string;
}

export interface SqsServer {
  endpoint: string;
  stop(): Promise<void>;
}

type Stores = NonNullable<BuildAppOptions["stores"]>;
type SqsStore = Stores["sqsStore"];

/** The parts of fauxqs' PersistenceManager this module uses. */
interface Persistence {
  load(sqsStore: SqsStore, snsStore: Stores["snsStore"], s3Store: Stores["s3Store"]): void;
  close(): void;
}

interface FauxqsInternals {
  SqsStore: new () => SqsStore;
  SnsStore: new () => Stores["snsStore"];
  S3Store: new () => Stores["s3Store"];
  PersistenceManager: new (dataDir: string) => Persistence;
}

function exportedClass(module: unknown, name: string, file: string): unknown {
  const value = typeof module === "object" && module !== null ? Reflect.get(module, name) : undefined;
  if (typeof value !== "function") {
    throw new Error(`fauxqs internals changed: ${name} is not exported by ${file}; update local/sqs.ts`);
  }
  return value;
}

/** fauxqs's entry file; vitest's module runner has no import.meta.resolve, so fall back to the project's node_modules. */
function fauxqsEntry(): string {
  try {
    return import.meta.resolve("fauxqs");
  } catch {
    return new URL("../node_modules/fauxqs/dist/app.js", import.meta.url).href;
  }
}

async function loadInternals(): Promise<FauxqsInternals> {
  const entry = fauxqsEntry();
  const load = async (file: string, name: string): Promise<unknown> =>
    exportedClass(await import(new URL(file, entry).href), name, file);
  return {
    SqsStore: (await load("./sqs/sqsStore.js", "SqsStore")) as FauxqsInternals["SqsStore"],
    SnsStore: (await load("./sns/snsStore.js", "SnsStore")) as FauxqsInternals["SnsStore"],
    S3Store: (await load("./s3/s3Store.js", "S3Store")) as FauxqsInternals["S3Store"],
    PersistenceManager: (await load(
      "./persistence.js",
      "PersistenceManager",
    )) as FauxqsInternals["PersistenceManager"],
  };
}

/** Rewrites the account of an SQS ARN (arn:aws:sqs:region:account:name). */
function withAccount(arn: string, accountId: string): string {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[2] !== "sqs") return arn;
  parts[4] = accountId;
  return parts.join(":");
}

/** Makes queue URLs point at this server and ARNs/URLs carry the local cloud's account. */
function adaptStore(store: SqsStore, endpoint: string, accountId: string): void {
  const urlFor = (name: string): string => `${endpoint}/${accountId}/${name}`;
  const createQueue = store.createQueue.bind(store);
  const getQueueByArn = store.getQueueByArn.bind(store);
  const getQueue = store.getQueue.bind(store);
  store.buildQueueUrl = (name) => urlFor(name);
  // Also used while loading persisted queues: URLs saved under an earlier port are refreshed.
  store.createQueue = (name, _url, arn, attributes, tags) =>
    createQueue(name, urlFor(name), withAccount(arn, accountId), attributes, tags);
  store.getQueueByArn = (arn) => getQueueByArn(withAccount(arn, accountId));
  // AWS-style URLs (https://sqs.<region>.amazonaws.com/<account>/<name>) resolve by queue name.
  store.getQueue = (url) =>
    getQueue(url) ?? store.getQueueByName(url.split("/").filter(Boolean).at(-1) ?? "");
}

async function listenOnce(opts: SqsOptions, port: number): Promise<SqsServer> {
  const internals = await loadInternals();
  const endpoint = `http://127.0.0.1:${port}`;
  const sqsStore = new internals.SqsStore();
  const snsStore = new internals.SnsStore();
  const s3Store = new internals.S3Store();
  sqsStore.region = opts.region;
  snsStore.region = opts.region;
  adaptStore(sqsStore, endpoint, opts.accountId);

  let persistence: Persistence | undefined;
  if (opts.dataDir !== undefined) {
    const dir = resolve(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    persistence = new internals.PersistenceManager(dir);
    // Same order as fauxqs' own startFauxqs: load first, then attach, so loading does not re-write rows.
    persistence.load(sqsStore, snsStore, s3Store);
    Object.assign(sqsStore, { persistence });
    Object.assign(snsStore, { persistence });
    Object.assign(s3Store, { persistence });
    for (const queue of sqsStore.allQueues()) Object.assign(queue, { persistence });
  }

  const app = buildApp({
    logger: false,
    defaultRegion: opts.region,
    stores: { sqsStore, snsStore, s3Store },
  });
  if (persistence !== undefined) {
    const db = persistence;
    app.addHook("preClose", () => db.close());
  }
  try {
    await app.listen({ port, host: "127.0.0.1" });
  } catch (error) {
    await app.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    stop: () => {
      stopped ??= (async () => {
        await app.close();
      })();
      return stopped;
    },
  };
}

export async function startSqs(opts: SqsOptions): Promise<SqsServer> {
  if (opts.port !== undefined && opts.port !== 0) return listenOnce(opts, opts.port);
  // The queue URLs embed the port, so it is chosen before the stores load; retry if it gets taken.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await listenOnce(opts, await findFreePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authorize, type TokenStore } from "../auth";
import { corsHeaders, preflight } from "./cors";
import { buildEvent } from "./event";
import type { LocalIdentityProvider } from "./identity";
import { createRouter } from "./match";
import { type HttpResponse, jsonMessage, toHttpResponse } from "./response";
import type { ApiSpec } from "./spec";

/** API Gateway's payload quota for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const STOP_GRACE_MS = 5000;

export interface HttpApiDeps {
  readonly api: ApiSpec;
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  readonly tokens: TokenStore;
  readonly accountId: string;
  readonly log?: (line: string) => void;
  readonly maxBodyBytes?: number;
  /** The hosted UI's stand-in, served under `/_local/cognito-idp/` beside the API's routes. */
  readonly identity?: LocalIdentityProvider;
}

export interface HttpApiServer {
  /** Base URL, including the stage when it is not `$default`, once routes are attached. */
  readonly url: string;
  readonly port: number;
  /** Starts serving an API; until then every request gets 503. */
  attach(deps: HttpApiDeps): void;
  stop(): Promise<void>;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.reject(new TooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const TIMED_OUT = Symbol("timed out");

function send(res: ServerResponse, response: HttpResponse, extra: Record<string, string>): void {
  res.writeHead(response.statusCode, {
    ...response.headers,
    ...extra,
    "content-length": response.body.length,
  });
  res.end(response.body);
}

async function handle(deps: HttpApiDeps, route: ReturnType<typeof createRouter>, req: IncomingMessage) {
  const { api } = deps;
  const requestId = randomBytes(10).toString("base64url");
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  const origin = typeof req.headers.origin === "string" ? req.headers.origin : undefined;
  const extra = { "apigw-requestid": requestId, ...corsHeaders(api.cors, origin) };
  const reply = (response: HttpResponse) => ({ response, extra });

  let body: Buffer;
  try {
    body = await readBody(req, deps.maxBodyBytes ?? MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof TooLarge) {
      return {
        response: jsonMessage(413, "Request Entity Too Large"),
        extra: { ...extra, connection: "close" },
      };
    }
    throw error;
  }

  const allowed = preflight(api.cors, method, {
    origin,
    "access-control-request-method": req.headers["access-control-request-method"] as string | undefined,
  });
  if (allowed) return { response: { statusCode: 204, headers: {}, body: Buffer.alloc(0) }, extra: allowed };

  const signIn = deps.identity?.handle({
    method,
    path: url.split("?")[0] ?? "/",
    query: new URLSearchParams(url.split("?")[1] ?? ""),
    body,
    origin: `http://${req.headers.host ?? "127.0.0.1"}`,
  });
  if (signIn) return reply(signIn);

  let path = url.split("?")[0] ?? "/";
  if (api.stageName !== "$default") {
    const prefix = `/${api.stageName}`;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return reply(jsonMessage(404, "Not Found"));
    path = path.slice(prefix.length) || "/";
  }
  const match = route(method, path);
  if (!match) return reply(jsonMessage(404, "Not Found"));

  const { auth, target, routeKey } = match.route;
  let identity: ReturnType<TokenStore["lookup"]>;
  if (auth.type === "UNSUPPORTED") return reply(jsonMessage(403, "Forbidden"));
  if (auth.type === "JWT") {
    const authorization = req.headers.authorization;
    const decision = authorize(deps.tokens, authorization, auth.scopes);
    if (!decision.ok)
      return reply(jsonMessage(decision.status, decision.status === 401 ? "Unauthorized" : "Forbidden"));
    identity = decision.identity;
  }
  if (!target) return reply(jsonMessage(500, "Internal Server Error"));

  const event = buildEvent({
    method,
    url: api.stageName === "$default" ? url : url.slice(api.stageName.length + 1) || "/",
    headers: req.headers,
    body,
    sourceIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
    routeKey,
    pathParameters: match.pathParameters,
    stage: api.stageName,
    apiId: api.apiId,
    accountId: deps.accountId,
    domainName: req.headers.host ?? "127.0.0.1",
    requestId,
    now: new Date(),
    identity,
  });
  try {
    const result = await withTimeout(deps.invoke(target.functionName, event), target.timeoutMs);
    if (result === TIMED_OUT) return reply(jsonMessage(503, "Service Unavailable"));
    return reply(toHttpResponse(result));
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    deps.log?.(`[http] ${method} ${path} → 500 (${target.functionName} failed: ${reason})`);
    return reply(jsonMessage(500, "Internal Server Error"));
  }
}

/** Listens on `host:port` (0 = a free port); serves the API passed to `attach`. */
export async function startHttpApi(
  opts: { host?: string; port?: number; deps?: HttpApiDeps } = {},
): Promise<HttpApiServer> {
  const host = opts.host ?? "127.0.0.1";
  let current: { deps: HttpApiDeps; route: ReturnType<typeof createRouter> } | undefined;
  const server = createServer((req, res) => {
    if (!current) {
      send(res, jsonMessage(503, "Service Unavailable"), {});
      return;
    }
    const { deps, route } = current;
    handle(deps, route, req).then(
      ({ response, extra }) => send(res, response, extra),
      (error: unknown) => {
        deps.log?.(`[http] ${req.method} ${req.url} → 500 (${String(error)})`);
        send(res, jsonMessage(500, "Internal Server Error"), {});
      },
    );
  });
  // Keep-alive sockets would hold stop() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host}:${port}`;
  let stopped: Promise<void> | undefined;
  const httpApi: HttpApiServer = {
    get url() {
      const stage = current?.deps.api.stageName;
      return stage && stage !== "$default" ? `${base}/${stage}` : base;
    },
    port,
    attach(deps) {
      current = { deps, route: createRouter(deps.api.routes) };
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        // Requests in flight get a moment to finish; then their connections are cut.
        const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return stopped;
    },
  };
  if (opts.deps) httpApi.attach(opts.deps);
  return httpApi;
}

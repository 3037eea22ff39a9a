import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTokenStore } from "../../../local/auth";
import { type ApiSpec, type HttpApiEvent, type HttpApiServer, startHttpApi } from "../../../local/http-api";

const tokens = openTokenStore();
const writer = tokens.mintToken("writer-1", ["hitl/producer"]);
const reader = tokens.mintToken("reader-1", ["hitl/analyst"]);
const target = { functionName: "Api", payloadFormatVersion: "2.0", timeoutMs: 300 };

const api: ApiSpec = {
  logicalId: "Http",
  stackName: "Stack",
  apiId: "abcdefghij",
  stageName: "$default",
  notes: [],
  cors: {
    allowOrigins: ["http://console.local"],
    allowMethods: ["GET", "POST"],
    allowHeaders: ["authorization", "content-type"],
    exposeHeaders: [],
    allowCredentials: false,
  },
  routes: [
    {
      logicalId: "Post",
      routeKey: "POST /v1/decisions",
      auth: { type: "JWT", scopes: ["hitl/producer"] },
      target,
    },
    { logicalId: "Get", routeKey: "GET /v1/decisions/{id}", auth: { type: "JWT", scopes: [] }, target },
    { logicalId: "Boom", routeKey: "GET /boom", auth: { type: "NONE" }, target },
    { logicalId: "Slow", routeKey: "GET /slow", auth: { type: "NONE" }, target },
    { logicalId: "Iam", routeKey: "GET /iam", auth: { type: "UNSUPPORTED", kind: "AWS_IAM" }, target },
  ],
};

const seen: HttpApiEvent[] = [];
let server: HttpApiServer;

async function invoke(_name: string, event: unknown): Promise<unknown> {
  const e = event as HttpApiEvent;
  seen.push(e);
  if (e.rawPath === "/boom") throw new TypeError("no");
  if (e.rawPath === "/slow") await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ got: e.routeKey }),
  };
}

beforeAll(async () => {
  server = await startHttpApi({ port: 0, deps: { api, invoke, tokens, accountId: "000000000000" } });
});

afterAll(async () => {
  await server.stop();
});

describe("the local HTTP API", () => {
  it("calls the route's function with the caller's identity", async () => {
    const response = await fetch(`${server.url}/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}`, "content-type": "application/json" },
      body: "{}",
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("apigw-requestid")).toBeTruthy();
    expect(await response.json()).toEqual({ got: "POST /v1/decisions" });
    expect(seen.at(-1)?.requestContext.authorizer?.jwt.claims.sub).toBe("writer-1");
  });

  it("answers 401 without a token or with an unknown one", async () => {
    const none = await fetch(`${server.url}/v1/decisions`, { method: "POST" });
    const unknown = await fetch(`${server.url}/v1/decisions`, {
      method: "POST",
      headers: { authorization: "Bearer not-a-token" },
    });

    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: "Unauthorized" });
    expect(unknown.status).toBe(401);
  });

  it("answers 403 when the token has none of the route's scopes", async () => {
    const response = await fetch(`${server.url}/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}` },
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: "Forbidden" });
  });

  it("lets any valid token through a JWT route that lists no scopes", async () => {
    const response = await fetch(`${server.url}/v1/decisions/d-1`, {
      headers: { authorization: `Bearer ${reader}` },
    });

    expect(response.status).toBe(200);
    expect(seen.at(-1)?.pathParameters).toEqual({ id: "d-1" });
  });

  it("denies routes whose authorizer kind is not emulated", async () => {
    expect((await fetch(`${server.url}/iam`)).status).toBe(403);
  });

  it("answers 404 for an unknown route, 500 for a failing function, 503 past the integration timeout", async () => {
    const missing = await fetch(`${server.url}/nowhere`);
    const failing = await fetch(`${server.url}/boom`);
    const slow = await fetch(`${server.url}/slow`);

    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "Not Found" });
    expect(failing.status).toBe(500);
    expect(await failing.json()).toEqual({ message: "Internal Server Error" });
    expect(slow.status).toBe(503);
  });

  it("refuses a body over 10 MB with 413 before calling the function", async () => {
    const calls = seen.length;

    const response = await fetch(`${server.url}/v1/decisions`, {
      method: "POST",
      headers: { authorization: `Bearer ${writer}` },
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 97),
    });

    expect(response.status).toBe(413);
    expect(seen.length).toBe(calls);
  });

  it("answers CORS preflight requests itself for allowed origins", async () => {
    const response = await fetch(`${server.url}/v1/decisions`, {
      method: "OPTIONS",
      headers: { origin: "http://console.local", "access-control-request-method": "POST" },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://console.local");
    expect(response.headers.get("access-control-allow-methods")).toBe("GET,POST");
  });
});

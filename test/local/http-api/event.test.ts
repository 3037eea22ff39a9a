import { describe, expect, it } from "vitest";
import { buildEvent, toHttpResponse } from "../../../local/http-api";
import { fixedDate } from "../../support/clock";

const base = {
  method: "POST",
  url: "/v1/decisions/abc?x=1&x=2&y=z",
  headers: { "content-type": "application/json", cookie: "a=1; b=2", "x-multi": ["p", "q"] },
  body: Buffer.from('{"hello":"world"}'),
  sourceIp: "127.0.0.1",
  routeKey: "POST /v1/decisions/{id}",
  pathParameters: { id: "abc" },
  stage: "$default",
  apiId: "abc123defg",
  accountId: "000000000000",
  domainName: "127.0.0.1:3000",
  requestId: "req-1",
  now: fixedDate("2026-03-12T19:03:58Z"),
};

/** `12/Mar/2026` for a date, read from Intl (the code under test formats it by hand). */
function commonLogDate(date: Date): string {
  const format = new Intl.DateTimeFormat("en-GB", {
    day: "2-digit",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  const part = (type: string) => format.formatToParts(date).find((p) => p.type === type)?.value;
  return `${part("day")}/${part("month")}/${part("year")}`;
}

describe("API Gateway v2 events", () => {
  it("carries the request as payload format 2.0 does", () => {
    const event = buildEvent(base);

    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "POST /v1/decisions/{id}",
      rawPath: "/v1/decisions/abc",
      rawQueryString: "x=1&x=2&y=z",
      cookies: ["a=1", "b=2"],
      queryStringParameters: { x: "1,2", y: "z" },
      pathParameters: { id: "abc" },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: "POST", path: "/v1/decisions/abc", sourceIp: "127.0.0.1" },
        requestId: "req-1",
        stage: "$default",
        time: `${commonLogDate(base.now)}:19:03:58 +0000`,
        timeEpoch: base.now.getTime(),
      },
    });
    expect(event.headers).toEqual({ "content-type": "application/json", "x-multi": "p,q" });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it("base64-encodes a binary body and adds the JWT claims of an identity", () => {
    const event = buildEvent({
      ...base,
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.from([0, 1, 2, 255]),
      identity: { sub: "reviewer-1", scopes: ["hitl/reviewer", "hitl/analyst"] },
    });

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? "", "base64")).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(event.requestContext.authorizer?.jwt).toEqual({
      claims: { sub: "reviewer-1", scope: "hitl/reviewer hitl/analyst" },
      scopes: ["hitl/reviewer", "hitl/analyst"],
    });
  });

  it("leaves out body, query and path parameters when there are none", () => {
    const event = buildEvent({ ...base, url: "/health", body: Buffer.alloc(0), pathParameters: {} });

    expect(event).not.toHaveProperty("body");
    expect(event).not.toHaveProperty("queryStringParameters");
    expect(event).not.toHaveProperty("pathParameters");
    expect(event.isBase64Encoded).toBe(false);
  });
});

describe("function results as HTTP responses", () => {
  it("takes a structured result as the response, cookies as set-cookie headers", () => {
    const response = toHttpResponse({
      statusCode: 201,
      headers: { "Content-Type": "text/plain" },
      cookies: ["a=1", "b=2"],
      body: "made",
    });

    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] });
    expect(response.body.toString()).toBe("made");
  });

  it("decodes a base64 body", () => {
    const response = toHttpResponse({
      statusCode: 200,
      body: Buffer.from("bin").toString("base64"),
      isBase64Encoded: true,
    });

    expect(response.body.toString()).toBe("bin");
  });

  it("sends a plain object as 200 JSON, as API Gateway infers", () => {
    const response = toHttpResponse({ ok: true });

    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(response.body.toString())).toEqual({ ok: true });
  });

  it("turns a malformed status code into a 500", () => {
    expect(toHttpResponse({ statusCode: "teapot" }).statusCode).toBe(500);
  });
});

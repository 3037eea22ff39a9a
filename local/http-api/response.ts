import { isRecord } from "../template/types";

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

export function jsonMessage(statusCode: number, message: string): HttpResponse {
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/**
 * What API Gateway makes of a function's result (payload format 2.0): a result with `statusCode`
 * is taken as the response; anything else is sent as a 200 JSON body. A malformed response is a
 * 500, as API Gateway answers.
 */
export function toHttpResponse(result: unknown): HttpResponse {
  if (!isRecord(result) || !("statusCode" in result)) {
    const body = typeof result === "string" ? result : JSON.stringify(result);
    return { statusCode: 200, headers: { "content-type": "application/json" }, body: Buffer.from(body) };
  }
  const statusCode = Number(result.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return jsonMessage(500, "Internal Server Error");
  }
  const headers: Record<string, string | string[]> = {};
  if (isRecord(result.headers)) {
    for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = String(value);
  }
  if (Array.isArray(result.cookies) && result.cookies.length)
    headers["set-cookie"] = result.cookies.map(String);
  const raw = typeof result.body === "string" ? result.body : "";
  const body = result.isBase64Encoded === true ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  return { statusCode, headers, body };
}

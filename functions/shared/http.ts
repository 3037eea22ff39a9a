import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { count, logger, METRIC } from "../../adapters/observability";
import { DomainError, validationFailed } from "../../core/errors";
import type { Role } from "../../core/roles";
import { keyTextProblem } from "../../core/storage/dynamodb-limits";
import { correlate, correlationKeys, pathKeys } from "./correlation";
import { edge } from "./edge";

/** Bodies above this are refused with 413 (kB, leaving room for the routing envelope under Step Functions' 256 KiB). */
export const MAX_BODY_BYTES = 256_000;

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface Caller {
  /** The token's subject: a reviewer's identity, or a producer's client id. */
  id: string;
  roles: Role[];
  /** Every claim of the token (e.g. a reviewer's `queues`). */
  claims: Record<string, unknown>;
}

export interface RouteContext {
  event: HttpEvent;
  caller: Caller;
  /** The JSON body, parsed; undefined when the request has none. */
  body: unknown;
  params: Record<string, string>;
  query: Record<string, string>;
}

export interface RouteHandler {
  /** Defence in depth: API Gateway checks the scopes too, the handler checks them again. */
  roles: readonly Role[];
  run(ctx: RouteContext): Promise<{ status?: number; body: unknown; headers?: Record<string, string> }>;
}

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResult => ({
  statusCode,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

export const errorBody = (code: string, message: string, details?: readonly unknown[]) => ({
  error: { code, message, ...(details ? { details } : {}) },
});

function callerOf(event: HttpEvent): Caller {
  const jwt = event.requestContext.authorizer?.jwt;
  const scopes = jwt?.scopes ?? String(jwt?.claims?.scope ?? "").split(" ");
  const roles = scopes.filter((s) => s.startsWith("hitl/")).map((s) => s.slice(5) as Role);
  return { id: String(jwt?.claims?.sub ?? "anonymous"), roles, claims: { ...(jwt?.claims ?? {}) } };
}

function parseBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === "") return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_BODY_BYTES) {
    throw new DomainError(
      413,
      "payload_too_large",
      `request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES} bytes`,
    );
  }
  // JSON Lines (a gold upload) is handed to the route as text: it is not one JSON value.
  const type = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === "content-type",
  )?.[1];
  if (type && /^application\/(x-ndjson|jsonl|x-jsonlines)\b/i.test(type)) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError(
      400,
      "malformed_json",
      `request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/**
 * A thin HTTP adapter: picks the route by API Gateway's routeKey, checks the caller's role,
 * parses the body and turns DomainErrors into JSON errors with their status. Anything else is a
 * 500 that hides internals (the log keeps them).
 */
export function httpApi(routes: Record<string, RouteHandler>) {
  return edge(
    async (event: HttpEvent): Promise<HttpResult> => {
      const route = routes[event.routeKey];
      if (!route) return json(404, errorBody("no_route", `no route for ${event.routeKey}`));
      try {
        const caller = callerOf(event);
        if (!route.roles.some((role) => caller.roles.includes(role))) {
          return json(
            403,
            errorBody(
              "forbidden",
              `this route needs one of the roles ${route.roles.join(", ")}; the token has ${caller.roles.join(", ") || "none"}`,
            ),
          );
        }
        const body = parseBody(event);
        const params = (event.pathParameters ?? {}) as Record<string, string>;
        const problems = Object.entries(params).flatMap(([name, value]) => {
          const problem = keyTextProblem(value);
          return problem ? [{ path: name, message: problem }] : [];
        });
        if (problems.length > 0) throw validationFailed("path", problems);
        correlate({ ...correlationKeys(body), ...pathKeys(event.routeKey, params) });
        const result = await route.run({
          event,
          caller,
          body,
          params,
          query: (event.queryStringParameters ?? {}) as Record<string, string>,
        });
        // A route that names its own content type other than JSON (e.g. JSON Lines) returns text as is.
        const type = result.headers?.["content-type"];
        if (typeof result.body === "string" && type && !type.startsWith("application/json"))
          return { statusCode: result.status ?? 200, headers: result.headers, body: result.body };
        return json(result.status ?? 200, result.body, result.headers);
      } catch (error) {
        if (error instanceof DomainError)
          return json(error.status, errorBody(error.code, error.message, error.details));
        logger.error("request failed", { routeKey: event.routeKey, error });
        count(METRIC.errors);
        return json(500, errorBody("internal", "internal error; the request id is in the logs", undefined), {
          "x-request-id": event.requestContext.requestId,
        });
      }
      // The ids are taken from the parsed body and the path above, not searched for in the raw event.
    },
    { correlation: () => undefined },
  );
}

import type { IncomingHttpHeaders } from "node:http";
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
} from "aws-lambda";
import type { Identity } from "../auth";

export type HttpApiEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: APIGatewayEventRequestContextJWTAuthorizer }
>;

export interface EventInput {
  readonly method: string;
  /** The request target as received: path and query string. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly stage: string;
  readonly apiId: string;
  readonly accountId: string;
  readonly domainName: string;
  readonly requestId: string;
  readonly now: Date;
  readonly identity?: Identity;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** API Gateway's `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
export function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

/** Text bodies reach the function as text, anything else base64-encoded. */
export function isTextual(contentType: string | undefined, body: Buffer): boolean {
  if (!contentType) return !body.includes(0) && Buffer.from(body.toString("utf8"), "utf8").equals(body);
  return /^text\/|json|xml|javascript|x-www-form-urlencoded|graphql|yaml|csv/i.test(contentType);
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    // Format 2.0 joins repeated parameters with commas.
    params[key] = key in params ? `${params[key]},${value}` : value;
  }
  return params;
}

/** An API Gateway HTTP API (payload format 2.0) event for one request. */
export function buildEvent(input: EventInput): HttpApiEvent {
  const question = input.url.indexOf("?");
  const rawPath = question < 0 ? input.url : input.url.slice(0, question);
  const rawQueryString = question < 0 ? "" : input.url.slice(question + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") {
      cookies = (Array.isArray(value) ? value : [value])
        .flatMap((line) => line.split(/;\s*/))
        .filter(Boolean);
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const query = queryParameters(rawQueryString);
  const hasBody = input.body.length > 0;
  const textual = isTextual(headers["content-type"], input.body);
  const event: HttpApiEvent = {
    version: "2.0",
    routeKey: input.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: input.accountId,
      apiId: input.apiId,
      domainName: input.domainName,
      domainPrefix: input.domainName.split(".")[0] ?? input.domainName,
      http: {
        method: input.method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: input.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: input.stage,
      time: clfTime(input.now),
      timeEpoch: input.now.getTime(),
      ...(input.identity
        ? {
            authorizer: {
              jwt: {
                claims: {
                  ...input.identity.claims,
                  sub: input.identity.sub,
                  scope: input.identity.scopes.join(" "),
                },
                scopes: [...input.identity.scopes],
              },
            },
          }
        : {}),
    },
    ...(Object.keys(input.pathParameters).length ? { pathParameters: { ...input.pathParameters } } : {}),
    ...(hasBody ? { body: textual ? input.body.toString("utf8") : input.body.toString("base64") } : {}),
    isBase64Encoded: hasBody && !textual,
  };
  return event;
}

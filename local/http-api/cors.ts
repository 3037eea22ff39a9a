import type { CorsSpec } from "./spec";

function allowedOrigin(cors: CorsSpec, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (cors.allowOrigins.includes("*")) return cors.allowCredentials ? origin : "*";
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

/** Headers API Gateway adds to a response when the API has a CORS configuration. */
export function corsHeaders(cors: CorsSpec | undefined, origin: string | undefined): Record<string, string> {
  const allowed = cors && allowedOrigin(cors, origin);
  if (!cors || !allowed) return {};
  return {
    "access-control-allow-origin": allowed,
    ...(cors.allowCredentials ? { "access-control-allow-credentials": "true" } : {}),
    ...(cors.exposeHeaders.length ? { "access-control-expose-headers": cors.exposeHeaders.join(",") } : {}),
  };
}

/** API Gateway answers CORS preflight requests itself, without calling a route. */
export function preflight(
  cors: CorsSpec | undefined,
  method: string,
  headers: { origin?: string; "access-control-request-method"?: string },
): Record<string, string> | undefined {
  if (!cors || method !== "OPTIONS" || !headers["access-control-request-method"]) return undefined;
  const base = corsHeaders(cors, headers.origin);
  if (!base["access-control-allow-origin"]) return {};
  return {
    ...base,
    "access-control-allow-methods": (cors.allowMethods.length ? cors.allowMethods : ["*"]).join(","),
    ...(cors.allowHeaders.length ? { "access-control-allow-headers": cors.allowHeaders.join(",") } : {}),
    ...(cors.maxAge !== undefined ? { "access-control-max-age": String(cors.maxAge) } : {}),
  };
}

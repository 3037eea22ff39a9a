/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route list and the very zod schemas
 * that validate requests (zod-openapi renders them with zod 4's own JSON Schema conversion).
 * Served at `GET /v1/openapi.json` and written by `npm run openapi`.
 */

import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { AlternativeSchema, DecisionRequestSchema, PredictionSchema } from "../decisions/schema";
import {
  ArmSchema,
  ExperimentInputSchema,
  PolicySchema,
  RuleSchema,
  SlaSchema,
  TierSchema,
} from "../experiments/schema";
import { API_ERRORS, type ApiErrorCode } from "./errors";
import { ErrorBodySchema, GatewayMessageSchema } from "./responses";
import { API_ROUTES, type ApiRoute, JSON_TYPE } from "./routes";

export const OPENAPI_VERSION = "3.1.0";
export const SECURITY_SCHEME = "hitlJwt";

/** Every error a route can answer: its own, and those every route with a token, body or query has. */
export function errorCodesOf(route: ApiRoute): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(route.errors);
  if (route.roles !== "public") for (const code of ["forbidden", "internal"] as const) codes.add(code);
  if (route.body) for (const code of ["malformed_json", "payload_too_large"] as const) codes.add(code);
  if (route.body?.required) codes.add("missing_body");
  if (route.body || route.query) codes.add("validation_failed");
  return [...codes].sort();
}

const pathParamsOf = (path: string) => {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  return names.length > 0 ? z.object(Object.fromEntries(names.map((name) => [name, z.string()]))) : undefined;
};

function responsesOf(route: ApiRoute): ZodOpenApiOperationObject["responses"] {
  const responses: ZodOpenApiOperationObject["responses"] = {
    [String(route.success.status)]: {
      description: route.success.description,
      content: { [route.success.contentType ?? JSON_TYPE]: { schema: route.success.schema } },
    },
  };
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const { status } = API_ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status) as `${4 | 5}${string}`] = {
      description: codes.map((code) => `\`${code}\`: ${API_ERRORS[code].meaning}`).join("; "),
      content: {
        [JSON_TYPE]: {
          schema: ErrorBodySchema,
          // The codes this route answers with this status, for readers and generators.
          "x-error-codes": codes,
        },
      },
    };
  }
  if (route.roles !== "public") {
    responses["401"] = {
      description: "API Gateway: no bearer token, or one it does not accept",
      content: { [JSON_TYPE]: { schema: GatewayMessageSchema } },
    };
    responses["429"] = {
      description: "API Gateway: throttled (the stage allows 2,000 requests/s, bursts of 1,000); retry later",
      content: { [JSON_TYPE]: { schema: GatewayMessageSchema } },
    };
  }
  return responses;
}

function operationOf(route: ApiRoute): ZodOpenApiOperationObject {
  const path = pathParamsOf(route.path);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.roles === "public"
      ? { security: [] }
      : {
          security: [{ [SECURITY_SCHEME]: route.roles.map((role) => `hitl/${role}`) }],
          description: `Roles: ${route.roles.join(", ")}.`,
        }),
    ...(path || route.query
      ? { requestParams: { ...(path ? { path } : {}), ...(route.query ? { query: route.query } : {}) } }
      : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required,
            content: { [JSON_TYPE]: { schema: route.body.schema } },
          },
        }
      : {}),
    responses: responsesOf(route),
    "x-idempotent": route.idempotent,
  };
}

/** The document; deterministic, so the served one and the built one are byte for byte the same. */
export function openApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of API_ROUTES)
    paths[route.path] = { ...paths[route.path], [route.method]: operationOf(route) };
  return createDocument({
    openapi: OPENAPI_VERSION,
    info: {
      title: "hitl-lab API",
      version: "1",
      description:
        "Send AI decisions, read their outcomes, work the review queues, manage experiments. " +
        'Errors are `{ "error": { "code", "message", "details"? } }`; the message names the field and the problem.',
    },
    tags: [
      { name: "decisions", description: "Product systems: route decisions, read outcomes" },
      { name: "reviews", description: "Reviewers: queues, claims, verdicts" },
      { name: "experiments", description: "Experiments (automation levels) and their report" },
      { name: "feedback", description: "The ML team's corrections and later ground truth" },
      { name: "public", description: "No token needed" },
    ],
    paths,
    components: {
      schemas: {
        DecisionRequest: DecisionRequestSchema,
        Prediction: PredictionSchema,
        Alternative: AlternativeSchema,
        ExperimentInput: ExperimentInputSchema,
        Arm: ArmSchema,
        Policy: PolicySchema,
        Rule: RuleSchema,
        Sla: SlaSchema,
        Tier: TierSchema,
      },
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A bearer JWT carrying the role as the OAuth scope `hitl/<role>`",
        },
      },
    },
  });
}

import { functionNameOf } from "../lambda/spec";
import { resourcesOf } from "../template/load";
import type { TemplateResolver } from "../template/resolve";
import { type CloudAssembly, isRecord, type ResourceRef } from "../template/types";
import type { ApiSpec, CorsSpec, RouteAuth, RouteSpec, RouteTarget } from "./spec";

const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FN_ARN/invocations` or a plain function ARN. */
function functionArnOf(uri: string): string | undefined {
  const wrapped = /functions\/(arn:[^/]+)\/invocations/.exec(uri);
  if (wrapped?.[1]) return wrapped[1];
  return /^arn:aws[a-z-]*:lambda:/.test(uri) ? uri : undefined;
}

function cors(value: unknown): CorsSpec | undefined {
  if (!isRecord(value)) return undefined;
  return {
    allowOrigins: strings(value.AllowOrigins),
    allowMethods: strings(value.AllowMethods),
    allowHeaders: strings(value.AllowHeaders),
    exposeHeaders: strings(value.ExposeHeaders),
    maxAge: typeof value.MaxAge === "number" ? value.MaxAge : undefined,
    allowCredentials: value.AllowCredentials === true,
  };
}

function belongsTo(resolver: TemplateResolver, ref: ResourceRef, apiId: string): boolean {
  return resolver.property(ref, "ApiId") === apiId;
}

function auth(resolver: TemplateResolver, route: ResourceRef, authorizers: ResourceRef[]): RouteAuth {
  const type = String(resolver.property(route, "AuthorizationType") ?? "NONE");
  if (type === "NONE") return { type: "NONE" };
  if (type !== "JWT") return { type: "UNSUPPORTED", kind: type };
  const authorizerId = resolver.property(route, "AuthorizerId");
  const authorizer = authorizers.find((ref) => resolver.ref(ref.stack, ref.logicalId) === authorizerId);
  if (authorizer && resolver.property(authorizer, "AuthorizerType") !== "JWT") {
    return { type: "UNSUPPORTED", kind: String(resolver.property(authorizer, "AuthorizerType")) };
  }
  return { type: "JWT", scopes: strings(resolver.property(route, "AuthorizationScopes")) };
}

function target(
  resolver: TemplateResolver,
  route: ResourceRef,
  integrations: ResourceRef[],
  notes: string[],
): RouteTarget | undefined {
  const routeKey = String(resolver.property(route, "RouteKey"));
  const targetRef = resolver.property(route, "Target");
  if (typeof targetRef !== "string") {
    notes.push(`route ${routeKey} has no integration`);
    return undefined;
  }
  const integrationId = targetRef.replace(/^integrations\//, "");
  const integration = integrations.find((ref) => resolver.ref(ref.stack, ref.logicalId) === integrationId);
  if (!integration) {
    notes.push(`route ${routeKey}: integration ${integrationId} is not in the templates`);
    return undefined;
  }
  const type = resolver.property(integration, "IntegrationType");
  const arn = functionArnOf(String(resolver.property(integration, "IntegrationUri") ?? ""));
  if (type !== "AWS_PROXY" || !arn) {
    notes.push(`route ${routeKey}: integration type ${String(type)} is not emulated (only Lambda proxy)`);
    return undefined;
  }
  const version = String(resolver.property(integration, "PayloadFormatVersion") ?? "2.0");
  if (version !== "2.0") {
    notes.push(`route ${routeKey}: payload format ${version} is not emulated (only 2.0)`);
    return undefined;
  }
  const timeout = Number(resolver.property(integration, "TimeoutInMillis"));
  return {
    functionName: functionNameOf(arn),
    payloadFormatVersion: version,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_INTEGRATION_TIMEOUT_MS,
  };
}

function stageName(resolver: TemplateResolver, stages: ResourceRef[], notes: string[]): string {
  const names = stages.map((ref) => String(resolver.property(ref, "StageName")));
  if (names.includes("$default") || names.length === 0) {
    if (names.length === 0) notes.push("no stage: served as $default");
    return "$default";
  }
  if (names.length > 1) notes.push(`several stages (${names.join(", ")}): only ${names[0]} is served`);
  return names[0] as string;
}

/** Every HTTP API of the templates with its routes, integrations, authorizers and stage. */
export function apiSpecs(resolver: TemplateResolver, assembly: CloudAssembly): ApiSpec[] {
  const all = (type: string) =>
    resourcesOf(assembly, `AWS::ApiGatewayV2::${type}`).filter((ref) => resolver.isActive(ref));
  const routes = all("Route");
  const integrations = all("Integration");
  const authorizers = all("Authorizer");
  const stages = all("Stage");
  return all("Api")
    .filter((api) => (resolver.property(api, "ProtocolType") ?? "HTTP") === "HTTP")
    .map((api) => {
      const apiId = String(resolver.ref(api.stack, api.logicalId));
      const notes: string[] = [];
      const mine = (refs: ResourceRef[]) => refs.filter((ref) => belongsTo(resolver, ref, apiId));
      const routeSpecs: RouteSpec[] = mine(routes).map((route) => ({
        logicalId: route.logicalId,
        routeKey: String(resolver.property(route, "RouteKey")),
        auth: auth(resolver, route, mine(authorizers)),
        target: target(resolver, route, mine(integrations), notes),
      }));
      for (const route of routeSpecs) {
        if (route.auth.type === "UNSUPPORTED")
          notes.push(`route ${route.routeKey}: ${route.auth.kind} auth denies all`);
      }
      return {
        logicalId: api.logicalId,
        stackName: api.stack.stackName,
        apiId,
        stageName: stageName(resolver, mine(stages), notes),
        routes: routeSpecs,
        cors: cors(resolver.property(api, "CorsConfiguration")),
        notes,
      };
    });
}

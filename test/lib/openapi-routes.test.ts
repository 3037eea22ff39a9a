import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../core/api/openapi";
import { synthesize } from "./synth";

const { compute } = synthesize();
const routes = Object.values(compute.findResources("AWS::ApiGatewayV2::Route")).map(
  (r) => r.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizationScopes?: string[] },
);
const doc = openApiDocument();

/** `METHOD /path` of every operation in the document, with the scopes its security requirement names. */
const documented = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item ?? {}).map(([method, op]) => ({
    key: `${method.toUpperCase()} ${path}`,
    security: (op as { security?: Record<string, string[]>[] }).security ?? [],
  })),
);

describe("the OpenAPI document against the synthesized HTTP API", () => {
  it("has exactly the paths and methods of the HTTP API's routes", () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(documented.map((d) => d.key).sort()).toEqual(routes.map((r) => r.RouteKey).sort());
  });

  it("names the same role scopes as each route's authorizer, and no token where the route has none", () => {
    for (const route of routes) {
      const op = documented.find((d) => d.key === route.RouteKey);
      if (route.AuthorizationType === "JWT")
        expect({ route: route.RouteKey, scopes: op?.security[0]?.hitlJwt?.toSorted() }).toEqual({
          route: route.RouteKey,
          scopes: route.AuthorizationScopes?.toSorted(),
        });
      else
        expect({ route: route.RouteKey, security: op?.security }).toEqual({
          route: route.RouteKey,
          security: [],
        });
    }
  });

  it("serves the document without a token, through the same kind of function as every other route", () => {
    const route = routes.find((r) => r.RouteKey === "GET /v1/openapi.json");
    expect(route?.AuthorizationType).toBe("NONE");
    const fns = Object.values(compute.findResources("AWS::Lambda::Function")).filter((f) =>
      String(f.Properties.Description).includes("/v1/openapi.json"),
    );
    expect(fns).toHaveLength(1);
    expect(fns[0]?.Properties.TracingConfig).toEqual({ Mode: "Active" });
  });
});

import { describe, expect, it } from "vitest";
import { createRouter, type RouteSpec } from "../../../local/http-api";

function route(routeKey: string): RouteSpec {
  return { logicalId: routeKey, routeKey, auth: { type: "NONE" } };
}

const router = createRouter(
  [
    "POST /v1/decisions",
    "GET /v1/decisions/{id}",
    "GET /v1/decisions/latest",
    "ANY /v1/decisions/{id}",
    "GET /v1/{proxy+}",
    "ANY /{proxy+}",
    "$default",
  ].map(route),
);

describe("route matching", () => {
  it("matches a literal route and a path variable, decoding the variable", () => {
    expect(router("POST", "/v1/decisions")?.route.routeKey).toBe("POST /v1/decisions");

    const match = router("GET", "/v1/decisions/d%201");

    expect(match?.route.routeKey).toBe("GET /v1/decisions/{id}");
    expect(match?.pathParameters).toEqual({ id: "d 1" });
  });

  it("prefers a literal segment over a variable, and an exact method over ANY", () => {
    expect(router("GET", "/v1/decisions/latest")?.route.routeKey).toBe("GET /v1/decisions/latest");
    expect(router("DELETE", "/v1/decisions/x")?.route.routeKey).toBe("ANY /v1/decisions/{id}");
  });

  it("falls back to the most specific greedy route, then to $default", () => {
    const greedy = router("GET", "/v1/reports/a/b");

    expect(greedy?.route.routeKey).toBe("GET /v1/{proxy+}");
    expect(greedy?.pathParameters).toEqual({ proxy: "reports/a/b" });
    expect(router("PUT", "/elsewhere")?.route.routeKey).toBe("ANY /{proxy+}");
    expect(router("GET", "/")?.route.routeKey).toBe("$default");
  });

  it("finds nothing when no route matches and there is no $default", () => {
    const strict = createRouter([route("GET /only")]);

    expect(strict("GET", "/only/more")).toBeUndefined();
    expect(strict("POST", "/only")).toBeUndefined();
  });
});

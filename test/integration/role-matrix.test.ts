import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../core/roles";
import { cloud, settledSnapshot } from "./support";

/** Every HTTP route of the synthesized template, with the scopes its JWT authorizer demands. */
interface TemplateRoute {
  method: string;
  path: string;
  /** Roles the route allows; undefined for a route without an authorizer (anyone may call it). */
  roles?: Role[];
}

function templateRoutes(): TemplateRoute[] {
  const template = JSON.parse(readFileSync(join("cdk.out", "HitlCompute.template.json"), "utf8")) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  return Object.values(template.Resources)
    .filter((r) => r.Type === "AWS::ApiGatewayV2::Route")
    .map((r) => {
      const [method = "", path = ""] = String(r.Properties.RouteKey).split(" ");
      const scopes = r.Properties.AuthorizationScopes as string[] | undefined;
      return {
        method,
        path,
        ...(r.Properties.AuthorizationType === "JWT"
          ? { roles: (scopes ?? []).map((s) => s.replace(/^hitl\//, "") as Role) }
          : {}),
      };
    });
}

const routes = templateRoutes();
/** Path parameters that name nothing stored, so an allowed call changes nothing either. */
const concrete = (path: string) =>
  path.replace("{queue}", "matrix-empty-queue").replace(/\{[a-z]+\}/g, "matrix-unknown-id");

describe("the role × route matrix over every route of the synthesized template", () => {
  it("reads every route of the HTTP API from the template", () => {
    expect(routes.length).toBeGreaterThanOrEqual(21);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain("POST /v1/decisions");
  });

  it("answers 401 without a token, 403 for every role a route does not allow, and neither for allowed roles, writing nothing", async () => {
    // Arrange
    const before = await settledSnapshot();
    const wrong: string[] = [];
    let calls = 0;

    // Act
    for (const route of routes) {
      // The six callers of one route at once: 114 calls and two settled snapshots on a loaded machine.
      const callers = [undefined, ...ROLES] as const;
      const answers = await Promise.all(
        callers.map(async (caller) => {
          const answer = await fetch(new URL(concrete(route.path), cloud.apiUrl), {
            method: route.method,
            headers: caller ? { authorization: `Bearer ${cloud.tokens[caller]}` } : {},
          });
          await answer.arrayBuffer();
          return { caller, answer };
        }),
      );
      for (const { caller, answer } of answers) {
        calls++;
        const allowed = route.roles === undefined || (caller !== undefined && route.roles.includes(caller));
        const expected = allowed ? "not 401/403" : caller === undefined ? "401" : "403";
        const ok = allowed
          ? answer.status !== 401 && answer.status !== 403 && answer.status < 500
          : answer.status === (caller === undefined ? 401 : 403);
        if (!ok)
          wrong.push(
            `${route.method} ${route.path} as ${caller ?? "nobody"}: ${answer.status}, expected ${expected}`,
          );
      }
    }

    // Assert
    expect(wrong).toEqual([]);
    expect(calls).toBe(routes.length * (ROLES.length + 1));
    expect(await settledSnapshot()).toEqual(before);
  }, 300_000);
});

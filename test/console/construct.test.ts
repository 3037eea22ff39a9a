import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { ReviewerConsole } from "../../lib/constructs/console";
import { HitlHttpApi } from "../../lib/constructs/http-api";

/** A stack with the HTTP API, one JWT route and the console; bundling skipped unless `outdir` is given. */
function consoleStack(outdir?: string) {
  const app = new App(outdir ? { outdir } : { context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new Stack(app, "ConsoleTest", { env: { region: "us-east-1" } });
  const api = new HitlHttpApi(stack, "Http", {
    jwtIssuer: "https://issuer.example.com",
    jwtAudience: ["client"],
  });
  const reviewerConsole = new ReviewerConsole(stack, "Console", { api });
  api.addRoute({
    method: HttpMethod.GET,
    path: "/v1/queues",
    handler: reviewerConsole.fn,
    roles: ["reviewer"],
  });
  return { stack, template: Template.fromStack(stack) };
}

describe("the reviewer console construct", () => {
  it("serves GET /console without the JWT authorizer while data routes keep it", () => {
    // Arrange
    const { template } = consoleStack();

    // Act
    const routes = template.findResources("AWS::ApiGatewayV2::Route");

    // Assert
    const byKey = Object.fromEntries(
      Object.values(routes).map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]),
    );
    expect(byKey).toEqual({ "GET /console": "NONE", "GET /v1/queues": "JWT" });
  });

  it("runs the page on the project's function defaults, small and short", () => {
    // Arrange
    const { template } = consoleStack();

    // Act
    const functions = template.findResources("AWS::Lambda::Function", {
      Properties: { Description: Match.stringLikeRegexp("reviewer console") },
    });

    // Assert
    expect(Object.values(functions).map((f) => f.Properties)).toEqual([
      expect.objectContaining({
        Runtime: "nodejs24.x",
        MemorySize: 128,
        Timeout: 3,
        Architectures: ["arm64"],
      }),
    ]);
  });

  it("acknowledges cdk-nag's unauthorized-route finding on the console route only, with a reason", () => {
    // Arrange
    const { stack } = consoleStack();

    // Act
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;

    // Assert
    expect(violations.filter((v) => v.ruleName.startsWith("AwsSolutions-APIG4"))).toEqual([]);
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === "aws:cdk:acknowledged-rules")
          .map((m) => ({ path: c.node.path, rules: m.data })),
      );
    expect(acknowledged).toEqual([
      {
        path: "ConsoleTest/Http/Api/GET--console",
        rules: { "Annotation::AwsSolutions-APIG4": expect.stringContaining("holds no data") },
      },
    ]);
  });
});

describe("the reviewer console's bundle", () => {
  const functionsFolder = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    "../../functions/console",
  );

  it("bundles the page built into the cloud assembly and writes nothing into the source tree", async () => {
    // Arrange
    const outdir = mkdtempSync(path.join(tmpdir(), "hitl-console-synth-"));
    const sourcesBefore = readdirSync(functionsFolder).sort();

    try {
      // Act
      consoleStack(outdir);

      // Assert
      const { CONSOLE_PAGE } = await import("#console-page");
      expect(existsSync(path.join(outdir, "hitl-console", "console-page.mjs"))).toBe(true);
      const bundles = readdirSync(outdir)
        .filter((entry) => entry.startsWith("asset."))
        .map((entry) => path.join(outdir, entry, "index.mjs"))
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file, "utf8"));
      expect(bundles).toHaveLength(1);
      expect(bundles[0]).toContain(CONSOLE_PAGE.scriptHash);
      expect(bundles[0]).not.toContain("esbuild");
      expect(readdirSync(functionsFolder).sort()).toEqual(sourcesBefore);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../lib/app";
import { synthesize } from "./synth";

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const { compute } = synthesize();
const resources = compute.toJSON().Resources as Resources;
const ofType = (all: Resources, type: string) => Object.entries(all).filter(([, r]) => r.Type === type);
const text = (value: unknown) => JSON.stringify(value);

describe("sign-in for the browser pages", () => {
  it("makes a public Cognito client for code + PKCE whose callback and sign-out URLs are the API's /app and /console", () => {
    // Act
    const [[id, client] = ["", undefined]] = ofType(resources, "AWS::Cognito::UserPoolClient");

    // Assert
    expect(client?.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    const callbacks = client?.Properties.CallbackURLs as unknown[];
    expect(callbacks.map(text)).toEqual([
      expect.stringMatching(/HttpApi.*ApiEndpoint.*\/app"/),
      expect.stringMatching(/HttpApi.*ApiEndpoint.*\/console"/),
    ]);
    expect(client?.Properties.LogoutURLs).toEqual(callbacks);
    expect(client?.Properties.AllowedOAuthScopes).toEqual(
      expect.arrayContaining(["openid", "hitl/analyst", "hitl/admin", "hitl/reviewer"]),
    );
    // The JWT authorizer accepts its tokens.
    const [[, authorizer] = ["", undefined]] = ofType(resources, "AWS::ApiGatewayV2::Authorizer");
    expect(text(authorizer?.Properties.JwtConfiguration)).toContain(`{"Ref":"${id}"}`);
  });

  it("tells the app and console functions the issuer, the client, the hosted UI's logout and the origins to allow", () => {
    // Act
    const pages = ofType(resources, "AWS::Lambda::Function").filter(([, f]) =>
      /Serves the (web app|reviewer console) page/.test(String(f.Properties.Description)),
    );

    // Assert
    expect(pages).toHaveLength(2);
    for (const [, fn] of pages) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables)).toEqual(
        expect.arrayContaining(["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_LOGOUT_URL", "OIDC_CONNECT_SRC"]),
      );
      expect(text(variables.OIDC_ISSUER)).toContain("https://cognito-idp.");
      expect(text(variables.OIDC_LOGOUT_URL)).toContain("amazoncognito.com/logout");
    }
  });

  it("with another OIDC issuer, makes no Cognito client and points the pages at that issuer", () => {
    // Arrange
    const app = new App({
      context: {
        "aws:cdk:bundling-stacks": [],
        jwtIssuer: "https://login.example.com/tenant",
        jwtAudience: "api-audience",
        oidcClientId: "pages-client",
      },
    });

    // Act
    const other = Template.fromStack(buildApp(app).compute).toJSON().Resources as Resources;

    // Assert
    expect(ofType(other, "AWS::Cognito::UserPoolClient")).toEqual([]);
    const page = ofType(other, "AWS::Lambda::Function").find(([, f]) =>
      String(f.Properties.Description).includes("web app page"),
    )?.[1];
    const environment = page?.Properties.Environment as { Variables: Record<string, unknown> } | undefined;
    expect(environment?.Variables).toMatchObject({
      OIDC_ISSUER: "https://login.example.com/tenant",
      OIDC_CLIENT_ID: "pages-client",
    });
  });
});

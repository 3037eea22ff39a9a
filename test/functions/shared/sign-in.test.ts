import { describe, expect, it } from "vitest";
import { signInConfig, signInOrigins, withSignIn } from "../../../functions/shared/sign-in";

const COGNITO = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123";

describe("where the pages sign people in", () => {
  it("uses the Cognito issuer with its hosted UI's logout on AWS, and allows both origins in the CSP", () => {
    // Arrange
    const env = {
      OIDC_ISSUER: COGNITO,
      OIDC_CLIENT_ID: "web-client",
      OIDC_LOGOUT_URL: "https://hitl.auth.eu-west-1.amazoncognito.com/logout",
      OIDC_CONNECT_SRC:
        "https://cognito-idp.eu-west-1.amazonaws.com https://hitl.auth.eu-west-1.amazoncognito.com",
    };

    // Act
    const config = signInConfig(env);

    // Assert
    expect(config).toEqual({
      authority: COGNITO,
      clientId: "web-client",
      logoutUrl: "https://hitl.auth.eu-west-1.amazoncognito.com/logout",
    });
    expect(signInOrigins(config, env)).toEqual([
      "https://cognito-idp.eu-west-1.amazonaws.com",
      "https://hitl.auth.eu-west-1.amazoncognito.com",
    ]);
  });

  it("points a Cognito issuer at the local cloud's stand-in when the SDK's endpoint override says so", () => {
    // Arrange
    const env = {
      OIDC_ISSUER: COGNITO,
      OIDC_CLIENT_ID: "web-client",
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: "http://127.0.0.1:3000/_local/cognito-idp",
    };

    // Act
    const config = signInConfig(env);

    // Assert
    expect(config).toEqual({
      authority: "http://127.0.0.1:3000/_local/cognito-idp/eu-west-1_AbC123",
      clientId: "web-client",
      logoutUrl: "http://127.0.0.1:3000/_local/cognito-idp/eu-west-1_AbC123/logout",
    });
  });

  it("takes any other OIDC issuer as it is, and nothing without an issuer", () => {
    // Act
    const other = signInConfig({ OIDC_ISSUER: "https://login.example.com/tenant", OIDC_CLIENT_ID: "c" });
    const none = signInConfig({});

    // Assert
    expect(other).toEqual({ authority: "https://login.example.com/tenant", clientId: "c" });
    expect(signInOrigins(other, {})).toEqual(["https://login.example.com"]);
    expect(none).toBeUndefined();
  });

  it("writes the settings into the page's head as an escaped meta tag", () => {
    // Act
    const html = withSignIn("<html><head><title>x</title></head></html>", {
      authority: 'https://a.example/"<x>',
      clientId: "c",
    });

    // Assert
    expect(html).toBe(
      '<html><head><title>x</title><meta name="hitl-sign-in" content="{&quot;authority&quot;:&quot;https://a.example/\\&quot;&lt;x&gt;&quot;,&quot;clientId&quot;:&quot;c&quot;}">\n</head></html>',
    );
  });
});

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openTokenStore } from "../../../local/auth";
import { IDENTITY_PREFIX, localIdentityProvider } from "../../../local/http-api/identity";

const ORIGIN = "http://127.0.0.1:3000";
const POOL = `${IDENTITY_PREFIX}us-east-1_abc`;
const VERIFIER = "a-verifier-of-at-least-forty-three-characters-long-0123";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

function setup() {
  const tokens = openTokenStore();
  const idp = localIdentityProvider(tokens, ["hitl/analyst", "hitl/reviewer"]);
  const get = (action: string, params: Record<string, string>) =>
    idp.handle({
      method: "GET",
      path: `${POOL}/${action}`,
      query: new URLSearchParams(params),
      body: Buffer.alloc(0),
      origin: ORIGIN,
    });
  const post = (action: string, form: Record<string, string>) =>
    idp.handle({
      method: "POST",
      path: `${POOL}/${action}`,
      query: new URLSearchParams(),
      body: Buffer.from(new URLSearchParams(form).toString()),
      origin: ORIGIN,
    });
  return { tokens, get, post };
}

const authorization = {
  client_id: "web",
  redirect_uri: `${ORIGIN}/app`,
  response_type: "code",
  code_challenge: CHALLENGE,
  code_challenge_method: "S256",
  state: "s1",
};

const json = (response: { body: Buffer } | undefined) => JSON.parse(response?.body.toString() ?? "null");
const codeOf = (response: { headers: Record<string, string | string[]> } | undefined) =>
  new URL(String(response?.headers.location)).searchParams.get("code") ?? "";

describe("the local sign-in (the hosted UI's stand-in)", () => {
  it("discovers its endpoints under its own origin and pool", () => {
    // Arrange
    const { get } = setup();

    // Act
    const metadata = json(get(".well-known/openid-configuration", {}));

    // Assert
    expect(metadata).toMatchObject({
      issuer: `${ORIGIN}${POOL}`,
      authorization_endpoint: `${ORIGIN}${POOL}/oauth2/authorize`,
      token_endpoint: `${ORIGIN}${POOL}/oauth2/token`,
      code_challenge_methods_supported: ["S256"],
    });
  });

  it("shows a page offering each role, then trades the code and verifier for a token of the chosen identity", () => {
    // Arrange
    const { get, post, tokens } = setup();

    // Act
    const page = get("oauth2/authorize", authorization);
    const approved = get("oauth2/approve", {
      ...authorization,
      role: "hitl/reviewer",
      identity: "reviewer-3",
    });
    const answer = json(
      post("oauth2/token", {
        grant_type: "authorization_code",
        client_id: "web",
        code: codeOf(approved),
        redirect_uri: `${ORIGIN}/app`,
        code_verifier: VERIFIER,
      }),
    );
    const refreshed = json(
      post("oauth2/token", {
        grant_type: "refresh_token",
        client_id: "web",
        refresh_token: answer.refresh_token,
      }),
    );

    // Assert
    expect(page?.body.toString()).toContain('value="hitl/analyst"');
    expect(page?.body.toString()).toContain('value="hitl/reviewer"');
    expect(page?.headers["content-security-policy"]).toContain("form-action 'self'");
    expect(String(approved?.headers.location)).toMatch(
      /^http:\/\/127\.0\.0\.1:3000\/app\?code=[\w-]+&state=s1$/,
    );
    expect(tokens.lookup(answer.access_token)).toEqual({ sub: "reviewer-3", scopes: ["hitl/reviewer"] });
    expect(tokens.lookup(refreshed.access_token)).toEqual({ sub: "reviewer-3", scopes: ["hitl/reviewer"] });
    expect(refreshed.access_token).not.toBe(answer.access_token);
  });

  it("refuses a wrong verifier, a code used twice, a redirect to another origin and a missing PKCE challenge", () => {
    // Arrange
    const { get, post } = setup();
    const code = codeOf(get("oauth2/approve", { ...authorization, role: "hitl/analyst", identity: "" }));
    const trade = (verifier: string) =>
      post("oauth2/token", {
        grant_type: "authorization_code",
        client_id: "web",
        code,
        redirect_uri: `${ORIGIN}/app`,
        code_verifier: verifier,
      });

    // Act
    const wrong = trade("another-verifier-of-at-least-forty-three-characters-x");
    const again = trade(VERIFIER);
    const elsewhere = get("oauth2/authorize", { ...authorization, redirect_uri: "https://evil.example/app" });
    const noPkce = get("oauth2/authorize", { ...authorization, code_challenge: "" });

    // Assert
    expect([wrong?.statusCode, json(wrong).error_description]).toEqual([400, "code_verifier does not match"]);
    expect([again?.statusCode, json(again).error]).toEqual([400, "invalid_grant"]);
    expect(json(elsewhere).error_description).toBe(
      "redirect_uri must be on http://127.0.0.1:3000, got https://evil.example",
    );
    expect(json(noPkce).error_description).toMatch(/^PKCE is required/);
  });

  it("leaves every other path to the API", () => {
    // Arrange
    const tokens = openTokenStore();
    const idp = localIdentityProvider(tokens, ["hitl/analyst"]);

    // Act
    const answer = idp.handle({
      method: "GET",
      path: "/v1/experiments",
      query: new URLSearchParams(),
      body: Buffer.alloc(0),
      origin: ORIGIN,
    });

    // Assert
    expect(answer).toBeUndefined();
  });
});

/**
 * A local stand-in for the user pool's hosted UI: the OAuth 2.0 authorization code flow with PKCE
 * (S256), as Cognito's `/oauth2/authorize`, `/oauth2/token` and `/logout` do it, at
 * `<api>/_local/cognito-idp/<pool id>/…` with OIDC discovery. Its sign-in page lets a developer
 * pick a role (the scopes the API's routes name) and an identity instead of a password, so several
 * reviewers can be tried by hand. Tokens come from the same token store the local JWT authorizer
 * checks; codes and refresh tokens live in memory (a restart signs everyone out).
 */
import { createHash, randomBytes } from "node:crypto";
import type { TokenStore } from "../auth";
import type { HttpResponse } from "./response";

export const IDENTITY_PREFIX = "/_local/cognito-idp/";
const CODE_TTL_MS = 5 * 60_000;
const ACCESS_TTL_SECONDS = 3600;
/** `hitl/reviewer` → `reviewer`. */
const roleName = (scope: string) => scope.split("/").pop() ?? scope;
/** Identities the sign-in page suggests; any other name can be typed. */
const SUGGESTED = (scope: string, role = roleName(scope)) =>
  role === "reviewer"
    ? ["reviewer-1", "reviewer-2", "reviewer-3", "reviewer-4", "reviewer-5"]
    : [`${role}-1`, `${role}-2`];

interface Grant {
  sub: string;
  scopes: string[];
  claims?: Record<string, string>;
}

interface PendingCode extends Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  expires: number;
}

export interface IdentityRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
  /** The server's own origin, e.g. `http://127.0.0.1:3000`: redirect URIs must stay on it. */
  origin: string;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const json = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { "content-type": "application/json", "cache-control": "no-store" },
  body: Buffer.from(JSON.stringify(body)),
});
const oauthError = (statusCode: number, error: string, description: string) =>
  json(statusCode, { error, error_description: description });
const redirect = (location: string): HttpResponse => ({
  statusCode: 302,
  headers: { location, "cache-control": "no-store" },
  body: Buffer.alloc(0),
});
const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

const STYLE =
  "body{font:16px system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#16181d}" +
  "fieldset{border:1px solid #d5d9e0;border-radius:6px;margin:0 0 1rem}label{display:block;margin:.3rem 0}" +
  "input[type=text]{font:inherit;width:100%;padding:.4rem}button{font:inherit;background:#1d4ed8;color:#fff;border:0;border-radius:4px;padding:.5rem 1.2rem}" +
  "p{color:#4a5160}";
const STYLE_HASH = `sha256-${createHash("sha256").update(STYLE).digest("base64")}`;

/** The sign-in page: a role per scope, an identity, optional queue entitlements; GET back to `approve`. */
function signInPage(scopes: string[], params: URLSearchParams, action: string): HttpResponse {
  const hidden = [...params.entries()]
    .map(([name, value]) => `<input type="hidden" name="${html(name)}" value="${html(value)}">`)
    .join("");
  const roleChoices = scopes
    .map(
      (scope, i) =>
        `<label><input type="radio" name="role" value="${html(scope)}"${i === 0 ? " checked" : ""}> ${html(roleName(scope))}</label>`,
    )
    .join("");
  const suggestions = [...new Set(scopes.flatMap((scope) => SUGGESTED(scope)))]
    .map((name) => `<option value="${html(name)}"></option>`)
    .join("");
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local sign-in - hitl-lab</title>
<style>${STYLE}</style></head><body><main><h1>Local sign-in</h1>
<p>The local cloud's stand-in for the user pool's hosted UI. Pick who you are; no password. On AWS this step is Cognito's (or your identity provider's) sign-in.</p>
<form method="get" action="${html(action)}">${hidden}
<fieldset><legend>Role</legend>${roleChoices}</fieldset>
<label for="identity">Identity</label><input type="text" id="identity" name="identity" list="identities" required aria-describedby="identity-help">
<datalist id="identities">${suggestions}</datalist>
<p id="identity-help">Empty: the role's first identity (<code>reviewer-1</code>, <code>analyst-1</code>…). Each name is a different person: two reviewers can double-review the same item.</p>
<label for="queues">Queues <span>(reviewers, optional)</span></label><input type="text" id="queues" name="queues" aria-describedby="queues-help">
<p id="queues-help">The token's <code>queues</code> claim, e.g. <code>default.*</code> or <code>high-value</code>; empty means every first-tier queue and audit.</p>
<button type="submit">Sign in</button></form></main></body></html>`;
  return {
    statusCode: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; style-src '${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      "cache-control": "no-store",
    },
    body: Buffer.from(page),
  };
}

/** An unsigned ID token (`alg: none`): local only, where nothing verifies signatures. */
function idToken(issuer: string, clientId: string, grant: Grant, nonce: string | undefined): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "none", typ: "JWT" }));
  const claims = {
    iss: issuer,
    sub: grant.sub,
    aud: clientId,
    iat: now,
    exp: now + ACCESS_TTL_SECONDS,
    token_use: "id",
    "cognito:username": grant.sub,
    ...(nonce ? { nonce } : {}),
  };
  return `${header}.${base64url(JSON.stringify(claims))}.`;
}

export interface LocalIdentityProvider {
  /** The response for a request under IDENTITY_PREFIX, or undefined for any other path. */
  handle(request: IdentityRequest): HttpResponse | undefined;
}

/** `scopes` are the OAuth scopes the API's routes require (`hitl/<role>`): one role each. */
export function localIdentityProvider(tokens: TokenStore, scopes: readonly string[]): LocalIdentityProvider {
  const codes = new Map<string, PendingCode>();
  const refreshTokens = new Map<string, Grant & { clientId: string }>();
  const issue = (issuer: string, clientId: string, grant: Grant, nonce?: string) => {
    const refresh = `hitl_refresh_${randomBytes(24).toString("base64url")}`;
    refreshTokens.set(refresh, { ...grant, clientId });
    return json(200, {
      access_token: tokens.mintToken(grant.sub, grant.scopes, grant.claims),
      id_token: idToken(issuer, clientId, grant, nonce),
      refresh_token: refresh,
      token_type: "Bearer",
      expires_in: ACCESS_TTL_SECONDS,
      scope: ["openid", ...grant.scopes].join(" "),
    });
  };

  return {
    handle({ method, path, query, body, origin }) {
      if (!path.startsWith(IDENTITY_PREFIX)) return undefined;
      const [pool = "", ...rest] = path.slice(IDENTITY_PREFIX.length).split("/");
      const action = rest.join("/");
      const issuer = `${origin}${IDENTITY_PREFIX}${pool}`;
      if (method === "GET" && action === ".well-known/openid-configuration") {
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/oauth2/authorize`,
          token_endpoint: `${issuer}/oauth2/token`,
          end_session_endpoint: `${issuer}/logout`,
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token"],
          code_challenge_methods_supported: ["S256"],
          scopes_supported: ["openid", ...scopes],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["none"],
          token_endpoint_auth_methods_supported: ["none"],
        });
      }
      if (method === "GET" && (action === "oauth2/authorize" || action === "oauth2/approve")) {
        const redirectUri = query.get("redirect_uri") ?? "";
        const clientId = query.get("client_id") ?? "";
        const challenge = query.get("code_challenge") ?? "";
        let target: URL;
        try {
          target = new URL(redirectUri);
        } catch {
          return oauthError(400, "invalid_request", "redirect_uri is missing or not a URL");
        }
        // Cognito accepts only the app client's callback URLs; locally: any page of this server.
        if (target.origin !== origin)
          return oauthError(
            400,
            "invalid_request",
            `redirect_uri must be on ${origin}, got ${target.origin}`,
          );
        if (query.get("response_type") !== "code" || !clientId)
          return oauthError(400, "unsupported_response_type", "only response_type=code with a client_id");
        if (!challenge || query.get("code_challenge_method") !== "S256")
          return oauthError(
            400,
            "invalid_request",
            "PKCE is required: code_challenge with code_challenge_method=S256",
          );
        if (action === "oauth2/authorize") return signInPage([...scopes], query, `${issuer}/oauth2/approve`);
        const role = query.get("role") ?? "";
        if (!scopes.includes(role))
          return oauthError(400, "invalid_request", `role must be one of ${scopes.join(", ")}`);
        const sub = (query.get("identity") ?? "").trim() || `${roleName(role)}-1`;
        const queues = (query.get("queues") ?? "").trim();
        const code = randomBytes(18).toString("base64url");
        codes.set(code, {
          sub,
          scopes: [role],
          ...(queues ? { claims: { queues } } : {}),
          clientId,
          redirectUri,
          challenge,
          ...(query.get("nonce") ? { nonce: query.get("nonce") ?? "" } : {}),
          expires: Date.now() + CODE_TTL_MS,
        });
        target.searchParams.set("code", code);
        const state = query.get("state");
        if (state !== null) target.searchParams.set("state", state);
        return redirect(target.toString());
      }
      if (method === "POST" && action === "oauth2/token") {
        const form = new URLSearchParams(body.toString("utf8"));
        const clientId = form.get("client_id") ?? "";
        if (form.get("grant_type") === "refresh_token") {
          const grant = refreshTokens.get(form.get("refresh_token") ?? "");
          if (!grant || grant.clientId !== clientId)
            return oauthError(400, "invalid_grant", "unknown refresh token");
          return issue(issuer, clientId, grant);
        }
        if (form.get("grant_type") !== "authorization_code")
          return oauthError(400, "unsupported_grant_type", "authorization_code or refresh_token");
        const code = form.get("code") ?? "";
        const pending = codes.get(code);
        codes.delete(code);
        if (!pending || pending.expires < Date.now())
          return oauthError(400, "invalid_grant", "unknown or expired code");
        const verifier = form.get("code_verifier") ?? "";
        const expected = createHash("sha256").update(verifier).digest("base64url");
        if (pending.clientId !== clientId || pending.redirectUri !== form.get("redirect_uri"))
          return oauthError(
            400,
            "invalid_grant",
            "client_id or redirect_uri differ from the authorization request",
          );
        if (expected !== pending.challenge)
          return oauthError(400, "invalid_grant", "code_verifier does not match");
        return issue(issuer, clientId, pending, pending.nonce);
      }
      if (method === "GET" && action === "logout") {
        const back = query.get("post_logout_redirect_uri") ?? query.get("logout_uri");
        if (back) {
          try {
            if (new URL(back).origin === origin) return redirect(back);
          } catch {
            // fall through to the plain page
          }
        }
        return {
          statusCode: 200,
          headers: { "content-type": "text/plain" },
          body: Buffer.from("Signed out.\n"),
        };
      }
      return oauthError(404, "not_found", `no ${method} ${action} on the local identity provider`);
    },
  };
}

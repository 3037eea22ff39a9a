/**
 * Where the browser pages (the app, the reviewer console) send people to sign in: the OIDC issuer
 * the API's JWT authorizer trusts and the app client to ask for, from the function's environment.
 * Locally, `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` (the SDK's standard endpoint override, set by
 * the local cloud) points a Cognito issuer at the local cloud's stand-in for the hosted UI, so the
 * pages run the same OAuth code + PKCE flow everywhere.
 */
export interface SignInConfig {
  /** The OIDC issuer: discovery is `<authority>/.well-known/openid-configuration`. */
  authority: string;
  clientId: string;
  /** Cognito's hosted UI has no end_session_endpoint in its discovery: its `/logout`. */
  logoutUrl?: string;
}

const COGNITO = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([A-Za-z0-9-]+_[A-Za-z0-9]+)$/;

export function signInConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SignInConfig | undefined {
  const issuer = env.OIDC_ISSUER;
  const clientId = env.OIDC_CLIENT_ID;
  if (!issuer || !clientId) return undefined;
  const pool = COGNITO.exec(issuer)?.[1];
  const local = env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER;
  if (pool && local) {
    const authority = `${local.replace(/\/$/, "")}/${pool}`;
    return { authority, clientId, logoutUrl: `${authority}/logout` };
  }
  return { authority: issuer, clientId, ...(env.OIDC_LOGOUT_URL ? { logoutUrl: env.OIDC_LOGOUT_URL } : {}) };
}

/** Origins the page must be allowed to call besides its own (discovery, token endpoint). */
export function signInOrigins(
  config: SignInConfig | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string[] {
  if (!config) return [];
  const extra = (env.OIDC_CONNECT_SRC ?? "").split(/\s+/).filter(Boolean);
  return [...new Set([new URL(config.authority).origin, ...extra])];
}

const attribute = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/** The page with its sign-in settings in `<meta name="hitl-sign-in">` (not script, so the CSP hash holds). */
export function withSignIn(html: string, config: SignInConfig | undefined): string {
  if (!config) return html;
  const meta = `<meta name="hitl-sign-in" content="${attribute(JSON.stringify(config))}">`;
  return html.replace("</head>", () => `${meta}\n</head>`);
}

/**
 * Sign-in for the browser pages (the app and the reviewer console): OAuth 2.0 authorization code
 * with PKCE through oidc-client-ts, against whatever issuer the page's `<meta name="hitl-sign-in">`
 * names: the user pool's hosted UI on AWS, any OIDC issuer set with `-c jwtIssuer`, or the local
 * cloud's stand-in. Tokens stay in this tab (session storage) and are renewed with the refresh token
 * before they expire. Typed without the DOM library so the console's Node-only type check covers it.
 */
import { type User, UserManager, WebStorageStateStore } from "oidc-client-ts";

export interface SignInConfig {
  authority: string;
  clientId: string;
  logoutUrl?: string;
}

/** The settings from the meta tag's content, or undefined when absent or malformed. */
export function readSignInConfig(content: string | null | undefined): SignInConfig | undefined {
  if (!content) return undefined;
  try {
    const parsed = JSON.parse(content) as Partial<SignInConfig>;
    if (typeof parsed.authority !== "string" || typeof parsed.clientId !== "string") return undefined;
    return {
      authority: parsed.authority,
      clientId: parsed.clientId,
      ...(typeof parsed.logoutUrl === "string" ? { logoutUrl: parsed.logoutUrl } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Where to send the browser to sign out at the identity provider, coming back to `back`. */
export function logoutUrl(config: SignInConfig, back: string): string | undefined {
  if (!config.logoutUrl) return undefined;
  const url = new URL(config.logoutUrl);
  // Cognito's /logout reads client_id and logout_uri; OIDC end-session endpoints post_logout_redirect_uri.
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("logout_uri", back);
  url.searchParams.set("post_logout_redirect_uri", back);
  return url.toString();
}

export interface PageEnv {
  readonly location: {
    readonly href: string;
    readonly origin: string;
    readonly pathname: string;
    readonly search: string;
    readonly hash: string;
  };
  readonly sessionStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
    readonly length: number;
    key(index: number): string | null;
    clear(): void;
  };
  /** Replaces the address without loading (drops `?code=…&state=…` after sign-in). */
  replaceUrl(url: string): void;
  navigate(url: string): void;
}

export interface Session {
  /** Finishes a sign-in the browser just came back from, or loads the tab's signed-in user. */
  start(): Promise<void>;
  token(): string | undefined;
  /** Who is signed in, for the page's header. */
  name(): string | undefined;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
}

export function createSession(config: SignInConfig, scope: string, env: PageEnv): Session {
  const page = `${env.location.origin}${env.location.pathname}`;
  const store = new WebStorageStateStore({
    store: env.sessionStorage,
  } as ConstructorParameters<typeof WebStorageStateStore>[0]);
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: page,
    post_logout_redirect_uri: page,
    response_type: "code",
    scope,
    userStore: store,
    stateStore: store,
    automaticSilentRenew: true,
    loadUserInfo: false,
    monitorSession: false,
  });
  let user: User | null = null;
  manager.events.addUserLoaded((loaded) => {
    user = loaded;
  });
  manager.events.addUserUnloaded(() => {
    user = null;
  });
  return {
    async start() {
      const params = new URLSearchParams(env.location.search);
      if (params.has("error"))
        throw new Error(`sign-in failed: ${params.get("error_description") ?? params.get("error")}`);
      if (params.has("code") && params.has("state")) {
        user = await manager.signinRedirectCallback(env.location.href);
        // Back to the page the user was on (its fragment travelled in the state).
        env.replaceUrl(`${page}${typeof user.state === "string" ? user.state : ""}`);
        return;
      }
      user = await manager.getUser();
      if (user?.expired) {
        // A tab reopened after the token expired: renew with the refresh token, or sign in again.
        user = await manager.signinSilent().catch(() => null);
      }
    },
    token: () => (user && !user.expired ? user.access_token : undefined),
    name: () => {
      const profile = user?.profile;
      if (!profile) return undefined;
      const username = profile["cognito:username"];
      return typeof username === "string" ? username : (profile.email ?? profile.sub);
    },
    signIn: () => manager.signinRedirect({ state: env.location.hash }),
    async signOut() {
      await manager.removeUser();
      user = null;
      const away = logoutUrl(config, page);
      if (away) env.navigate(away);
    },
  };
}

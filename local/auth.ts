// Local stand-in for the JWT authorizer's identity provider: opaque random bearer tokens, each
// mapped to a subject and its OAuth scopes, kept in the data folder so restarts reuse them.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { writeWhole } from "./write-whole";

export interface Identity {
  readonly sub: string;
  readonly scopes: readonly string[];
  /** Further claims the token carries (e.g. a reviewer's `queues`), as a real IdP would add them. */
  readonly claims?: Readonly<Record<string, string>>;
}

export interface TokenStore {
  /** Makes a new bearer token for `sub` carrying `scopes` (and optional extra claims). */
  mintToken(sub: string, scopes: readonly string[], claims?: Readonly<Record<string, string>>): string;
  lookup(token: string): Identity | undefined;
  /** The token of `sub` with exactly `scopes`, made on first use and reused after. */
  tokenFor(sub: string, scopes: readonly string[]): string;
}

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.sub === "string" &&
    Array.isArray(candidate.scopes) &&
    candidate.scopes.every((scope) => typeof scope === "string")
  );
}

function read(file: string | undefined): Map<string, Identity> {
  if (!file || !existsSync(file)) return new Map();
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  const tokens =
    typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).tokens : {};
  const entries = Object.entries(typeof tokens === "object" && tokens !== null ? tokens : {});
  return new Map(entries.filter((entry): entry is [string, Identity] => isIdentity(entry[1])));
}

/** `file` undefined keeps the tokens in memory only. */
export function openTokenStore(file?: string): TokenStore {
  const tokens = read(file);
  const save = (): void => {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeWhole(file, `${JSON.stringify({ tokens: Object.fromEntries(tokens) }, null, 2)}\n`, 0o600);
  };
  const mintToken = (
    sub: string,
    scopes: readonly string[],
    claims?: Readonly<Record<string, string>>,
  ): string => {
    const token = `hitl_${randomBytes(24).toString("base64url")}`;
    tokens.set(token, { sub, scopes: [...scopes], ...(claims ? { claims: { ...claims } } : {}) });
    save();
    return token;
  };
  return {
    mintToken,
    lookup: (token) => tokens.get(token),
    tokenFor(sub, scopes) {
      const wanted = [...scopes].sort().join(" ");
      for (const [token, identity] of tokens) {
        if (identity.sub === sub && [...identity.scopes].sort().join(" ") === wanted) return token;
      }
      return mintToken(sub, scopes);
    },
  };
}

export type AuthDecision =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly status: 401 | 403 };

/**
 * What API Gateway's JWT authorizer decides: no or unknown bearer token → 401; a token with none
 * of the route's scopes → 403 (a route listing no scopes accepts any valid token).
 */
export function authorize(
  store: TokenStore,
  authorization: string | undefined,
  routeScopes: readonly string[],
): AuthDecision {
  // API Gateway takes the token with or without the "Bearer " prefix.
  const token = (authorization ?? "").replace(/^Bearer\s+/i, "").trim();
  const identity = token ? store.lookup(token) : undefined;
  if (!identity) return { ok: false, status: 401 };
  if (routeScopes.length > 0 && !routeScopes.some((scope) => identity.scopes.includes(scope))) {
    return { ok: false, status: 403 };
  }
  return { ok: true, identity };
}

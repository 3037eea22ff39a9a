import { HitlApiError, HitlClient, type HitlClientOptions } from "../client";
import { type DevConfig, readDevConfig } from "./dev-config";

export { HitlApiError };

type Role = keyof DevConfig["tokens"];

/**
 * The API client (`hitl-lab/client`) for a role. Locally it takes the URL and the role's token
 * from .hitl/dev.json; against AWS set HITL_API_URL and HITL_TOKEN.
 */
export function clientFor(
  role: Role,
  config?: DevConfig,
  options: Partial<Omit<HitlClientOptions, "baseUrl" | "token">> = {},
): HitlClient {
  if (process.env.HITL_API_URL && process.env.HITL_TOKEN)
    return new HitlClient({ ...options, baseUrl: process.env.HITL_API_URL, token: process.env.HITL_TOKEN });
  const dev = config ?? readDevConfig();
  return new HitlClient({ ...options, baseUrl: dev.apiUrl, token: dev.tokens[role] });
}

/** Plain HTTP calls for the routes the typed client does not cover yet (gold uploads, scorecards). */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static forRole(role: Role, config?: DevConfig): ApiClient {
    if (process.env.HITL_API_URL && process.env.HITL_TOKEN)
      return new ApiClient(process.env.HITL_API_URL, process.env.HITL_TOKEN);
    const dev = config ?? readDevConfig();
    return new ApiClient(dev.apiUrl, dev.tokens[role]);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new HitlApiError(`${method} ${path}`, response.status, parsed);
    return parsed as T;
  }

  /** POSTs text as is (JSON Lines for a gold upload). */
  async postText<T>(path: string, text: string, contentType = "application/x-ndjson"): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method: "POST",
      headers: { authorization: `Bearer ${this.token}`, "content-type": contentType },
      body: text,
    });
    const body = await response.text();
    const parsed: unknown = body ? JSON.parse(body) : undefined;
    if (!response.ok) throw new HitlApiError(`POST ${path}`, response.status, parsed);
    return parsed as T;
  }

  get = <T>(path: string) => this.request<T>("GET", path);
  post = <T>(path: string, body?: unknown) => this.request<T>("POST", path, body);
  put = <T>(path: string, body?: unknown) => this.request<T>("PUT", path, body);
}
